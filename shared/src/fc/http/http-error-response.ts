import { classifyError, type ErrorClassification } from '../error-classification';
import { invocationLoggerOf, latencyMsOf } from '../fc-invocation-logger';
import type { FcHttpResponse, FcMiddleware } from '../fc-types';
import { jsonResponse } from './http-response';

/** The JSON error response for a classification: `{error, message, code?, requestId?, fieldErrors?}`, no stack. */
export function errorResponse(classification: ErrorClassification): FcHttpResponse {
  const { statusCode, error, message, code, requestId, fieldErrors, retryAfterSeconds, headers } = classification;
  return jsonResponse(
    statusCode,
    { error, message, ...(code ? { code } : {}), ...(requestId ? { requestId } : {}), ...(fieldErrors ? { fieldErrors } : {}) },
    { ...headers, ...(retryAfterSeconds !== undefined ? { 'retry-after': String(retryAfterSeconds) } : {}) },
  );
}

// Used when even classifying or logging failed: the function must still answer, never crash.
const LAST_RESORT = jsonResponse(500, { error: 'InternalError', message: 'An unexpected error occurred' });

/** Middleware: turns any error into a JSON error response and logs it (4xx as warn, 5xx as error). */
export function httpErrorResponse(): FcMiddleware {
  return {
    onError: function respondWithHttpError(request) {
      try {
        const classification = classifyError(request.error);
        const logger = invocationLoggerOf(request.context);
        const fields = {
          statusCode: classification.statusCode,
          latencyMs: latencyMsOf(request.context),
          error: request.error,
        };
        if (classification.statusCode >= 500) logger.error('request failed', fields);
        else logger.warn('request refused', fields);
        request.response = errorResponse(classification);
      } catch {
        request.response = LAST_RESORT;
      }
    },
  };
}
