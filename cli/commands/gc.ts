import { UsageError } from '../../shared/src/errors';
import { retirementCandidates, retireSupersededGroups } from '../../shared/src/ledger/retire-superseded';
import { type CliIo, EXIT_FAILURE, EXIT_OK, printJson } from '../cli-io';
import { type CommandDeclaration, flagGiven, flagValue, type ParsedCommandLine } from '../framework/command';
import { createLiveContext } from '../live-context';

/** `gc [--dry-run]`: deletes superseded groups whose successor has started, and marks them retired. */
export const gcCommand: CommandDeclaration = {
  name: 'gc',
  summary: 'delete superseded groups whose successor has already started (--dry-run: only show them)',
  positionals: { usage: '', min: 0, max: 0 },
  flags: [{ name: 'dry-run', takes: 'boolean', summary: 'print what would be deleted; send nothing' }],
  sendsRequests: true,
  details: 'A superseded group is never deleted before its successor starts, so a slot never goes off air.',
  async run(parsed: ParsedCommandLine, io: CliIo): Promise<number> {
    const dryRun = flagGiven(parsed, 'dry-run');
    const context = await createLiveContext(io, { requireCredentials: !dryRun, profile: flagValue(parsed, 'profile') });
    try {
      const { ledger } = context.dependencies;
      if (!ledger) throw new UsageError('gc needs the ledger, and LEDGER=off turns it off');
      if (dryRun) {
        const { records } = await ledger.load();
        printJson(
          io,
          retirementCandidates(records, Date.now()).map(({ record, successor }) => ({
            ProgramId: record.ProgramId,
            Slot: record.Slot,
            SupersededBy: successor.ProgramId,
            SuccessorStartTime: successor.StartTime,
          })),
        );
        return EXIT_OK;
      }
      const outcome = await retireSupersededGroups(ledger, context.client);
      printJson(io, { Retired: outcome.retired, Failed: outcome.failed });
      return outcome.failed.length > 0 ? EXIT_FAILURE : EXIT_OK;
    } finally {
      await context.close();
    }
  },
};
