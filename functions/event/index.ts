// EventBridge trigger: one CloudEvent or a batch, each `data` a plan. Composition only; the logic is in the layer.
import {
  asyncInvocationFailure,
  cloudEventLabel,
  cloudEventPlans,
  failedTriggerLedger,
  fcCredentials,
  fcDeadline,
  fcEventParser,
  fcInvocationLogger,
  initializeFcInstance,
  middy,
  preStopFcInstance,
  scheduleCloudEvents,
} from 'caster-carousel-shared';

export const handler = middy(scheduleCloudEvents)
  .use(fcDeadline())
  .use(fcInvocationLogger())
  .use(asyncInvocationFailure(cloudEventLabel)) // log, then throw: FC retries, then the onFailure destination gets it
  .use(fcEventParser())
  .use(failedTriggerLedger('event')) // each failed event goes into the ledger (ls --failed) until it succeeds; replayable
  .use(fcCredentials())
  .use(cloudEventPlans());

export const initialize = initializeFcInstance;
export const preStop = preStopFcInstance;
