import { redactText } from '../../shared/src/logging/redact';
import { withOverlaps } from '../../shared/src/schedule/schedule-listing';
import { verifyGroups } from '../../shared/src/schedule/verify-groups';
import { type CliIo, EXIT_OK, printJson } from '../cli-io';
import { type CommandDeclaration, flagGiven, flagValue, type ParsedCommandLine } from '../framework/command';
import { readSnapshot } from '../ledger-access';
import { ledgerTable } from '../ledger-table';
import { createLiveContext } from '../live-context';

/** `ls [--caster ID] [--slot S] [--all] [--json] [--verify]`: what the ledger says is scheduled. */
export const lsCommand: CommandDeclaration = {
  name: 'ls',
  summary: 'list the episode groups in the ledger (open ones; --all adds cancelled, retired, replaced and missing)',
  positionals: { usage: '', min: 0, max: 0 },
  flags: [
    { name: 'caster', takes: 'value', valueName: 'ID', summary: 'only this studio' },
    { name: 'slot', takes: 'value', valueName: 'NAME', summary: 'only this slot' },
    { name: 'all', takes: 'boolean', summary: 'include groups that are gone (cancelled, retired, replaced, missing)' },
    { name: 'json', takes: 'boolean', summary: 'print a JSON array of records (secrets redacted)' },
    { name: 'verify', takes: 'boolean', summary: 'ask the service (ListPlaylist) whether each scheduled group still exists' },
  ],
  sendsRequests: true,
  details: [
    'Reads the ledger of this endpoint, region and PACING_ACCOUNT. The ledger knows only what this tool',
    'scheduled; --verify records groups the studio no longer has as missing, so their triggers may schedule anew.',
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
      const snapshot = await readSnapshot(ledger, flagGiven(parsed, 'all'));
      const records = withOverlaps(
        snapshot.records
          .filter((record) => (caster === undefined || record.CasterId === caster) && (slot === undefined || record.Slot === slot))
          .sort((a, b) => (a.StartTime < b.StartTime ? -1 : a.StartTime > b.StartTime ? 1 : 0)),
      );
      const verdicts = verify ? await verifyGroups(records, context.dependencies) : undefined;
      if (snapshot.incompleteSince !== undefined) {
        io.stderr(
          `caster-carousel ls: the ledger is incomplete: a write was lost at ${snapshot.incompleteSince} and is not repaired yet; run gc (or wait for the next tick) to finish what it left, and see the warning logs for the record\n`,
        );
      }
      if (flagGiven(parsed, 'json')) {
        printJson(io, verdicts ? records.map((record) => ({ ...record, Verified: verdicts.get(record.ProgramId ?? '') ?? '-' })) : records);
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
