import type { FieldErrors } from './plan/plan';

/** Base of every error the project throws on purpose; anything else escaping is a bug. `code` is stable for callers. */
export abstract class CasterCarouselError extends Error {
  override name = 'CasterCarouselError';
  abstract readonly code: string;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The Live API answered with an error `Code`. Classified by that code, never by the HTTP status. */
export class LiveApiError extends CasterCarouselError {
  override name = 'LiveApiError';
  readonly code: string;
  readonly requestId: string | undefined;
  readonly httpStatus: number;
  readonly action: string;
  /** The API's own `Message`, without the action and code that `message` starts with. */
  readonly detail: string;
  readonly retryable: boolean;
  /** The server's `x-acs-retry-after`, when it gave one. */
  readonly retryAfterMs: number | undefined;
  constructor(fields: {
    action: string;
    code: string;
    message: string;
    requestId?: string | undefined;
    httpStatus: number;
    retryable: boolean;
    retryAfterMs?: number | undefined;
    cause?: unknown;
  }) {
    super(`${fields.action} failed: ${fields.code}: ${fields.message}`, { cause: fields.cause });
    this.action = fields.action;
    this.detail = fields.message;
    this.code = fields.code;
    this.requestId = fields.requestId;
    this.httpStatus = fields.httpStatus;
    this.retryable = fields.retryable;
    this.retryAfterMs = fields.retryAfterMs;
  }
}

/** No answer from the Live API: a timeout or a failed connection. Always worth retrying with the same ClientToken. */
export class LiveTransportError extends CasterCarouselError {
  override name = 'LiveTransportError';
  readonly code: 'RequestTimeout' | 'ConnectionFailed';
  readonly action: string;
  /** What went wrong on the wire, without the action and code that `message` starts with. */
  readonly detail: string;
  readonly retryable = true;
  constructor(action: string, code: 'RequestTimeout' | 'ConnectionFailed', message: string, options?: { cause?: unknown }) {
    super(`${action} failed: ${code}: ${message}`, options);
    this.action = action;
    this.detail = message;
    this.code = code;
  }
}

/** The pacer could not admit a request before the caller's deadline. */
export class ThrottledError extends CasterCarouselError {
  override name = 'ThrottledError';
  readonly code = 'Throttled';
  readonly retryAfterMs: number;
  constructor(action: string, retryAfterMs: number) {
    super(`${action} throttled by the local pacer, retry after ${Math.ceil(retryAfterMs)} ms`);
    this.retryAfterMs = Math.ceil(retryAfterMs);
  }
}

/** Input that is not a valid plan; `fieldErrors` names each field and the rule it breaks. */
export class PlanValidationError extends CasterCarouselError {
  override name = 'PlanValidationError';
  readonly code = 'InvalidPlan';
  readonly fieldErrors: Record<string, string[]>;
  constructor(fieldErrors: Record<string, string[]>, message = 'The plan is invalid') {
    super(message);
    this.fieldErrors = fieldErrors;
  }
}

/** The environment or the studio lacks something needed before any request can be sent. */
export class ConfigurationError extends CasterCarouselError {
  override name = 'ConfigurationError';
  readonly code = 'InvalidConfiguration';
}

/** A command line the CLI cannot act on (unknown flag, missing argument): nothing was read or sent. */
export class UsageError extends CasterCarouselError {
  override name = 'UsageError';
  readonly code = 'InvalidUsage';
}

/** The trigger's event itself is unusable: not JSON, or missing what its trigger always sends. */
export class InvalidEventError extends CasterCarouselError {
  override name = 'InvalidEventError';
  readonly code = 'InvalidEvent';
  readonly fieldErrors: FieldErrors;
  constructor(fieldErrors: FieldErrors, message = 'The event is not a valid trigger event') {
    super(message);
    this.fieldErrors = fieldErrors;
  }
}

/** An HTTP request refused with a specific status (405, 413, 415...); like Hono's HTTPException. */
export class HttpError extends CasterCarouselError {
  override name = 'HttpError';
  readonly statusCode: number;
  readonly code: string;
  readonly headers: Readonly<Record<string, string>>;
  constructor(statusCode: number, code: string, message: string, headers: Readonly<Record<string, string>> = {}) {
    super(message);
    this.statusCode = statusCode;
    this.code = code;
    this.headers = headers;
  }
}
