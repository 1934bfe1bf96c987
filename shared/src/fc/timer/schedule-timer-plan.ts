import { retireSupersededGroups } from '../../ledger/retire-superseded';
import { type LedgerScheduleResult, scheduleWithLedger } from '../../schedule/schedule-with-ledger';
import { readTimerTick, type TimerTickRequest } from '../../triggers/timer/timer-tick';
import { scheduleDependenciesFor } from '../fc-instance';
import type { FcMiddleware, InvocationContext } from '../fc-types';

/** What a successful tick returns (FC logs it; an onSuccess destination would receive it). */
export interface TimerResult extends LedgerScheduleResult {
  readonly triggerName: string;
  readonly triggerTime: string;
  readonly StartTime: string;
}

/** Middleware: reads FC's timer event into a schedule request. */
export function timerPlanRequest(): FcMiddleware {
  return {
    before: function readTimerPlan(request) {
      request.event = readTimerTick(request.event, request.context.deadlineAtMs);
    },
  };
}

/**
 * Timer handler core: schedules the tick's plan with the tick's ClientToken, in the slot named after the trigger
 * (unless the plan names one), so each tick supersedes the previous tick's group. Then, within the deadline, it
 * deletes every superseded group of the ledger whose successor has started: the shipped daily timer keeps at most
 * two groups alive in its slot.
 */
export async function scheduleTimerPlan(request: TimerTickRequest, context: InvocationContext): Promise<TimerResult> {
  const dependencies = scheduleDependenciesFor(context);
  const { triggerName, triggerTime } = request.trigger;
  const result = await scheduleWithLedger({ ...request, slot: triggerName }, dependencies);
  const retired = [...result.Retired];
  if (dependencies.ledger) {
    try {
      const outcome = await retireSupersededGroups(dependencies.ledger, dependencies.client, {
        deadlineAtMs: request.deadlineAtMs,
        logger: dependencies.logger,
        credentials: dependencies.credentials,
      });
      retired.push(...outcome.retired);
      if (outcome.failed.length > 0)
        context.invocationLogger.warn('some superseded groups could not be deleted', { failed: outcome.failed });
    } catch (error) {
      // The tick's own group is scheduled; what is left on air is deleted by the next tick or `caster-carousel gc`.
      context.invocationLogger.warn('could not retire superseded groups', { error });
    }
  }
  return { ...result, Retired: retired, triggerName, triggerTime, StartTime: request.plan.StartTime };
}
