import { AsyncInvocationError, describeTriggerFailure } from './async-invocation-error';
import { invocationLoggerOf, latencyMsOf } from './fc-invocation-logger';
import type { FcMiddleware } from './fc-types';

/** How to name the trigger of an invocation that failed before its events were read. */
export type TriggerLabel = (event: unknown) => { id: string; source?: string };

/**
 * Middleware for asynchronously invoked functions (timer, EventBridge): logs the failure with its reasons and
 * field errors, then lets a typed AsyncInvocationError escape. Throwing is the point: FC retries a failed
 * async invocation (maxAsyncRetryAttempts) and then hands it to the onFailure destination. Invalid input is
 * thrown as well, so it reaches the destination too; retrying it is useless but harmless, and re-sending the
 * valid events of a batch is harmless as well, because their ClientTokens are derived deterministically.
 */
export function asyncInvocationFailure(labelTrigger: TriggerLabel): FcMiddleware {
  return {
    onError: function reportAsyncFailure(request) {
      let failure: AsyncInvocationError;
      if (request.error instanceof AsyncInvocationError) {
        failure = request.error;
      } else {
        const label = safeLabel(labelTrigger, request.event);
        failure = new AsyncInvocationError([describeTriggerFailure(label.id, label.source, request.error)], 1);
      }
      try {
        invocationLoggerOf(request.context).error('invocation failed; FC retries it, then sends it to the onFailure destination', {
          latencyMs: latencyMsOf(request.context),
          failures: failure.failures,
          error: request.error === failure ? undefined : request.error,
        });
      } catch {
        // Logging must never hide the failure itself.
      }
      request.error = failure;
    },
  };
}

function safeLabel(labelTrigger: TriggerLabel, event: unknown): { id: string; source?: string } {
  try {
    return labelTrigger(event);
  } catch {
    return { id: '(event)' };
  }
}
