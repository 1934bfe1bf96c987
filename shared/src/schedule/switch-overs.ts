/**
 * The reconciliation tick's work: a timer every minute runs it, so each group goes off air at its successor's
 * start with nobody calling `gc`. It verifies the groups about to air, finishes what was left pending, deletes
 * what is due, then stays within its deadline for the switch-overs due before the next tick and does each on
 * time: no earlier than the successor's StartTime, and as soon after it as a ledger read, two writes and one
 * DeleteCasterEpisodeGroup allow.
 */
import type { LedgerRecord } from '../ledger/ledger-record';
import { sleepMs } from '../time/sleep-ms';
import { nowMsOf } from './group-steps';
import { dueDeletions, nextSwitchOverMs } from './lifecycle';
import { type ReconcileFailure, reconcileSchedule } from './reconcile-schedule';
import type { ScheduleDependencies } from './schedule-carousel';
import { type Verification, verifyGroups } from './verify-groups';

/** One group taken off air because its successor started. */
export interface SwitchOver {
  readonly ProgramId: string;
  /** The group that took the air. */
  readonly Successor: string | undefined;
  /** The successor's StartTime: when the switch-over was due. */
  readonly OffAirAt: string;
  /** When the deletion was recorded done (ISO 8601 UTC). */
  readonly DeletedAt: string;
}

/** What a reconciliation tick did. */
export interface SwitchOverOutcome {
  readonly finished: readonly { readonly ClientToken: string; readonly ProgramId?: string | undefined; readonly State: string }[];
  readonly retired: readonly string[];
  readonly replaced: readonly string[];
  readonly switchOvers: readonly SwitchOver[];
  /** ListPlaylist's answer for each group due to air in the tick's window, by ProgramId. */
  readonly verified: ReadonlyMap<string, Verification>;
  readonly failed: readonly ReconcileFailure[];
  /** True when the deadline came before a switch-over of the window (the next tick does it, late). */
  readonly stoppedByDeadline: boolean;
}

export interface SwitchOverWindow {
  /** The tick's time (epoch ms): groups starting from here until `untilMs` are verified. */
  readonly fromMs: number;
  /** The switch-overs due before this (epoch ms) are this tick's: the next tick's time plus an overlap. */
  readonly untilMs: number;
}

// Time a switch-over needs before the deadline: a ledger read, two writes and one paced, retried delete.
const SWITCH_OVER_BUDGET_MS = 3_000;
// The ledger is read again at least this often while waiting, so a successor added or cancelled meanwhile counts.
const MAX_NAP_MS = 10_000;

/**
 * Runs one reconciliation tick over the whole ledger scope: first asks ListPlaylist (10/s, its own budget) about
 * the groups due to air in the window and the successors of the switch-overs already due, marking the ones the
 * studio no longer has `missing` (so a group whose successor vanished stays on air); then reconcileSchedule
 * finishes what was left pending and deletes what is due; then it waits for each switch-over due before
 * `untilMs`, as long as the deadline leaves time for it, and does it at its time.
 */
export async function runSwitchOvers(dependencies: ScheduleDependencies, window: SwitchOverWindow): Promise<SwitchOverOutcome> {
  const { ledger, session } = dependencies;
  if (!ledger) throw new Error('runSwitchOvers needs a ledger');
  const now = (): number => nowMsOf(dependencies);
  const finished: SwitchOverOutcome['finished'][number][] = [];
  const retired: string[] = [];
  const replaced: string[] = [];
  const switchOvers: SwitchOver[] = [];
  const failedByToken = new Map<string, ReconcileFailure>();
  let stoppedByDeadline = false;

  const open = await ledger.readOpen();
  const verified = await verifyGroups(dueToAir(open, window, now()), dependencies);

  /** One reconcileSchedule, its retirements reported as switch-overs with the successor's StartTime. */
  const reconcileNow = async (): Promise<void> => {
    const due = new Map(dueDeletions(await ledger.readOpen(), now()).map((entry) => [entry.record.ProgramId, entry]));
    const outcome = await reconcileSchedule(dependencies);
    const doneAt = new Date(now()).toISOString();
    finished.push(...outcome.finished);
    replaced.push(...outcome.replaced);
    for (const programId of outcome.retired) {
      retired.push(programId);
      const entry = due.get(programId);
      const switchOver = {
        ProgramId: programId,
        Successor: entry?.successor.ProgramId,
        OffAirAt: entry?.successor.StartTime ?? doneAt,
        DeletedAt: doneAt,
      };
      switchOvers.push(switchOver);
      session.logger.info('switch-over done', { ...switchOver, lagMs: Date.parse(doneAt) - Date.parse(switchOver.OffAirAt) });
    }
    for (const failure of outcome.failed) failedByToken.set(failure.ClientToken, failure);
    stoppedByDeadline ||= outcome.stoppedByDeadline;
  };

  await reconcileNow();
  while (!stoppedByDeadline) {
    const records = await ledger.readOpen();
    const nowMs = now();
    // A deletion that failed in this tick is not retried at once (it would spin): the next due one, or the next tick, retries it.
    if (dueDeletions(records, nowMs).some((entry) => !failedByToken.has(entry.record.ClientToken))) {
      await reconcileNow();
      continue;
    }
    const next = nextSwitchOverMs(records, nowMs);
    if (next === undefined || next >= window.untilMs) break;
    if (session.deadlineAtMs !== undefined && next + SWITCH_OVER_BUDGET_MS > session.deadlineAtMs) {
      stoppedByDeadline = true;
      session.logger.warn('a switch-over falls after this tick’s deadline; the next tick does it', {
        dueAt: new Date(next).toISOString(),
      });
      break;
    }
    await sleepMs(Math.min(next - nowMs, MAX_NAP_MS));
  }
  return { finished, retired, replaced, switchOvers, verified, failed: [...failedByToken.values()], stoppedByDeadline };
}

/**
 * The groups to ask ListPlaylist about: the scheduled ones starting in the window (they air before the next tick
 * verifies anything), and the successors of switch-overs due already, before their predecessors are deleted.
 */
export function dueToAir(records: readonly LedgerRecord[], window: SwitchOverWindow, nowMs: number): LedgerRecord[] {
  const chosen = new Map<string, LedgerRecord>();
  for (const record of records) {
    const startMs = Date.parse(record.StartTime);
    if (record.State === 'scheduled' && startMs >= window.fromMs && startMs < window.untilMs) chosen.set(record.ClientToken, record);
  }
  for (const due of dueDeletions(records, nowMs)) {
    if (due.event === 'windowEnded') chosen.set(due.successor.ClientToken, due.successor);
  }
  return [...chosen.values()].sort((a, b) => Date.parse(a.StartTime) - Date.parse(b.StartTime));
}
