import type { PlanWarning } from '../../plan/plan';
import type { ReconcileFailure } from '../../schedule/reconcile-schedule';
import { runSwitchOvers, type SwitchOver } from '../../schedule/switch-overs';
import type { ReconcileTickRequest } from '../../triggers/timer/reconcile-order';
import { scheduleDependenciesFor } from '../fc-instance';
import type { InvocationContext } from '../fc-types';

/** What a reconciliation tick returns (FC logs it; an onSuccess destination would receive it). */
export interface ReconcileTickResult {
  readonly triggerName: string;
  readonly triggerTime: string;
  /** The switch-overs due before this time were this tick's (the next tick's time plus an overlap). */
  readonly Until: string;
  /** Records left pending (a lost answer, a crash) that this tick finished, with the state each reached. */
  readonly Finished: readonly { readonly ClientToken: string; readonly ProgramId?: string | undefined; readonly State: string }[];
  /** Groups deleted because their successor started. */
  readonly Retired: readonly string[];
  /** Groups deleted before they aired, replaced at the same StartTime. */
  readonly Replaced: readonly string[];
  /** Each retirement with when it was due and when it was done. */
  readonly SwitchOvers: readonly SwitchOver[];
  /** ListPlaylist's answers for the groups due to air in the window. */
  readonly Verified: {
    readonly Present: readonly string[];
    /** Groups the studio no longer has: now recorded `missing`, so their predecessors stay on air. */
    readonly Missing: readonly string[];
    readonly Unknown: readonly { readonly ProgramId: string; readonly Reason: string }[];
  };
  /** Steps it could not take (the next tick retries them). */
  readonly Unreconciled?: readonly ReconcileFailure[];
  /** True when a switch-over of the window fell after the deadline (the next tick does it, late). */
  readonly StoppedByDeadline?: true;
  /** Present when the function keeps no ledger: the tick could do nothing. */
  readonly warnings?: readonly PlanWarning[];
}

// The next tick may fire a little late: this tick also covers the first seconds after it (two ticks doing the same
// switch-over is harmless: the ledger's compare-and-set lets one of them delete).
const OVERLAP_MS = 10_000;

/**
 * Reconciliation tick core (the timer payload `{"Reconcile": "PT1M"}`): runs the switch-overs of the window from
 * triggerTime to the next tick over the whole ledger (schedule/switch-overs.ts). Without a ledger it can do
 * nothing: it says so at error level and in its result, every tick.
 */
export async function reconcileTimerTick(request: ReconcileTickRequest, context: InvocationContext): Promise<ReconcileTickResult> {
  const dependencies = scheduleDependenciesFor(context);
  const { triggerName, triggerTime } = request.trigger;
  const untilMs = request.reconcile.fromMs + request.reconcile.intervalMs + OVERLAP_MS;
  const base = { triggerName, triggerTime, Until: new Date(untilMs).toISOString() };
  if (!dependencies.ledger) {
    context.invocationLogger.error('no ledger: groups are not taken off air at their successor’s start', {
      trigger: triggerName,
      reason: NO_LEDGER_REASON,
    });
    return {
      ...base,
      Finished: [],
      Retired: [],
      Replaced: [],
      SwitchOvers: [],
      Verified: { Present: [], Missing: [], Unknown: [] },
      warnings: [{ field: 'Reconcile', message: `does nothing: ${NO_LEDGER_REASON}` }],
    };
  }
  const outcome = await runSwitchOvers(dependencies, { fromMs: request.reconcile.fromMs, untilMs });
  const verdicts = [...outcome.verified];
  return {
    ...base,
    Finished: outcome.finished,
    Retired: outcome.retired,
    Replaced: outcome.replaced,
    SwitchOvers: outcome.switchOvers,
    Verified: {
      Present: verdicts.filter(([, verdict]) => verdict === 'present').map(([programId]) => programId),
      Missing: verdicts.filter(([, verdict]) => verdict === 'missing').map(([programId]) => programId),
      Unknown: verdicts
        .filter(([, verdict]) => verdict !== 'present' && verdict !== 'missing')
        .map(([programId, verdict]) => ({ ProgramId: programId, Reason: verdict })),
    },
    ...(outcome.failed.length > 0 ? { Unreconciled: outcome.failed } : {}),
    ...(outcome.stoppedByDeadline ? { StoppedByDeadline: true as const } : {}),
  };
}

/** Why a function without a ledger keeps no slot timeline (said by every timer tick of such a function). */
export const NO_LEDGER_REASON =
  'this function keeps no ledger (LEDGER=off, or no REDIS_URL): a slot’s groups are never deleted at the next one’s start, so every tick’s group stays in the studio and they overlap';
