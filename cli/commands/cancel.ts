import { UsageError } from '../../shared/src/errors';
import type { Ledger } from '../../shared/src/ledger/ledger';
import type { LedgerRecord } from '../../shared/src/ledger/ledger-record';
import { isSlotName } from '../../shared/src/ledger/slot-name';
import { type CancelOutcome, cancelGroup } from '../../shared/src/schedule/cancel-groups';
import { decideCancel, studioKeyOf } from '../../shared/src/schedule/lifecycle';
import { type CliIo, EXIT_INVALID_INPUT, EXIT_OK } from '../cli-io';
import { type CommandDeclaration, flagGiven, flagValue, type ParsedCommandLine } from '../framework/command';
import { createLiveContext } from '../live-context';
import { count, emit, OUTPUT_FLAGS, type OutputStyle, oneLine, outputStyleOf, renderTable } from '../output';

/** `cancel <ProgramId>` or `cancel --slot S [--caster ID | --all-studios]`, `--dry-run` to preview: deletes groups, records them cancelled. */
export const cancelCommand: CommandDeclaration = {
  name: 'cancel',
  summary: 'delete a group (or every live group of a slot) and mark it cancelled in the ledger (--dry-run: only show them)',
  positionals: { usage: '[<ProgramId>]', min: 0, max: 1 },
  flags: [
    { name: 'slot', takes: 'value', valueName: 'NAME', summary: 'cancel every scheduled group of this slot instead' },
    { name: 'caster', takes: 'value', valueName: 'ID', summary: 'with --slot: only the slot of this studio' },
    { name: 'all-studios', takes: 'boolean', summary: 'with --slot: the slot in every studio that has it' },
    { name: 'dry-run', takes: 'boolean', summary: 'print what would be cancelled; send nothing' },
    ...OUTPUT_FLAGS,
  ],
  sendsRequests: true,
  details: [
    'Sends DeleteCasterEpisodeGroup, then marks the record cancelled: submitting the same plan again schedules',
    'a new group (a fresh ClientToken generation) instead of answering the deleted ProgramId. A slot name is per',
    'studio: when --slot matches groups in several studios, cancel lists them and refuses (exit 2) unless --caster',
    'or --all-studios says which. A group the ledger already holds as cancelled is said so, and nothing is sent.',
  ].join('\n'),
  async run(parsed: ParsedCommandLine, io: CliIo): Promise<number> {
    const style = outputStyleOf(parsed, io.env);
    const programId = parsed.positionals[0];
    const slot = flagValue(parsed, 'slot');
    const caster = flagValue(parsed, 'caster');
    const allStudios = flagGiven(parsed, 'all-studios');
    const dryRun = flagGiven(parsed, 'dry-run');
    if ((programId === undefined) === (slot === undefined)) throw new UsageError('give either a <ProgramId> or --slot NAME');
    if (slot !== undefined && !isSlotName(slot)) throw new UsageError('--slot must be 1 to 64 letters, digits, ".", "_", ":" or "-"');
    if ((caster !== undefined || allStudios) && slot === undefined) throw new UsageError('--caster and --all-studios only narrow --slot');
    if (caster !== undefined && allStudios) throw new UsageError('give --caster ID or --all-studios, not both');
    const context = await createLiveContext(io, { requireCredentials: !dryRun, profile: flagValue(parsed, 'profile') });
    try {
      const { ledger } = context.dependencies;
      let targets: Target[];
      if (programId !== undefined) {
        targets = [{ programId, record: ledger ? await ledger.readByProgramId(programId) : undefined }];
      } else {
        const groups = await scheduledGroupsOfSlot(ledger, slot as string, caster);
        const studios = [...new Set(groups.map(studioKeyOf))];
        if (studios.length > 1 && caster === undefined && !allStudios) {
          io.stderr(severalStudios(slot as string, groups, style));
          return EXIT_INVALID_INPUT;
        }
        targets = groups.map((record) => ({ programId: record.ProgramId as string, record }));
      }
      if (dryRun) {
        const previews = targets.map((target) => preview(target, style));
        emit(io, style, {
          json: { dryRun: true, Groups: previews.map(({ json }) => json) },
          text: () => dryRunText(previews, slot),
        });
        return EXIT_OK;
      }
      const outcomes: { outcome: CancelOutcome; before: LedgerRecord | undefined }[] = [];
      for (const target of targets)
        outcomes.push({ outcome: await cancelGroup(target.programId, context.dependencies), before: target.record });
      const results = outcomes.map(({ outcome }) => ({
        ProgramId: outcome.ProgramId,
        RequestId: outcome.RequestId ?? '-',
        State: outcome.State,
        ...(outcome.AlreadyGone ? { AlreadyGone: true } : {}),
        ...(outcome.AlreadyDone ? { AlreadyDone: true } : {}),
      }));
      emit(io, style, {
        json: programId !== undefined ? results[0] : results,
        text: () => outcomeText(outcomes, slot, caster, style),
      });
      return EXIT_OK;
    } finally {
      await context.close();
    }
  },
};

interface Target {
  readonly programId: string;
  readonly record: LedgerRecord | undefined;
}

