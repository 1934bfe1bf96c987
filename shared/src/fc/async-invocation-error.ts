import { CasterCarouselError } from '../errors';
import type { FieldErrors } from '../plan/plan';
import { describeFieldErrors } from '../plan/validate-plan';
import { classifyError } from './error-classification';

/** Why one trigger (a timer tick, one CloudEvent) failed, in words safe to log and to send to a destination. */
export interface TriggerFailure {
  /** The event id, `triggerName@triggerTime` for a tick, or `#index` when the event has no usable id. */
  readonly id: string;
  readonly source?: string;
  /** Stable reason name: InvalidPlan, InvalidEvent, Throttled, LiveApiError... */
  readonly reason: string;
  readonly message: string;
  readonly code?: string;
  readonly requestId?: string;
  readonly fieldErrors?: FieldErrors;
  /** True when FC's retry may succeed (throttling, unavailability); false for invalid input. */
  readonly retryable: boolean;
}

const MAX_MESSAGE_CHARS = 2_000;

/**
 * Thrown by the timer and event functions when any trigger failed, after logging, so that FC retries the
 * invocation and, once retries are spent, sends it to the onFailure destination: nothing is dropped silently.
 * Its message names each failed trigger and why; it never holds secrets (messages pass through redaction).
 */
export class AsyncInvocationError extends CasterCarouselError {
  override name = 'AsyncInvocationError';
  readonly code = 'TriggerFailed';
  readonly failures: readonly TriggerFailure[];
  /** Every trigger's outcome, successes included, for batches. */
  readonly outcomes: readonly unknown[];
  constructor(failures: readonly TriggerFailure[], total: number, outcomes: readonly unknown[] = []) {
    super(summarise(failures, total));
    this.failures = failures;
    this.outcomes = outcomes;
  }
}

/** Describes one trigger's failure from the error it raised. */
export function describeTriggerFailure(id: string, source: string | undefined, error: unknown): TriggerFailure {
  const classification = classifyError(error);
  return {
    id,
    ...(source !== undefined ? { source } : {}),
    reason: classification.error,
    message: classification.message,
    ...(classification.code ? { code: classification.code } : {}),
    ...(classification.requestId ? { requestId: classification.requestId } : {}),
    ...(classification.fieldErrors ? { fieldErrors: classification.fieldErrors } : {}),
    retryable: classification.retryable,
  };
}

function summarise(failures: readonly TriggerFailure[], total: number): string {
  const parts = failures.map((failure) => {
    const detail = failure.fieldErrors ? describeFieldErrors(failure.fieldErrors).replace(/\n/g, '; ') : failure.message;
    return `${failure.id}: ${failure.reason}${failure.code && failure.code !== failure.reason ? ` ${failure.code}` : ''} (${detail})`;
  });
  const text = `${failures.length} of ${total} trigger${total === 1 ? '' : 's'} failed: ${parts.join('; ')}`;
  return text.length > MAX_MESSAGE_CHARS ? `${text.slice(0, MAX_MESSAGE_CHARS - 1)}…` : text;
}
