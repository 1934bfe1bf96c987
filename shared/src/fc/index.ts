/**
 * Function Compute adapters: middy middlewares that turn FC's Buffer events and context into what the domain
 * core needs, and the three handler cores. The functions in `functions/` only compose these.
 *
 * @example
 * export const handler = middy(scheduleHttpPlan).use(fcDeadline()).use(fcInvocationLogger()).use(httpErrorResponse())
 *   .use(fcEventParser()).use(fcCredentials()).use(httpPlanRequest());
 * export const initialize = initializeFcInstance;
 */

export type { TriggerFailure } from './async-invocation-error';
export { AsyncInvocationError, describeTriggerFailure } from './async-invocation-error';
export { asyncInvocationFailure } from './async-invocation-failure';
export type { ErrorClassification } from './error-classification';
export { classifyError, toSeconds } from './error-classification';
export type { CloudEventBatch, CloudEventEntry } from './event/cloud-event-plans';
export { cloudEventClientToken, cloudEventLabel, cloudEventPlans, readCloudEvent } from './event/cloud-event-plans';
export type { CloudEventOutcome, CloudEventsResult } from './event/schedule-cloud-events';
export { scheduleCloudEvents } from './event/schedule-cloud-events';
export { credentialsFromContext, fcCredentials } from './fc-credentials';
export { DEFAULT_FUNCTION_TIMEOUT_SECONDS, DEFAULT_SAFETY_MARGIN_MS, deadlineAtMsFor, fcDeadline } from './fc-deadline';
export { HttpError, InvalidEventError } from './fc-errors';
export { decodeFcEvent, fcEventParser } from './fc-event-parser';
export { initializeFcInstance } from './fc-initialize';
export type { FcInstance } from './fc-instance';
export { createFcInstance, getFcInstance } from './fc-instance';
export { fcInvocationLogger } from './fc-invocation-logger';
export { preStopFcInstance } from './fc-pre-stop';
export type { CloudEvent, FcContext, FcCredentials, FcHttpEvent, FcHttpResponse, FcTimerEvent, InvocationContext } from './fc-types';
export { errorResponse, httpErrorResponse } from './http/http-error-response';
export type { HttpPlanEvent } from './http/http-plan-request';
export { clientTokenForIdempotencyKey, httpPlanRequest, MAX_BODY_BYTES } from './http/http-plan-request';
export { jsonResponse } from './http/http-response';
export { scheduleHttpPlan } from './http/schedule-http-plan';
export { scheduleDependenciesFor } from './live-dependencies';
export { parseIsoDurationSeconds } from './timer/iso-duration';
export type { TimerResult } from './timer/schedule-timer-plan';
export { scheduleTimerPlan } from './timer/schedule-timer-plan';
export { formatStartTime, resolveStartOffset } from './timer/start-offset';
export type { TimerPlanEvent } from './timer/timer-plan-request';
export { timerIdentity, timerLabel, timerPlanRequest } from './timer/timer-plan-request';
