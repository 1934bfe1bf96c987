import { type ScheduleResult, scheduleCarousel } from '../../schedule/schedule-carousel';
import type { InvocationContext } from '../fc-types';
import { scheduleDependenciesFor } from '../live-dependencies';
import type { TimerPlanEvent } from './timer-plan-request';

/** What a successful tick returns (FC logs it; an onSuccess destination would receive it). */
export interface TimerResult extends ScheduleResult {
  readonly triggerName: string;
  readonly triggerTime: string;
  readonly StartTime: string;
}

/** Timer handler core: schedules the tick's plan with the tick's ClientToken. */
export async function scheduleTimerPlan(event: TimerPlanEvent, context: InvocationContext): Promise<TimerResult> {
  const result = await scheduleCarousel(
    { plan: event.plan, clientToken: event.clientToken, deadlineAtMs: context.deadlineAtMs },
    scheduleDependenciesFor(context),
  );
  return { ...result, triggerName: event.triggerName, triggerTime: event.triggerTime, StartTime: event.plan.StartTime };
}
