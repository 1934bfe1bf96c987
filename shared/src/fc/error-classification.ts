import {
  ConfigurationError,
  HttpError,
  InvalidEventError,
  LiveApiError,
  LiveTransportError,
  PlanValidationError,
  ThrottledError,
} from '../errors';
import { redact, redactText } from '../logging/redact';
import type { FieldErrors } from '../plan/plan';

/** What a caller may learn about a failure: an HTTP status, a stable error name and safe, redacted details. */
export interface ErrorClassification {
  readonly statusCode: number;
  /** Stable name for clients: InvalidPlan, Throttled, LiveApiUnavailable... */
  readonly error: string;
  readonly message: string;
  /** The Live API's own error Code, when it answered with one. */
  readonly code?: string;
  /** The Live API's RequestId, for a support ticket. */
  readonly requestId?: string;
  readonly fieldErrors?: FieldErrors;
  /** Whole seconds to wait before trying again (429, 503). */
  readonly retryAfterSeconds?: number;
  /** Extra response headers (Allow for 405). */
  readonly headers?: Readonly<Record<string, string>>;
  /** True when trying the same trigger again later may succeed. */
  readonly retryable: boolean;
}

const IDEMPOTENT_MISMATCH = 'IdempotentParameterMismatch';

/**
 * Maps any error to its classification. Statuses: 400 invalid input, 405/413/415 from HttpError, 409 a
 * ClientToken reused with other parameters, 429 throttled (our pacer or the API), 502 other API errors,
 * 503 the API unavailable (ServiceUnavailable, InternalError, no connection) after retries, 504 timeouts,
 * 500 configuration problems and anything unexpected (whose message is never shown).
 */
export function classifyError(error: unknown): ErrorClassification {
  if (error instanceof HttpError) {
    return { statusCode: error.statusCode, error: error.code, message: safeMessage(error), headers: error.headers, retryable: false };
  }
  if (error instanceof PlanValidationError) {
    return {
      statusCode: 400,
      error: 'InvalidPlan',
      message: safeMessage(error),
      fieldErrors: safeFieldErrors(error.fieldErrors),
      retryable: false,
    };
  }
  if (error instanceof InvalidEventError) {
    return {
      statusCode: 400,
      error: 'InvalidEvent',
      message: safeMessage(error),
      fieldErrors: safeFieldErrors(error.fieldErrors),
      retryable: false,
    };
  }
  if (error instanceof ThrottledError) {
    return {
      statusCode: 429,
      error: 'Throttled',
      message: 'Too many requests for the Live API right now; try again later',
      retryAfterSeconds: toSeconds(error.retryAfterMs),
      retryable: true,
    };
  }
  if (error instanceof LiveApiError) return classifyLiveApiError(error);
  if (error instanceof LiveTransportError) {
    return error.code === 'RequestTimeout'
      ? { statusCode: 504, error: 'LiveApiTimeout', message: 'The Live API did not answer in time', code: error.code, retryable: true }
      : { statusCode: 503, error: 'LiveApiUnavailable', message: 'The Live API could not be reached', code: error.code, retryable: true };
  }
  if (error instanceof ConfigurationError) {
    return { statusCode: 500, error: 'InvalidConfiguration', message: safeMessage(error), retryable: false };
  }
  if (error instanceof Error && error.name === 'TimeoutError') {
    return { statusCode: 504, error: 'Timeout', message: 'The function ran out of time', retryable: true };
  }
  return {
    statusCode: 500,
    error: 'InternalError',
    message: 'An unexpected error occurred; the function logs have the details',
    retryable: true,
  };
}

function classifyLiveApiError(error: LiveApiError): ErrorClassification {
  const details = { code: error.code, requestId: error.requestId, message: safeMessage(error) };
  if (error.code.startsWith('Throttling')) {
    return { statusCode: 429, error: 'Throttled', ...details, retryAfterSeconds: toSeconds(error.retryAfterMs ?? 1000), retryable: true };
  }
  if (error.code === IDEMPOTENT_MISMATCH) {
    return {
      statusCode: 409,
      error: 'IdempotencyConflict',
      ...details,
      message: 'This idempotency key (ClientToken) was already used with a different plan',
      retryable: false,
    };
  }
  if (error.code.startsWith('ServiceUnavailable') || error.code === 'InternalError') {
    return {
      statusCode: 503,
      error: 'LiveApiUnavailable',
      ...details,
      ...(error.retryAfterMs !== undefined ? { retryAfterSeconds: toSeconds(error.retryAfterMs) } : {}),
      retryable: true,
    };
  }
  return { statusCode: 502, error: 'LiveApiError', ...details, retryable: error.retryable };
}

/** Whole seconds, rounded up, at least 1: what a Retry-After header carries. */
export function toSeconds(durationMs: number): number {
  return Math.max(1, Math.ceil(durationMs / 1000));
}

function safeMessage(error: Error): string {
  return redactText(error.message);
}

function safeFieldErrors(fieldErrors: FieldErrors): FieldErrors {
  return redact(fieldErrors) as FieldErrors;
}
