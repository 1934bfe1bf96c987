import { isLive } from '../../shared/src/ledger/ledger-scope-data';
import { verifyRecords } from '../../shared/src/ledger/verify-records';
import { redactText } from '../../shared/src/logging/redact';
import { type CliIo, EXIT_OK, printJson } from '../cli-io';
import { type CommandDeclaration, flagGiven, flagValue, type ParsedCommandLine } from '../framework/command';
import { ledgerTable } from '../ledger-table';
import { createLiveContext } from '../live-context';

/** `ls [--caster ID] [--slot S] [--all] [--json] [--verify]`: what the ledger says is scheduled. */
export const lsCommand: CommandDeclaration = {
  name: 'ls',
  summary: 'list the episode groups in the ledger (scheduled and superseded; --all adds cancelled and retired)',
  positionals: { usage: '', min: 0, max: 0 },
  flags: [
    { name: 'caster', takes: 'value', valueName: 'ID', summary: 'only this studio' },
    { name: 'slot', takes: 'value', valueName: 'NAME', summary: 'only this slot' },
    { name: 'all', takes: 'boolean', summary: 'include cancelled and retired groups' },
    { name: 'json', takes: 'boolean', summary: 'print a JSON array of records (secrets redacted)' },
    { name: 'verify', takes: 'boolean', summary: 'ask the service (ListPlaylist) whether each live group still exists' },
  ],
  sendsRequests: true,
  details: [
    'Reads the ledger of this endpoint, region and PACING_ACCOUNT. The ledger knows only what this tool',
    'scheduled; --verify reports groups the studio no longer has without changing the ledger.',
  ].join('\n'),
  async run(parsed: ParsedCommandLine, io: CliIo): Promise<number> {
    const verify = flagGiven(parsed, 'verify');
    const caster = flagValue(parsed, 'caster');
    const slot = flagValue(parsed, 'slot');
    const context = await createLiveContext(io, { requireCredentials: verify, profile: flagValue(parsed, 'profile') });
    try {
      const { ledger } = context.dependencies;
      if (!ledger) {
        io.stderr('caster-carousel ls: the ledger is off (LEDGER=off): nothing is recorded\n');
        return EXIT_OK;
      }
      const snapshot = await ledger.load();
      const records = snapshot.records.filter(
        (record) =>
          (flagGiven(parsed, 'all') || isLive(record)) &&
          (caster === undefined || record.CasterId === caster) &&
          (slot === undefined || record.Slot === slot),
      );
      const verdicts = verify ? await verifyRecords(context.client, records) : undefined;
      if (snapshot.incompleteSince !== undefined) {
        io.stderr(
          `caster-carousel ls: the ledger may be incomplete: a write failed at ${snapshot.incompleteSince}; groups scheduled since then may be missing (their records are in the warning logs)\n`,
        );
      }
      if (flagGiven(parsed, 'json')) {
        printJson(io, verdicts ? records.map((record) => ({ ...record, Verified: verdicts.get(record.ProgramId) ?? '-' })) : records);
      } else {
        io.stdout(`${redactText(ledgerTable(records, verdicts))}\n`);
        if (records.length === 0) io.stdout(`(no groups in ${ledger.description})\n`);
      }
      return EXIT_OK;
    } finally {
      await context.close();
    }
  },
};
