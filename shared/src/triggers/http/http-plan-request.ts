import { HttpError } from '../../errors';
import { httpRequestClientToken } from '../../idempotency/trigger-tokens';
import type { PlanValidationOptions } from '../../plan/plan';
import { parsePlanJson, requireValidPlanWithWarnings } from '../../plan/require-valid-plan';
import type { ScheduleRequest } from '../../schedule/schedule-request';
import { bodyByteLength, bodyText, type HttpRequestInput, headerValue, isJsonContentType } from './http-request-fields';

/**
 * The largest body accepted, in decoded bytes: 1 MiB. The largest valid plan (every field at its limit in 4-byte UTF-8
 * characters, as many items as the form-encoded size bound lets through) is 336,747 bytes of compact JSON
 * (tests/unit/fc/http-body-cap.test.ts measures it), so every valid plan sent as compact UTF-8 JSON fits; anything bigger
 * is refused before it is parsed.
 */
export const MAX_BODY_BYTES = 1024 * 1024;

/**
 * Reads `POST /` with a plan into a schedule request, checking in the order that costs least: method 405, size 413,
 * content type 415, JSON 400, plan 400 (validated under `rules`). Throws HttpError, PlanValidationError or
 * StartTimeInPastError.
 */
export function readHttpPlanRequest(
  request: HttpRequestInput,
  maxBodyBytes: number = MAX_BODY_BYTES,
  rules: PlanValidationOptions = {},
): ScheduleRequest {
  if (request.method !== 'POST') throw new HttpError(405, 'MethodNotAllowed', 'Send the plan with POST', { allow: 'POST' });
  const byteLength = bodyByteLength(request);
  if (byteLength > maxBodyBytes) {
    throw new HttpError(413, 'PayloadTooLarge', `The body has ${byteLength} bytes; the limit is ${maxBodyBytes}`);
  }
  if (!isJsonContentType(headerValue(request, 'content-type'))) {
    throw new HttpError(415, 'UnsupportedMediaType', 'Send the plan as JSON with Content-Type: application/json');
  }
  const { plan, warnings } = requireValidPlanWithWarnings(parsePlanJson(bodyText(request), '(body)', 'The body is not valid JSON'), rules);
  const idempotencyKey = headerValue(request, 'idempotency-key')?.trim() || undefined;
  return {
    plan,
    clientToken: httpRequestClientToken(plan, idempotencyKey),
    trigger: idempotencyKey ? { kind: 'http', idempotencyKey } : { kind: 'http' },
    warnings,
  };
}
