import { ApiError, apiErrorBody, invalidParameter, missingParameter, newRequestId } from './api-error';
import { authenticate, headerValue, signatureAlgorithmOf, type AuthSettings, type Caller, type SignedRequest } from './authenticate';
import type { CasterDirectory } from './casters';
import type { FaultKind } from './faults';
import { findOperation, type ApiAction, type ItemIdsShape } from './operations';
import type { SlidingWindowRateLimiter } from './rate-limiter';
import type { StateStore } from './state-store';

/** The only API version served. */
export const API_VERSION = '2016-11-01';

/** What the API pipeline needs. */
export interface ApiHandlerDeps {
  readonly auth: AuthSettings;
  readonly rateLimiter: SlidingWindowRateLimiter;
  /** Admitted requests per second, per account and operation. */
  readonly qps: Readonly<Record<ApiAction, number>>;
  readonly state: StateStore;
  readonly casters: CasterDirectory;
  readonly itemIdsShape: ItemIdsShape;
  readonly now: () => number;
  /** Told about unexpected exceptions (answered as InternalError). */
  readonly onInternalError: (error: unknown) => void;
}

/**
 * The answer to one API request: a JSON body; a dropped connection before anything ran (injected `reset`);
 * or a dropped connection after the request was fully handled (injected `lost`), which keeps the status,
 * RequestId and verdict of the answer that was never sent.
 */
export type ApiOutcome =
  | { readonly kind: 'answer'; readonly status: number; readonly body: Record<string, unknown>; readonly requestId: string; readonly verdict: string }
  | { readonly kind: 'reset'; readonly verdict: 'reset' }
  | { readonly kind: 'lost'; readonly status: number; readonly requestId: string; readonly verdict: string };

/** The result with what the request log wants to know about the caller. */
export interface HandledApiRequest {
  readonly outcome: ApiOutcome;
  readonly action: string | undefined;
  readonly caller: Caller | undefined;
}

const FAULT_ERRORS: Record<Exclude<FaultKind, 'reset' | 'lost'>, () => ApiError> = {
  throttle: () => new ApiError('Throttling.User'),
  error500: () => new ApiError('InternalError'),
  error503: () => new ApiError('ServiceUnavailable'),
};

/**
 * Runs one API request through the gateway's checks, in the real order: the action must exist, then the
 * caller is authenticated (key, signature, timestamp, nonce), then injected faults and flow control, then
 * the operation checks its parameters and runs. `fault` was drawn when the request arrived; it is applied
 * after authentication (the failure comes from "behind" the gateway), so a faulted request has used its
 * nonce and a retry must be re-signed, as with the real service. A fault drawn for a request that fails
 * earlier is simply unused.
 *
 * `throttle`, `error500`, `error503` and `reset` stop the request before the operation, so they never
 * create anything. `lost` is the opposite: the request goes on through flow control and the operation,
 * whatever the action, and only the finished answer (success or error) is dropped. For a write that means
 * the group exists and its ClientToken is recorded although the client never heard so.
 */
export function handleApiRequest(request: SignedRequest, fault: FaultKind | undefined, deps: ApiHandlerDeps): HandledApiRequest {
  const handled = answerApiRequest(request, fault, deps);
  if (fault !== 'lost' || handled.caller === undefined || handled.outcome.kind !== 'answer') return handled;
  const { status, requestId, verdict } = handled.outcome;
  return { ...handled, outcome: { kind: 'lost', status, requestId, verdict } };
}

function answerApiRequest(request: SignedRequest, fault: FaultKind | undefined, deps: ApiHandlerDeps): HandledApiRequest {
  const requestId = newRequestId();
  const algorithm = signatureAlgorithmOf(request.headers);
  const action = algorithm === 'acs3' ? headerValue(request.headers, 'x-acs-action') : request.params.all['Action'];
  let caller: Caller | undefined;
  try {
    if (request.method !== 'GET' && request.method !== 'POST') throw new ApiError('UnsupportedHTTPMethod');
    const operation = request.rawPath === '/' ? findOperation(action) : undefined;
    if (!operation) throw new ApiError('InvalidAction.NotFound');
    // A repeated name has no defined place in the canonical string, so it cannot be signed unambiguously.
    const duplicate = request.params.duplicates[0];
    if (duplicate !== undefined) throw invalidParameter(duplicate, 'It is given more than once.');
    const versionName = algorithm === 'acs3' ? 'x-acs-version' : 'Version';
    const version = algorithm === 'acs3' ? headerValue(request.headers, 'x-acs-version') : request.params.all['Version'];
    if (!version) throw missingParameter(versionName);
    if (version !== API_VERSION) throw new ApiError('InvalidVersion', `Specified parameter ${versionName} is not valid: this endpoint serves ${API_VERSION}, not "${version}".`);

    const nowMs = deps.now();
    caller = authenticate(request, deps.auth, nowMs);

    if (fault === 'reset') return { outcome: { kind: 'reset', verdict: 'reset' }, action, caller };
    if (fault !== undefined && fault !== 'lost') throw FAULT_ERRORS[fault]();

    // Per account, not per key: the documented limit is per user/account, so an account's STS and
    // long-term keys share it.
    if (!deps.rateLimiter.tryAdmit(`${caller.accountId}\u0000${operation.action}`, deps.qps[operation.action], nowMs)) {
      throw new ApiError('Throttling.User');
    }

    // Answers are always JSON. The documented default Format is XML, but pop-core, the Tea SDK and this
    // project's client all send Format=JSON (or ACS3, which is JSON); answering XML is not emulated.
    const fields = operation.run({
      action: operation.action,
      params: request.params.all,
      accountId: caller.accountId,
      accessKeyId: caller.accessKeyId,
      nowMs,
      state: deps.state,
      casters: deps.casters,
      itemIdsShape: deps.itemIdsShape,
    });
    const { RequestId: _ignored, ...rest } = fields;
    return { outcome: { kind: 'answer', status: 200, body: { RequestId: requestId, ...rest }, requestId, verdict: 'ok' }, action, caller };
  } catch (thrown) {
    let error: ApiError;
    if (thrown instanceof ApiError) {
      error = thrown;
    } else {
      deps.onInternalError(thrown);
      error = new ApiError('InternalError');
    }
    const body = apiErrorBody(error, requestId) as unknown as Record<string, unknown>;
    return { outcome: { kind: 'answer', status: error.httpStatus, body, requestId, verdict: error.code }, action, caller };
  }
}
