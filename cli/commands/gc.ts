import { UsageError } from '../../shared/src/errors';
import type { Ledger } from '../../shared/src/ledger/ledger';
import type { LedgerRecord } from '../../shared/src/ledger/ledger-record';
import { type DueDeletion, PENDING_STATES } from '../../shared/src/schedule/lifecycle';
import { deletionsDue, type ReconcileOutcome, reconcileSchedule } from '../../shared/src/schedule/reconcile-schedule';
import { type CliIo, EXIT_FAILURE, EXIT_OK } from '../cli-io';
import { type CommandDeclaration, flagGiven, flagValue, type ParsedCommandLine } from '../framework/command';
import { createLiveContext } from '../live-context';
import { count, emit, OUTPUT_FLAGS, type OutputStyle, outputStyleOf, renderTable } from '../output';

/** `gc [--dry-run]`: finishes what lost answers left pending, then deletes the groups whose window is over. */
export const gcCommand: CommandDeclaration = {
  name: 'gc',
  summary: 'finish pending steps, then delete groups whose window is over (--dry-run: only show them)',
  positionals: { usage: '', min: 0, max: 0 },
  flags: [{ name: 'dry-run', takes: 'boolean', summary: 'print what would be done; send nothing' }, ...OUTPUT_FLAGS],
  sendsRequests: true,
  details: [
    'A group airs until the next group of its slot starts, and is never deleted before; one replaced at the same',
    'StartTime never airs and is deleted at once. Intents and deletes whose answer was lost are finished first.',
    'Then moves the groups that ended longer ago than LEDGER_RETENTION_DAYS (default 30) to the archive.',
    'Prints a table (--json: {Finished, Retired, Replaced, Failed, Archived}, or {Pending, Due} with --dry-run).',
  ].join('\n'),
  async run(parsed: ParsedCommandLine, io: CliIo): Promise<number> {
    const style = outputStyleOf(parsed, io.env);
    const dryRun = flagGiven(parsed, 'dry-run');
    const context = await createLiveContext(io, { requireCredentials: !dryRun, profile: flagValue(parsed, 'profile') });
    try {
      const { ledger } = context.dependencies;
      if (!ledger) throw new UsageError('gc needs the ledger, and LEDGER=off turns it off');
      const records = await ledger.readOpen();
      const due = deletionsDue(records, Date.now());
      if (dryRun) {
        const pending = records.filter((record) => PENDING_STATES.has(record.State));
        emit(io, style, {
          json: {
            Pending: pending.map((record) => ({ ClientToken: record.ClientToken, ProgramId: record.ProgramId, State: record.State })),
            Due: due.map(({ record, event, successor }) => ({
              ProgramId: record.ProgramId,
              Slot: record.Slot,
              Becomes: event === 'replacedBeforeAir' ? 'replaced' : 'retired',
              Successor: successor.ProgramId,
              SuccessorStartTime: successor.StartTime,
            })),
          },
          text: () => dryRunText(pending, due, style),
        });
        return EXIT_OK;
      }
      const outcome = await reconcileSchedule(context.dependencies);
      const archived = await archiveEnded(ledger);
      emit(io, style, {
        json: {
          Finished: outcome.finished,
          Retired: outcome.retired,
          Replaced: outcome.replaced,
          Failed: outcome.failed,
          Archived: archived,
        },
        text: () =>
          `${outcomeText(outcome, records, due, style)}${archived > 0 ? `\ngc: moved ${count(archived, 'group')} that ended more than ${ledger.retentionMs / 86_400_000} days ago to the archive (ls --all shows them).` : ''}`,
      });
      return outcome.failed.length > 0 ? EXIT_FAILURE : EXIT_OK;
    } finally {
      await context.close();
    }
  },
};

// gc archives everything due, in batches; a submission or a tick archives one batch.
const ARCHIVE_BATCH = 1000;

/** Moves every record that ended longer ago than the retention to the archive; how many moved. */
async function archiveEnded(ledger: Ledger): Promise<number> {
  let total = 0;
  for (;;) {
    const moved = await ledger.archiveEnded(Date.now(), ARCHIVE_BATCH);
    total += moved;
    if (moved < ARCHIVE_BATCH) return total;
  }
}

