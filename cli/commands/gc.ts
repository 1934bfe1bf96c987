import { UsageError } from '../../shared/src/errors';
import { PENDING_STATES } from '../../shared/src/schedule/lifecycle';
import { deletionsDue, reconcileSchedule } from '../../shared/src/schedule/reconcile-schedule';
import { type CliIo, EXIT_FAILURE, EXIT_OK, printJson } from '../cli-io';
import { type CommandDeclaration, flagGiven, flagValue, type ParsedCommandLine } from '../framework/command';
import { createLiveContext } from '../live-context';

/** `gc [--dry-run]`: finishes what lost answers left pending, then deletes the groups whose window is over. */
export const gcCommand: CommandDeclaration = {
  name: 'gc',
  summary: 'finish pending steps, then delete groups whose window is over (--dry-run: only show them)',
  positionals: { usage: '', min: 0, max: 0 },
  flags: [{ name: 'dry-run', takes: 'boolean', summary: 'print what would be done; send nothing' }],
  sendsRequests: true,
  details: [
    'A group airs until the next group of its slot starts, and is never deleted before; one replaced at the same',
    'StartTime never airs and is deleted at once. Intents and deletes whose answer was lost are finished first.',
  ].join('\n'),
  async run(parsed: ParsedCommandLine, io: CliIo): Promise<number> {
    const dryRun = flagGiven(parsed, 'dry-run');
    const context = await createLiveContext(io, { requireCredentials: !dryRun, profile: flagValue(parsed, 'profile') });
    try {
      const { ledger } = context.dependencies;
      if (!ledger) throw new UsageError('gc needs the ledger, and LEDGER=off turns it off');
      if (dryRun) {
        const records = await ledger.readOpen();
        printJson(io, {
          Pending: records
            .filter((record) => PENDING_STATES.has(record.State))
            .map((record) => ({ ClientToken: record.ClientToken, ProgramId: record.ProgramId, State: record.State })),
          Due: deletionsDue(records, Date.now()).map(({ record, event, successor }) => ({
            ProgramId: record.ProgramId,
            Slot: record.Slot,
            Becomes: event === 'replacedBeforeAir' ? 'replaced' : 'retired',
            Successor: successor.ProgramId,
            SuccessorStartTime: successor.StartTime,
          })),
        });
        return EXIT_OK;
      }
      const outcome = await reconcileSchedule(context.dependencies);
      printJson(io, { Finished: outcome.finished, Retired: outcome.retired, Replaced: outcome.replaced, Failed: outcome.failed });
      return outcome.failed.length > 0 ? EXIT_FAILURE : EXIT_OK;
    } finally {
      await context.close();
    }
  },
};