async function scheduledGroupsOfSlot(ledger: Ledger | undefined, slot: string, caster: string | undefined): Promise<LedgerRecord[]> {
  if (!ledger) throw new UsageError('--slot needs the ledger, and LEDGER=off turns it off');
  const records = await ledger.readOpen();
  return records.filter(
    (record) => record.State === 'scheduled' && record.Slot === slot && (caster === undefined || studioKeyOf(record) === caster),
  );
}

function groupCells(record: LedgerRecord | undefined, programId: string, style: OutputStyle): string[] {
  return [programId, record?.Slot ?? '-', record ? studioKeyOf(record) : '-', record ? style.time(record.StartTime) : '-'];
}

function severalStudios(slot: string, groups: readonly LedgerRecord[], style: OutputStyle): string {
  const studios = [...new Set(groups.map(studioKeyOf))];
  return [
    `caster-carousel cancel: slot ${oneLine(slot)} has scheduled groups in ${count(studios.length, 'studio')}; nothing was cancelled:`,
    renderTable({
      header: ['PROGRAM ID', 'SLOT', 'CASTER', 'START'],
      rows: groups.map((record) => groupCells(record, record.ProgramId as string, style)),
    }),
    `Give --caster ID to cancel the slot of one studio (e.g. --caster ${oneLine(studios[0] ?? '')}), or --all-studios to cancel all ${groups.length}.`,
    '',
  ].join('\n');
}

interface Preview {
  readonly json: Record<string, unknown>;
  readonly row: string[];
}

function preview(target: Target, style: OutputStyle): Preview {
  const { programId, record } = target;
  if (!record) {
    return {
      json: { ProgramId: programId, InLedger: false, Would: 'delete' },
      row: [
        'delete',
        ...groupCells(undefined, programId, style),
        'not in the ledger: DeleteCasterEpisodeGroup would be sent, and the studio decides whether it exists',
      ],
    };
  }
  const decision = decideCancel(record, new Date().toISOString());
  const base = {
    ProgramId: programId,
    InLedger: true,
    State: record.State,
    Slot: record.Slot,
    CasterId: record.CasterId,
    StartTime: record.StartTime,
  };
  if (decision.kind === 'delete') {
    return {
      json: { ...base, Would: 'delete' },
      row: ['delete', ...groupCells(record, programId, style), `${record.State}: DeleteCasterEpisodeGroup, then cancelled`],
    };
  }
  if (decision.kind === 'alreadyDone') {
    return {
      json: { ...base, Would: 'nothing', AlreadyDone: true },
      row: ['nothing', ...groupCells(record, programId, style), `already ${record.State} since ${style.time(record.UpdatedAt)}`],
    };
  }
  return {
    json: { ...base, Would: 'refuse', Reason: decision.reason },
    row: ['refuse', ...groupCells(record, programId, style), `${record.State}: ${decision.reason}`],
  };
}

function dryRunText(previews: readonly Preview[], slot: string | undefined): string {
  const deletes = previews.filter((entry) => entry.json['Would'] === 'delete').length;
  if (previews.length === 0)
    return `cancel --dry-run: no scheduled group in slot ${oneLine(slot ?? '')}: nothing would be cancelled; nothing was sent.`;
  return [
    `cancel --dry-run: would delete ${count(deletes, 'group')}; nothing was sent.`,
    renderTable({ header: ['WOULD', 'PROGRAM ID', 'SLOT', 'CASTER', 'START', 'WHY'], rows: previews.map((entry) => entry.row) }),
  ].join('\n');
}

function outcomeText(
  outcomes: readonly { outcome: CancelOutcome; before: LedgerRecord | undefined }[],
  slot: string | undefined,
  caster: string | undefined,
  style: OutputStyle,
): string {
  if (outcomes.length === 0) {
    return `No scheduled group in slot ${oneLine(slot ?? '')}${caster === undefined ? '' : ` of studio ${oneLine(caster)}`}: nothing was cancelled.`;
  }
  const alreadyDone = outcomes.filter(({ outcome }) => outcome.AlreadyDone);
  if (outcomes.length === 1 && alreadyDone.length === 1) {
    const { outcome } = outcomes[0] as { outcome: CancelOutcome };
    const since = outcome.record ? ` since ${style.time(outcome.record.UpdatedAt)}` : '';
    return `${oneLine(outcome.ProgramId)} was already ${outcome.State} (the ledger holds it as ${outcome.State}${since}); nothing was sent.`;
  }
  const deleted = outcomes.length - alreadyDone.length;
  const rows = outcomes.map(({ outcome, before }) => [
    ...groupCells(outcome.record ?? before, outcome.ProgramId, style),
    outcome.State,
    outcome.RequestId ?? '-',
    outcome.AlreadyDone
      ? `already ${outcome.State}: nothing sent`
      : outcome.AlreadyGone
        ? 'the studio no longer had it'
        : outcome.record
          ? 'deleted'
          : 'deleted (it was not in the ledger)',
  ]);
  return [
    `Cancelled ${count(deleted, 'group')}${alreadyDone.length > 0 ? `; ${alreadyDone.length} already gone, nothing sent for ${alreadyDone.length === 1 ? 'it' : 'them'}` : ''}:`,
    renderTable({ header: ['PROGRAM ID', 'SLOT', 'CASTER', 'START', 'STATE', 'REQUEST ID', 'NOTE'], rows }),
  ].join('\n');
}
