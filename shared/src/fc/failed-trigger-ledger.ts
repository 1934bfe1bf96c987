import type { FailedTrigger } from '../ledger/failed-trigger';
import type { Ledger } from '../ledger/ledger';
import {
  type FailedInput,
  failedEventInputs,
  failedTimerInput,
  failedTriggerEntry,
  isReconcileTickInput,
} from '../triggers/failed-trigger-input';
import { AsyncInvocationError, describeTriggerFailure, type TriggerFailure } from './async-invocation-error';
import { decodeFcEvent } from './fc-event-parser';
import { peekFcInstance } from './fc-instance';
import { invocationLoggerOf } from './fc-invocation-logger';
import type { FcMiddleware, InvocationContext } from './fc-types';

/**
 * Middleware for the timer and event functions: a trigger that fails is recorded in the ledger, with its reason, the
 * input as it arrived (to replay it) and one more attempt per failed delivery (FC's context carries no attempt
 * number, so the ledger counts them); a later success of the same trigger clears it. `caster-carousel ls --failed`,
 * the timeline page and `GET /schedule?failed=1` show what it holds. Use it right after `fcEventParser`, so it keeps
 * the parsed input before the trigger reader replaces it, and sees the failure before `asyncInvocationFailure` wraps
 * it. It never changes the outcome: the error still escapes to FC (retries, then the failure destination, the
 * second copy), and a ledger that cannot be written is only logged.
 */
export function failedTriggerLedger(kind: 'timer' | 'event'): FcMiddleware {
  // The parsed input of each invocation, by middy's request object (one per invocation).
  const delivered = new WeakMap<object, unknown>();
  const inputsOf = (request: { event: unknown }): FailedInput[] => {
    const input = delivered.has(request) ? delivered.get(request) : decodedOrText(request.event);
    if (kind === 'event') return failedEventInputs(input);
    // A reconciliation tick schedules nothing, and the next one redoes its work: not a failed trigger to keep.
    return isReconcileTickInput(input) ? [] : [failedTimerInput(input)];
  };
  return {
    before: function keepDeliveredInput(request) {
      delivered.set(request, request.event);
    },
    after: async function clearSucceededTriggers(request) {
      try {
        const ledger = ledgerOf();
        if (!ledger) return;
        const keys = inputsOf(request)
          .filter((input) => input.Trigger.kind !== 'unidentified')
          .map((input) => input.Key);
        if (keys.length > 0) await ledger.clearFailures(keys);
      } catch {
        // The invocation succeeded; its trigger's old failure shows until its next success.
      }
    },
    onError: async function recordFailedTriggers(request) {
      try {
        const ledger = ledgerOf();
        if (!ledger) return;
        const inputs = inputsOf(request);
        if (inputs.length === 0) return;
        const outcomes = request.error instanceof AsyncInvocationError ? request.error.outcomes : [];
        const failed: { input: FailedInput; why: TriggerFailure }[] = [];
        const succeeded: string[] = [];
        if (outcomes.length === inputs.length && outcomes.length > 0) {
          // A batch read event by event: each outcome is its event's, in order.
          inputs.forEach((input, index) => {
            const outcome = outcomes[index] as { status?: string } & Partial<TriggerFailure>;
            if (outcome.status === 'failed') failed.push({ input, why: outcome as TriggerFailure });
            else if (input.Trigger.kind !== 'unidentified') succeeded.push(input.Key);
          });
        } else {
          const why = whyOf(request.error);
          for (const input of inputs) failed.push({ input, why });
        }
        const context = request.context as Partial<InvocationContext>;
        const atIso = new Date().toISOString();
        const defaultCasterId = peekFcInstance()?.environment.defaultCasterId;
        const recorded = await Promise.all(
          failed.map(({ input, why }) =>
            ledger.recordFailure(
              failedTriggerEntry(input, why, {
                atIso,
                via: 'function',
                clientToken: kind === 'timer' ? tickToken(request.event) : undefined,
                defaultCasterId,
                invocationId: context.requestId,
              }),
            ),
          ),
        );
        await ledger.clearFailures(succeeded);
        const entries = recorded.filter((entry): entry is FailedTrigger => entry !== undefined);
        if (entries.length > 0) {
          invocationLoggerOf(context).info('failed trigger recorded in the ledger (caster-carousel ls --failed)', {
            failedTriggers: entries.map((entry) => ({ Key: entry.Key, Error: entry.Error, Attempts: entry.Attempts })),
          });
        }
      } catch {
        // Recording must never hide the failure itself: FC still retries it and hands it to the destination.
      }
    },
  };
}

function ledgerOf(): Ledger | undefined {
  // Never creates the instance: a failure before it exists (a bad environment) has no ledger to write to.
  return peekFcInstance()?.ledger;
}

/** The failure as the functions describe it; the first one of an AsyncInvocationError that names a single trigger. */
function whyOf(error: unknown): TriggerFailure {
  if (error instanceof AsyncInvocationError && error.failures.length === 1) return error.failures[0] as TriggerFailure;
  return describeTriggerFailure('(trigger)', undefined, error);
}

/** A tick's ClientToken, once the timer reader turned the tick into a request (it derives from the plan). */
function tickToken(event: unknown): string | undefined {
  if (event === null || typeof event !== 'object' || !('clientToken' in event)) return undefined;
  return typeof event.clientToken === 'string' ? event.clientToken : undefined;
}

/** An event the parser could not read (not JSON) is kept as its text. */
function decodedOrText(event: unknown): unknown {
  try {
    return decodeFcEvent(event);
  } catch {
    if (Buffer.isBuffer(event) || event instanceof Uint8Array) return Buffer.from(event).toString('utf8');
    return typeof event === 'string' ? event : null;
  }
}
