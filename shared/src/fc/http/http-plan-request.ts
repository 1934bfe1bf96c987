import type { MiddlewareObj, Request } from '@middy/core';
import { deriveClientToken } from '../../idempotency/client-token';
import type { Plan } from '../../plan/plan';
import { parsePlanJson, requireValidPlan } from '../../plan/require-valid-plan';
import { HttpError } from '../fc-errors';
import { getFcInstance } from '../fc-instance';
import type { FcHttpEvent } from '../fc-types';
import { bodyByteLength, bodyText, headerValue, httpMethod, isJsonContentType } from './http-event';

/**
 * The largest body accepted, in decoded bytes: 1 MiB. The largest valid plan (every field at its limit in
 * 4-byte UTF-8 characters, as many items as the form-encoded size bound lets through) is 336,747 bytes of
 * compact JSON (tests/unit/fc/http-body-cap.test.ts measures it), so every valid plan sent as compact UTF-8
 * JSON fits; anything bigger is refused before it is parsed.
 */
export const MAX_BODY_BYTES = 1024 * 1024;

/** The HTTP event once the request passed every check: the plan and how its ClientToken is chosen. */
export interface HttpPlanEvent extends FcHttpEvent {
  readonly plan: Plan;
  /** From the Idempotency-Key header, when given; beats the plan's own ClientToken. */
  readonly clientToken: string | undefined;
}

export interface HttpPlanRequestOptions {
  readonly maxBodyBytes?: number;
}

/** The ClientToken an Idempotency-Key header stands for; hashed, so a key of any length gives a valid token. */
export function clientTokenForIdempotencyKey(key: string): string {
  return deriveClientToken(`idempotency-key:${key}`);
}

/**
 * Middleware: checks an HTTP request in the order that costs least (method 405, size 413, content type 415,
 * JSON 400, plan 400) and replaces the event with an HttpPlanEvent.
 */
export function httpPlanRequest(options: HttpPlanRequestOptions = {}): MiddlewareObj {
  const maxBodyBytes = options.maxBodyBytes ?? MAX_BODY_BYTES;
  return {
    before: function readHttpPlan(request: Request) {
      const event = request.event as FcHttpEvent;
      if (httpMethod(event) !== 'POST') {
        throw new HttpError(405, 'MethodNotAllowed', 'Send the plan with POST', { allow: 'POST' });
      }
      const byteLength = bodyByteLength(event);
      if (byteLength > maxBodyBytes) {
        throw new HttpError(413, 'PayloadTooLarge', `The body has ${byteLength} bytes; the limit is ${maxBodyBytes}`);
      }
      if (!isJsonContentType(headerValue(event, 'content-type'))) {
        throw new HttpError(415, 'UnsupportedMediaType', 'Send the plan as JSON with Content-Type: application/json');
      }
      const plan = requireValidPlan(
        parsePlanJson(bodyText(event), '(body)', 'The body is not valid JSON'),
        getFcInstance().environment.planRules,
      );
      const idempotencyKey = headerValue(event, 'idempotency-key')?.trim();
      const planEvent: HttpPlanEvent = {
        ...event,
        plan,
        clientToken: idempotencyKey ? clientTokenForIdempotencyKey(idempotencyKey) : undefined,
      };
      request.event = planEvent;
    },
  };
}