const HEADER = ['PROGRAM ID', 'SLOT', 'CASTER', 'START', 'WHY'];

function cells(record: LedgerRecord | undefined, programId: string | undefined, style: OutputStyle): string[] {
  return [
    programId ?? record?.ProgramId ?? '-',
    record?.Slot ?? '-',
    record ? (record.CasterId ?? record.DomainName) : '-',
    record ? style.time(record.StartTime) : '-',
  ];
}

function because(deletion: DueDeletion | undefined, style: OutputStyle): string {
  if (!deletion) return '-';
  const { successor } = deletion;
  return deletion.event === 'replacedBeforeAir'
    ? `replaced before it aired by ${successor.ProgramId} (same start)`
    : `off air since ${successor.ProgramId} started at ${style.time(successor.StartTime)}`;
}

const PENDING_REASON: Record<string, string> = {
  intent: 'AddCasterEpisodeGroup answer not recorded: resend with the same ClientToken',
  cancelling: 'DeleteCasterEpisodeGroup answer not recorded: resend the delete',
  retiring: 'DeleteCasterEpisodeGroup answer not recorded: resend the delete',
};

function dryRunText(pending: readonly LedgerRecord[], due: readonly DueDeletion[], style: OutputStyle): string {
  const head = `gc --dry-run: would finish ${count(pending.length, 'pending step')} and delete ${count(due.length, 'group')}; nothing was sent.`;
  if (pending.length + due.length === 0) return head;
  const rows = [
    ...pending.map((record) => ['finish', record.State, ...cells(record, undefined, style), PENDING_REASON[record.State] ?? '-']),
    ...due.map((deletion) => [
      deletion.event === 'replacedBeforeAir' ? 'delete (replaced)' : 'delete (retired)',
      deletion.record.State,
      ...cells(deletion.record, undefined, style),
      because(deletion, style),
    ]),
  ];
  return `${head}\n${renderTable({ header: ['WOULD', 'STATE', ...HEADER], rows })}`;
}

function outcomeText(outcome: ReconcileOutcome, before: readonly LedgerRecord[], due: readonly DueDeletion[], style: OutputStyle): string {
  const byProgramId = new Map(before.filter((record) => record.ProgramId).map((record) => [record.ProgramId as string, record]));
  const byToken = new Map(before.map((record) => [record.ClientToken, record]));
  const dueOf = (programId: string): DueDeletion | undefined => due.find((deletion) => deletion.record.ProgramId === programId);
  const done = outcome.finished.length + outcome.retired.length + outcome.replaced.length;
  if (done + outcome.failed.length === 0) {
    return `gc: nothing was due: no pending step, and no group whose window is over${outcome.stoppedByDeadline ? ' (stopped early)' : ''}.`;
  }
  const head = [
    `gc: retired ${count(outcome.retired.length, 'group')}, replaced ${outcome.replaced.length}, finished ${count(outcome.finished.length, 'pending step')}`,
    outcome.failed.length > 0 ? `; ${outcome.failed.length} could not be done (they stay for the next gc or tick)` : '',
    outcome.stoppedByDeadline ? '; stopped before everything due was done' : '',
    '.',
  ].join('');
  const rows = [
    ...outcome.retired.map((id) => ['retired', ...cells(byProgramId.get(id), id, style), because(dueOf(id), style)]),
    ...outcome.replaced.map((id) => ['replaced', ...cells(byProgramId.get(id), id, style), because(dueOf(id), style)]),
    ...outcome.finished.map((entry) => [`finished: ${entry.State}`, ...cells(byToken.get(entry.ClientToken), entry.ProgramId, style), '-']),
    ...outcome.failed.map((entry) => [
      `NOT DONE: ${entry.State}`,
      ...cells(byToken.get(entry.ClientToken), entry.ProgramId, style),
      entry.code,
    ]),
  ];
  return `${head}\n${renderTable({ header: ['DONE', ...HEADER], rows })}`;
}
