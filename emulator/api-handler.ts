import { ApiError, apiErrorBody, invalidParameter, missingParameter, newRequestId } from './api-error';
import { type AuthSettings, authenticate, type Caller, headerValue, type SignedRequest } from './authenticate';
import type { CasterDirectory } from './casters';
import type { FaultKind } from './faults';
import { type ApiAction, findOperation, type ItemIdsShape } from './operations';
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

/** A JSON answer. The body always carries its RequestId; an error body (any status but 200) also its Code. */
interface ApiAnswer {
  readonly status: number;
  readonly body: Readonly<Record<string, unknown>> & { readonly RequestId: string };
}

/** The result, with what the request log wants to know about the request. */
interface HandledApiRequest {
  /** Undefined when an injected `reset` dropped the connection before the request was handled. */
  readonly answer: ApiAnswer | undefined;
  /** An injected `lost`: the connection is dropped instead of sending `answer`. */
  readonly lost: boolean;
  readonly action: string | undefined;
  readonly caller: Caller | undefined;
}

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
  const requestId = newRequestId();
  const acs3 = request.algorithm === 'acs3';
  const action = acs3 ? headerValue(request.headers, 'x-acs-action') : request.params.all['Action'];
  let caller: Caller | undefined;
  let lost = false;
  try {
    if (request.method !== 'GET' && request.method !== 'POST') throw new ApiError('UnsupportedHTTPMethod');
    const operation = request.rawPath === '/' ? findOperation(action) : undefined;
    if (!operation) throw new ApiError('InvalidAction.NotFound');
    // A repeated name has no defined place in the canonical string, so it cannot be signed unambiguously.
    const duplicate = request.params.duplicates[0];
    if (duplicate !== undefined) throw invalidParameter(duplicate, 'It is given more than once.');
    const versionName = acs3 ? 'x-acs-version' : 'Version';
    const version = acs3 ? headerValue(request.headers, 'x-acs-version') : request.params.all['Version'];
    if (!version) throw missingParameter(versionName);
    if (version !== API_VERSION)
      throw new ApiError(
        'InvalidVersion',
        `Specified parameter ${versionName} is not valid: this endpoint serves ${API_VERSION}, not "${version}".`,
      );

    const nowMs = deps.now();
    caller = authenticate(request, deps.auth, nowMs);

    switch (fault) {
      case 'reset':
        return { answer: undefined, lost: false, action, caller };
      case 'lost':
        lost = true; // Handled as usual; the answer, whatever it is, is then dropped.
        break;
      case 'throttle':
        throw new ApiError('Throttling.User');
      case 'error500':
        throw new ApiError('InternalError');
      case 'error503':
        throw new ApiError('ServiceUnavailable');
    }

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
    return { answer: { status: 200, body: { RequestId: requestId, ...rest } }, lost, action, caller };
  } catch (thrown) {
    let error: ApiError;
    if (thrown instanceof ApiError) {
      error = thrown;
    } else {
      deps.onInternalError(thrown);
      error = new ApiError('InternalError');
    }
    return { answer: { status: error.httpStatus, body: { ...apiErrorBody(error, requestId) } }, lost, action, caller };
  }
}
