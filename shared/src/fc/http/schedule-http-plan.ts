import { scheduleCarousel } from '../../schedule/schedule-carousel';
import type { FcHttpResponse, InvocationContext } from '../fc-types';
import { scheduleDependenciesFor } from '../live-dependencies';
import type { HttpPlanEvent } from './http-plan-request';
import { jsonResponse } from './http-response';

/** HTTP handler core: schedules the request's plan and answers 201 with the episode group. */
export async function scheduleHttpPlan(event: HttpPlanEvent, context: InvocationContext): Promise<FcHttpResponse> {
  const result = await scheduleCarousel(
    { plan: event.plan, clientToken: event.clientToken, deadlineAtMs: context.deadlineAtMs },
    scheduleDependenciesFor(context),
  );
  return jsonResponse(201, {
    ProgramId: result.ProgramId,
    ItemIds: result.ItemIds,
    RequestId: result.RequestId,
    ClientToken: result.ClientToken,
    ...(result.warnings ? { warnings: result.warnings } : {}),
  });
}
