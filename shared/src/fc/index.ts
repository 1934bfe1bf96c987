/**
 * Function Compute adapters: middy middlewares that only deliver (decode FC's Buffer event, start the deadline, hand over
 * the invocation's credentials, log, map errors, run the instance lifecycle) and the three handler cores, which read the
 * trigger with `../triggers/` and schedule with `../schedule/`. The functions in `functions/` only compose these.
 */
export { asyncInvocationFailure } from './async-invocation-failure';
export type { CloudEventOutcome, CloudEventsResult } from './event/schedule-cloud-events';
export { cloudEventPlans, scheduleCloudEvents } from './event/schedule-cloud-events';
export { failedTriggerLedger } from './failed-trigger-ledger';
export { fcCredentials } from './fc-credentials';
export { fcDeadline } from './fc-deadline';
export { fcEventParser } from './fc-event-parser';
export { initializeFcInstance } from './fc-initialize';
export { fcInvocationLogger } from './fc-invocation-logger';
export { preStopFcInstance } from './fc-pre-stop';
export type { FcContext, FcCredentials, FcHttpEvent, FcHttpResponse, FcMiddleware, FcTimerEvent, InvocationContext } from './fc-types';
export { httpErrorResponse } from './http/http-error-response';
export { httpPlanRequest, scheduleHttpPlan } from './http/schedule-http-plan';
export type { ReconcileTickResult } from './timer/reconcile-timer-tick';
export type { TimerResult } from './timer/schedule-timer-plan';
export { scheduleTimerPlan, timerPlanRequest } from './timer/schedule-timer-plan';
