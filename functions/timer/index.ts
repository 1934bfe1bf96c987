// Timer trigger: the payload holds a plan (StartTime, or StartOffset after the tick), or {"Reconcile":"PT1M"} for the
// reconciliation tick that takes groups off air on time. Composition only; the logic is in the layer.
import {
  asyncInvocationFailure,
  failedTriggerLedger,
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
  .use(failedTriggerLedger('timer')) // a failed tick goes into the ledger (ls --failed) until it succeeds; replayable
  .use(fcCredentials())
  .use(timerPlanRequest());

export const initialize = initializeFcInstance;
export const preStop = preStopFcInstance;
