import { type ScheduleResult, scheduleCarousel } from '../../schedule/schedule-carousel';
import { readTimerTick, type TimerTickRequest } from '../../triggers/timer/timer-tick';
import { getFcInstance, scheduleDependenciesFor } from '../fc-instance';
import type { FcMiddleware, InvocationContext } from '../fc-types';

/** What a successful tick returns (FC logs it; an onSuccess destination would receive it). */
export interface TimerResult extends ScheduleResult {
  readonly triggerName: string;
  readonly triggerTime: string;
  readonly StartTime: string;
}

/** Middleware: reads FC's timer event into a schedule request. */
export function timerPlanRequest(): FcMiddleware {
  return {
    before: function readTimerPlan(request) {
      request.event = readTimerTick(request.event, request.context.deadlineAtMs, getFcInstance().environment.planRules);
    },
  };
}

/** Timer handler core: schedules the tick's plan with the tick's ClientToken. */
export async function scheduleTimerPlan(request: TimerTickRequest, context: InvocationContext): Promise<TimerResult> {
  const result = await scheduleCarousel(request, scheduleDependenciesFor(context));
  const { triggerName, triggerTime } = request.trigger;
  return { ...result, triggerName, triggerTime, StartTime: request.plan.StartTime };
}
