import { type ReconcileOutcome, reconcileSchedule } from '../../schedule/reconcile-schedule';
import { type PlanResult, schedulePlan } from '../../schedule/schedule-plan';
import { readTimerTick, type TimerTickRequest } from '../../triggers/timer/timer-tick';
import { getFcInstance, scheduleDependenciesFor } from '../fc-instance';
import type { FcMiddleware, InvocationContext } from '../fc-types';

/** What a successful tick returns (FC logs it; an onSuccess destination would receive it). */
export interface TimerResult extends PlanResult {
  readonly triggerName: string;
  readonly triggerTime: string;
  readonly StartTime: string;
  /** Steps the tick's reconciliation could not take (they stay for the next tick or gc), when there were any. */
  readonly Unreconciled?: ReconcileOutcome['failed'];
}

/** Middleware: reads FC's timer event into a schedule request. */
export function timerPlanRequest(): FcMiddleware {
  return {
    before: function readTimerPlan(request) {
      request.event = readTimerTick(request.event, getFcInstance().environment.planRules);
    },
  };
}

/**
 * Timer handler core: schedules the tick's plan with the tick's ClientToken, in the slot named after the trigger
 * (unless the plan names one), so each tick's group follows the previous one on the slot's timeline. Then, within
 * the deadline, it reconciles the whole ledger: what lost answers left pending is finished, and every group whose
 * window is over is deleted.
 */
export async function scheduleTimerPlan(request: TimerTickRequest, context: InvocationContext): Promise<TimerResult> {
  const dependencies = scheduleDependenciesFor(context);
  const { triggerName, triggerTime } = request.trigger;
  const result = await schedulePlan({ ...request, slot: request.slot ?? triggerName }, dependencies);
  let retired = [...result.Retired];
  let replaced = [...result.Replaced];
  let unreconciled: ReconcileOutcome['failed'] = [];
  if (dependencies.ledger) {
    try {
      const outcome = await reconcileSchedule(dependencies);
      retired = [...retired, ...outcome.retired];
      replaced = [...replaced, ...outcome.replaced];
      unreconciled = outcome.failed;
    } catch (error) {
      // The tick's own group is scheduled; what is due is done by the next tick or `caster-carousel gc`.
      context.invocationLogger.warn('could not reconcile the schedule', { error });
    }
  }
  return {
    ...result,
    Retired: retired,
    Replaced: replaced,
    ...(unreconciled.length > 0 ? { Unreconciled: unreconciled } : {}),
    triggerName,
    triggerTime,
    StartTime: request.plan.StartTime,
  };
}
