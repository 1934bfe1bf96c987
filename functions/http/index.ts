// HTTP trigger: POST / with a plan as JSON answers 201 with the episode group. Composition only; the logic is in the layer.
import {
  fcCredentials,
  fcDeadline,
  fcEventParser,
  fcInvocationLogger,
  httpErrorResponse,
  httpPlanRequest,
  initializeFcInstance,
  middy,
  preStopFcInstance,
  scheduleHttpPlan,
} from 'caster-carousel-shared';

export const handler = middy(scheduleHttpPlan)
  .use(fcDeadline()) // first, so the clock starts before anything else runs
  .use(fcInvocationLogger())
  .use(httpErrorResponse()) // every error below becomes a JSON response
  .use(fcEventParser())
  .use(fcCredentials())
  .use(httpPlanRequest());

export const initialize = initializeFcInstance;
export const preStop = preStopFcInstance;
