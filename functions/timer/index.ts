// Timer trigger: the payload holds a plan (StartTime, or StartOffset after the tick). Composition only; the logic is in the layer.
import {
  asyncInvocationFailure,
  fcCredentials,
  fcDeadline,
  fcEventParser,
  fcInvocationLogger,
  initializeFcInstance,
  middy,
  preStopFcInstance,
  scheduleTimerPlan,
  timerPlanRequest,
  timerTickLabel,
} from 'caster-carousel-shared';

export const handler = middy(scheduleTimerPlan)
  .use(fcDeadline())
  .use(fcInvocationLogger())
  .use(asyncInvocationFailure(timerTickLabel)) // log, then throw: FC retries, then the onFailure destination gets it
  .use(fcEventParser())
  .use(fcCredentials())
  .use(timerPlanRequest());

export const initialize = initializeFcInstance;
export const preStop = preStopFcInstance;
