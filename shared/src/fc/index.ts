/**
 * Function Compute adapters: middy middlewares that turn FC's Buffer events and context into what the domain
 * core needs, and the three handler cores. The functions in `functions/` only compose these.
 *
 * @example
 * export const handler = middy(scheduleHttpPlan).use(fcDeadline()).use(fcInvocationLogger()).use(httpErrorResponse())
 *   .use(fcEventParser()).use(fcCredentials()).use(httpPlanRequest());
 * export const initialize = initializeFcInstance;
 */
export type { FcContext, FcCredentials, InvocationContext, FcHttpEvent, FcHttpResponse, FcTimerEvent, CloudEvent } from './fc-types';
export { InvalidEventError, HttpError } from './fc-errors';
export { fcEventParser, decodeFcEvent } from './fc-event-parser';
export { fcDeadline, deadlineAtMsFor, DEFAULT_SAFETY_MARGIN_MS, DEFAULT_FUNCTION_TIMEOUT_SECONDS } from './fc-deadline';
export { fcCredentials, credentialsFromContext } from './fc-credentials';
export { fcInvocationLogger } from './fc-invocation-logger';
export { getFcInstance, createFcInstance } from './fc-instance';
export type { FcInstance } from './fc-instance';
export { initializeFcInstance } from './fc-initialize';
export { preStopFcInstance } from './fc-pre-stop';
export { scheduleDependenciesFor } from './live-dependencies';
export { classifyError, toSeconds } from './error-classification';
export type { ErrorClassification } from './error-classification';
export { AsyncInvocationError, describeTriggerFailure } from './async-invocation-error';
export type { TriggerFailure } from './async-invocation-error';
export { asyncInvocationFailure } from './async-invocation-failure';
export { httpPlanRequest, clientTokenForIdempotencyKey, MAX_BODY_BYTES } from './http/http-plan-request';
export type { HttpPlanEvent } from './http/http-plan-request';
export { httpErrorResponse, errorResponse } from './http/http-error-response';
export { jsonResponse } from './http/http-response';
export { scheduleHttpPlan } from './http/schedule-http-plan';
export { parseIsoDurationSeconds } from './timer/iso-duration';
export { resolveStartOffset, formatStartTime } from './timer/start-offset';
export { timerPlanRequest, timerLabel, timerIdentity } from './timer/timer-plan-request';
export type { TimerPlanEvent } from './timer/timer-plan-request';
export { scheduleTimerPlan } from './timer/schedule-timer-plan';
export type { TimerResult } from './timer/schedule-timer-plan';
export { cloudEventPlans, cloudEventLabel, cloudEventClientToken, readCloudEvent } from './event/cloud-event-plans';
export type { CloudEventBatch, CloudEventEntry } from './event/cloud-event-plans';
export { scheduleCloudEvents } from './event/schedule-cloud-events';
export type { CloudEventOutcome, CloudEventsResult } from './event/schedule-cloud-events';
