import { randomUUID } from 'node:crypto';

/** The HostId every error body carries, as live.aliyuncs.com's gateway answers. */
const HOST_ID = 'live.aliyuncs.com';

/**
 * Every error code the emulator answers, with its HTTP status. Statuses follow the documented common error
 * table (live-api.md 1.7); where the docs disagree or are silent the choice is noted.
 */
const ERROR_HTTP_STATUS = {
  // 400 here; the CDN appendix says 403. Clients must classify by Code, not status.
  SignatureDoesNotMatch: 400,
  // ECS documents 400, CDN and KMS 404; 404 chosen.
  'InvalidAccessKeyId.NotFound': 404,
  IncompleteSignature: 400,
  MissingParameter: 400,
  InvalidParameter: 400,
  SignatureNonceUsed: 400,
  'InvalidTimeStamp.Expired': 400,
  IllegalTimestamp: 400,
  IdempotentParameterMismatch: 400,
  'InvalidAction.NotFound': 404,
  InvalidVersion: 400,
  // Status UNCONFIRMED for Throttling.User; 400 is what the plain `Throttling` code is observed with.
  'Throttling.User': 400,
  // STS token codes are UNCONFIRMED for Live: plausible names, 400.
  'InvalidSecurityToken.Mismatch': 400,
  'InvalidSecurityToken.Malformed': 400,
  // Not-found codes for studios and episode groups are UNCONFIRMED (Live publishes no op-specific codes).
  'InvalidCaster.NotFound': 404,
  'InvalidProgram.NotFound': 404,
  UnsupportedHTTPMethod: 403,
  // UNCONFIRMED: the real gateway's size limits, and its codes for them, are not documented.
  RequestEntityTooLarge: 413,
  RequestHeaderFieldsTooLarge: 431,
  // The emulator's own codes for requests Node's HTTP parser refuses (malformed, or too slow to arrive).
  BadRequest: 400,
  RequestTimeout: 408,
  InternalError: 500,
  ServiceUnavailable: 503,
} as const;

/** A code the emulator can answer with. */
type ApiErrorCode = keyof typeof ERROR_HTTP_STATUS;

const DEFAULT_MESSAGES: Partial<Record<ApiErrorCode, string>> = {
  'InvalidAccessKeyId.NotFound': 'Specified access key is not found.',
  SignatureNonceUsed: 'Specified signature nonce was used already.',
  'InvalidTimeStamp.Expired': 'Specified time stamp or date value is expired.',
  IdempotentParameterMismatch: 'The request is retried with updated parameters.',
  'InvalidAction.NotFound': 'Specified api is not found, please check your url and method.',
  InvalidVersion: 'Specified parameter Version is not valid.',
  'Throttling.User': 'Request was denied due to user flow control.',
  UnsupportedHTTPMethod: 'This http method is not supported.',
  InternalError: 'The request processing has failed due to some unknown error, exception or failure.',
  ServiceUnavailable: 'The request has failed due to a temporary failure of the server.',
  BadRequest: 'The request is not valid HTTP/1.1.',
  RequestTimeout: 'The request did not arrive in full in time.',
};

/** An answer in the API's error shape; thrown anywhere in request handling and turned into the JSON body by the server. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly code: ApiErrorCode;
  readonly httpStatus: number;

  constructor(code: ApiErrorCode, message?: string) {
    super(message ?? DEFAULT_MESSAGES[code] ?? code);
    this.code = code;
    this.httpStatus = ERROR_HTTP_STATUS[code];
  }
}

/** `MissingParameter` with the gateway's exact wording, naming the parameter. */
export function missingParameter(name: string): ApiError {
  return new ApiError('MissingParameter', `The input parameter "${name}" that is mandatory for processing this request is not supplied.`);
}

/** `InvalidParameter` naming the parameter and saying what is wrong with it. */
export function invalidParameter(name: string, reason: string): ApiError {
  return new ApiError('InvalidParameter', `The specified parameter "${name}" is not valid. ${reason}`);
}

/** The JSON error body as the gateway sends it. */
interface ApiErrorBody {
  readonly RequestId: string;
  readonly HostId: string;
  readonly Code: string;
  readonly Message: string;
  readonly Recommend: string;
}

/** Builds the error body, with a Recommend link in the form the real gateway uses. */
export function apiErrorBody(error: ApiError, requestId: string): ApiErrorBody {
  return {
    RequestId: requestId,
    HostId: HOST_ID,
    Code: error.code,
    Message: error.message,
    Recommend: `https://api.aliyun.com/troubleshoot?q=${encodeURIComponent(error.code)}&product=live&requestId=${encodeURIComponent(requestId)}`,
  };
}

/** A RequestId in the gateway's style: an upper-case UUID. */
export function newRequestId(): string {
  return randomUUID().toUpperCase();
}
