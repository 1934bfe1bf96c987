/**
 * caster-carousel-shared: the layer every function loads. Its public API is exactly what the three handlers in
 * `functions/` compose, because every exported name of a published layer is an API that deployed functions depend on:
 *
 * - `middy`, bundled here once so each function stays a few hundred bytes;
 * - the FC middlewares `fcDeadline`, `fcInvocationLogger`, `fcEventParser`, `fcCredentials`, `httpErrorResponse`,
 *   `asyncInvocationFailure`, `failedTriggerLedger` and the trigger readers `httpPlanRequest`, `timerPlanRequest`, `cloudEventPlans`;
 * - the handler cores `scheduleHttpPlan`, `scheduleTimerPlan` (a plan tick, or a reconciliation tick whose payload is
 *   `{"Reconcile": "PT1M"}`), `scheduleCloudEvents`;
 * - the labels `timerTickLabel` and `cloudEventLabel` that name a trigger in failure reports;
 * - the lifecycle hooks `initializeFcInstance` and `preStopFcInstance`.
 *
 * Everything else (plan, signing, Live client, pacing, idempotency, schedule) is internal to the layer and may change;
 * the CLI and the tests import it from source.
 */
export { default as middy } from '@middy/core';
export * from './fc/index';
export { cloudEventLabel } from './triggers/event/cloud-events';
export { timerTickLabel } from './triggers/timer/timer-tick';
