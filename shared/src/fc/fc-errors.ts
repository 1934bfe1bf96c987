import { CasterCarouselError } from '../errors';
import type { FieldErrors } from '../plan/plan';

/** The FC event itself is unusable: not JSON, or missing what its trigger always sends. */
export class InvalidEventError extends CasterCarouselError {
  override name = 'InvalidEventError';
  readonly code = 'InvalidEvent';
  readonly fieldErrors: FieldErrors;
  constructor(fieldErrors: FieldErrors, message = 'The event is not a valid trigger event') {
    super(message);
    this.fieldErrors = fieldErrors;
  }
}

/** A request the HTTP function refuses with a specific status (405, 413, 415...); like Hono's HTTPException. */
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
