import { type ReconcileOutcome, reconcileSchedule } from '../../schedule/reconcile-schedule';
import { type PlanResult, schedulePlan } from '../../schedule/schedule-plan';
import { isReconcileTick, readTimerEvent, type TimerEventRequest } from '../../triggers/timer/reconcile-order';
import { getFcInstance, scheduleDependenciesFor } from '../fc-instance';
import type { FcMiddleware, InvocationContext } from '../fc-types';
import { NO_LEDGER_REASON, type ReconcileTickResult, reconcileTimerTick } from './reconcile-timer-tick';

/** What a successful tick returns (FC logs it; an onSuccess destination would receive it). */
export interface TimerResult extends PlanResult {
  readonly triggerName: string;
  readonly triggerTime: string;
  readonly StartTime: string;
  /** Steps the tick's reconciliation could not take (they stay for the next tick or gc), when there were any. */
  readonly Unreconciled?: ReconcileOutcome['failed'];
  /**
   * The slots (`<CasterId>/<slot>`) this tick left not reconciled, when there are any: those of the steps above, or
   * `*` when the ledger could not be read (in time) at all, so no slot was. Never left out silently.
   */
  readonly UnreconciledSlots?: readonly string[];
}

/** Middleware: reads FC's timer event into a schedule request, or a reconciliation tick (payload `{"Reconcile": "PT1M"}`). */
export function timerPlanRequest(): FcMiddleware {
  return {
    before: function readTimerPlan(request) {
      request.event = readTimerEvent(request.event, getFcInstance().environment.planRules);
    },
  };
}

/**
 * Timer handler core: schedules the tick's plan with the tick's ClientToken, in the slot named after the trigger
 * (unless the plan names one), so each tick's group follows the previous one on the slot's timeline. Then, within
 * the deadline, it reconciles the whole ledger: what lost answers left pending is finished, and every group whose
 * window is over is deleted. A reconciliation tick (payload `{"Reconcile": "PT1M"}`) runs reconcileTimerTick instead.
 */
export async function scheduleTimerPlan(
  request: TimerEventRequest,
  context: InvocationContext,
): Promise<TimerResult | ReconcileTickResult> {
  if (isReconcileTick(request)) return reconcileTimerTick(request, context);
  const dependencies = scheduleDependenciesFor(context);
  const { triggerName, triggerTime } = request.trigger;
  const result = await schedulePlan({ ...request, slot: request.slot ?? triggerName }, dependencies);
  let retired = [...result.Retired];
  let replaced = [...result.Replaced];
  let unreconciled: ReconcileOutcome['failed'] = [];
  let unreadable = false;
  if (dependencies.ledger) {
    try {
      const outcome = await reconcileSchedule(dependencies);
      retired = [...retired, ...outcome.retired];
      replaced = [...replaced, ...outcome.replaced];
      unreconciled = outcome.failed;
    } catch (error) {
      // The tick's own group is scheduled; what is due is done by the next tick or `caster-carousel gc`.
      unreadable = true;
      context.invocationLogger.warn('could not reconcile the schedule', { error, unreconciledSlots: ['*'] });
    }
  } else {
    // Every tick has a slot (its trigger's name), which only a ledger keeps: said loudly on every tick, not once.
    context.invocationLogger.error('no ledger: this tick’s slot is not kept', { trigger: triggerName, reason: NO_LEDGER_REASON });
  }
  const noLedger = dependencies.ledger ? [] : [{ field: 'Slot', message: `is not kept: ${NO_LEDGER_REASON}` }];
  const warnings = [...(result.warnings ?? []), ...noLedger];
  const unreconciledSlots = unreadable ? ['*'] : [...new Set(unreconciled.map((failure) => failure.Slot ?? '(no slot)'))];
  return {
    ...result,
    Retired: retired,
    Replaced: replaced,
    ...(unreconciled.length > 0 ? { Unreconciled: unreconciled } : {}),
    ...(unreconciledSlots.length > 0 ? { UnreconciledSlots: unreconciledSlots } : {}),
    ...(warnings.length > 0 ? { warnings } : {}),
    triggerName,
    triggerTime,
    StartTime: request.plan.StartTime,
  };
}
