import { type ScheduleResult, scheduleCarousel } from '../../schedule/schedule-carousel';
import type { ScheduleRequest } from '../../schedule/schedule-request';
import { readHttpPlanRequest } from '../../triggers/http/http-plan-request';
import { getFcInstance, scheduleDependenciesFor } from '../fc-instance';
import type { FcHttpResponse, FcMiddleware, InvocationContext } from '../fc-types';
import { httpRequestFromFcEvent } from './fc-http-request';
import { jsonResponse } from './http-response';

/** Middleware: reads FC's HTTP event into a schedule request (405, 413, 415 and 400 are thrown as typed errors). */
export function httpPlanRequest(options: { readonly maxBodyBytes?: number } = {}): FcMiddleware {
  return {
    before: function readHttpPlan(request) {
      request.event = readHttpPlanRequest(
        httpRequestFromFcEvent(request.event),
        request.context.deadlineAtMs,
        options.maxBodyBytes,
        getFcInstance().environment.planRules,
      );
    },
  };
}

/** HTTP handler core: schedules the request's plan and answers 201 with the episode group. */
export async function scheduleHttpPlan(request: ScheduleRequest, context: InvocationContext): Promise<FcHttpResponse> {
  const result: ScheduleResult = await scheduleCarousel(request, scheduleDependenciesFor(context));
  return jsonResponse(201, {
    ProgramId: result.ProgramId,
    ItemIds: result.ItemIds,
    RequestId: result.RequestId,
    ClientToken: result.ClientToken,
    ...(result.warnings ? { warnings: result.warnings } : {}),
  });
}
