import { ConfigurationError, LiveApiError } from '../errors';
import { type LogFields, type Logger, silentLogger } from '../logging/logger';
import { registerSecret } from '../logging/redact';
import type { Pacer } from '../pacing/pacer';
import { sleepMs } from '../pacing/pacer';
import type { Credentials, SignatureAlgorithm } from '../signing/credentials';
import { type HttpAnswer, sendHttpRequest } from './http-transport';
import { type SignedRequest, signLiveRequest } from './request-signing';
import {
  backoffDelayMs,
  DEFAULT_RETRY_POLICY,
  isRetryableCode,
  isRetryableError,
  parseRetryAfterMs,
  type RetryPolicy,
} from './retry-policy';

export const DEFAULT_LIVE_ENDPOINT = 'https://live.aliyuncs.com';
export const DEFAULT_REGION_ID = 'cn-shanghai';
export const DEFAULT_TIMEOUT_MS = 10_000;
const MISSING_CREDENTIALS =
  'No credentials: on Function Compute give the function a role (FC then passes context.credentials); elsewhere set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET';

/** Credentials, or a function returning the current ones (FC hands out fresh STS keys per invocation). */
export type CredentialsSource = Credentials | (() => Credentials);

export interface LiveClientOptions {
  /** `https://live.aliyuncs.com`, or any compatible endpoint such as `http://127.0.0.1:8787`. */
  readonly endpoint?: string;
  readonly regionId?: string;
  /** Used when a call brings no credentials of its own (the CLI); FC invocations pass theirs per call. */
  readonly credentials?: CredentialsSource | undefined;
  readonly signatureAlgorithm?: SignatureAlgorithm;
  /** Limit for one attempt, connect to last byte. */
  readonly timeoutMs?: number;
  readonly retry?: Partial<RetryPolicy>;
  /** Paces every attempt, retries included, since each one counts against the account's limit. */
  readonly pacer?: Pacer;
  readonly logger?: Logger;
  readonly now?: () => number;
  readonly sleep?: (durationMs: number) => Promise<void>;
  readonly random?: () => number;
}

export interface CallOptions {
  readonly httpMethod?: 'GET' | 'POST';
  /** Epoch ms after which no attempt starts and no backoff sleeps: the FC invocation's own deadline. */
  readonly deadlineAtMs?: number;
  /** Fields added to every log line of this call (caster, ClientToken...). */
  readonly logFields?: LogFields;
  /** The caller's logger (an invocation's, with its requestId), instead of the client's own. */
  readonly logger?: Logger | undefined;
  /** This call's credentials (an FC invocation's STS keys, which rotate), instead of the client's own. */
  readonly credentials?: Credentials | undefined;
}

/** A signed, paced, retrying client for the ApsaraVideo Live RPC API. */
export interface LiveClient {
  readonly endpoint: URL;
  readonly regionId: string;
  /** Calls an action and returns the parsed JSON body; throws LiveApiError, LiveTransportError or ThrottledError. */
  call(action: string, params: Readonly<Record<string, string>>, options?: CallOptions): Promise<Record<string, unknown>>;
  /** Signs a request exactly as `call` would send it, without sending it. */
  prepare(action: string, params: Readonly<Record<string, string>>, httpMethod?: 'GET' | 'POST', credentials?: Credentials): SignedRequest;
}

/** Builds a Live API client; fails fast on a malformed endpoint. */
export function createLiveClient(options: LiveClientOptions): LiveClient {
  const endpoint = parseEndpoint(options.endpoint ?? DEFAULT_LIVE_ENDPOINT);
  const regionId = options.regionId ?? DEFAULT_REGION_ID;
  const algorithm = options.signatureAlgorithm ?? 'v1';
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const retry: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  const logger = options.logger ?? silentLogger;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? sleepMs;
  const random = options.random ?? Math.random;

  // The one place credentials are checked and marked secret: every path (FC invocations, the CLI, warm-ups) signs here.
  // Registering costs a map lookup once the value is known, and must precede the request, whose errors may echo it.
  const currentCredentials = (fromCall: Credentials | undefined): Credentials => {
    const credentials = fromCall ?? (typeof options.credentials === 'function' ? options.credentials() : options.credentials);
    if (!credentials?.accessKeyId || !credentials.accessKeySecret) throw new ConfigurationError(MISSING_CREDENTIALS);
    registerSecret(credentials.accessKeySecret);
    registerSecret(credentials.securityToken);
    return credentials;
  };

  const prepare = (
    action: string,
    params: Readonly<Record<string, string>>,
    httpMethod: 'GET' | 'POST' = 'POST',
    credentials?: Credentials,
  ): SignedRequest =>
    signLiveRequest({
      endpoint,
      action,
      params: { RegionId: regionId, ...params },
      method: httpMethod,
      credentials: currentCredentials(credentials),
      algorithm,
      nowMs: now(),
    });

  async function call(action: string, params: Readonly<Record<string, string>>, callOptions: CallOptions = {}) {
    const deadlineAtMs = callOptions.deadlineAtMs ?? Number.POSITIVE_INFINITY;
    const log = (callOptions.logger ?? logger).child({ action, ...callOptions.logFields });
    for (let attempt = 1; ; attempt += 1) {
      await options.pacer?.acquire(action, deadlineAtMs);
      const request = prepare(action, params, callOptions.httpMethod, callOptions.credentials);
      const startedAtMs = now();
      const attemptTimeoutMs = Math.max(1, Math.min(timeoutMs, deadlineAtMs - startedAtMs));
      try {
        const answer = await sendHttpRequest({
          action,
          method: request.method,
          url: request.url,
          headers: request.headers,
          body: request.body,
          timeoutMs: attemptTimeoutMs,
        });
        const body = interpretAnswer(action, answer);
        log.info('live call succeeded', { attempt, latencyMs: now() - startedAtMs, RequestId: body['RequestId'] });
        return body;
      } catch (error) {
        const latencyMs = now() - startedAtMs;
        const retryable = isRetryableError(error);
        const retryAfterMs = error instanceof LiveApiError ? error.retryAfterMs : undefined;
        const delayMs = backoffDelayMs(retry, attempt, retryAfterMs, random);
        const outOfTime = now() + delayMs >= deadlineAtMs;
        const giveUp = !retryable || attempt >= retry.maxAttempts || outOfTime;
        log[giveUp ? 'error' : 'warn'](giveUp ? 'live call failed' : 'live call failed, retrying', {
          attempt,
          latencyMs,
          error,
          ...(giveUp ? {} : { retryInMs: delayMs }),
        });
        if (giveUp) throw error;
        await sleep(delayMs);
      }
    }
  }

  return { endpoint, regionId, call, prepare };
}

/** Turns an HTTP answer into the JSON body, or throws the LiveApiError its `Code` describes. */
export function interpretAnswer(action: string, answer: HttpAnswer): Record<string, unknown> {
  let body: unknown;
  try {
    body = JSON.parse(answer.body);
  } catch (cause) {
    // No JSON at all: a gateway or proxy answered. Only its status tells whether to try again.
    const retryable = answer.status >= 500 || answer.status === 429;
    throw new LiveApiError({
      action,
      code: retryable ? 'ServiceUnavailable' : 'InvalidResponse',
      message: `HTTP ${answer.status} with a body that is not JSON`,
      httpStatus: answer.status,
      retryable,
      retryAfterMs: retryAfter(answer),
      cause,
    });
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new LiveApiError({
      action,
      code: 'InvalidResponse',
      message: 'response body is not a JSON object',
      httpStatus: answer.status,
      retryable: false,
    });
  }
  const record = body as Record<string, unknown>;
  const code = typeof record['Code'] === 'string' ? record['Code'] : undefined;
  if (code !== undefined && !SUCCESS_CODES.has(code)) {
    throw new LiveApiError({
      action,
      code,
      message: typeof record['Message'] === 'string' ? record['Message'] : '',
      requestId: typeof record['RequestId'] === 'string' ? record['RequestId'] : undefined,
      httpStatus: answer.status,
      retryable: isRetryableCode(code),
      retryAfterMs: retryAfter(answer),
    });
  }
  if (answer.status >= 400) {
    const retryable = answer.status >= 500 || answer.status === 429;
    throw new LiveApiError({
      action,
      code: `Http${answer.status}`,
      message: 'error status without an error code',
      requestId: typeof record['RequestId'] === 'string' ? record['RequestId'] : undefined,
      httpStatus: answer.status,
      retryable,
      retryAfterMs: retryAfter(answer),
    });
  }
  return record;
}

const SUCCESS_CODES = new Set(['200', 'OK', 'Success', 'success']);

function retryAfter(answer: HttpAnswer): number | undefined {
  return parseRetryAfterMs(answer.headers['x-acs-retry-after']);
}

function parseEndpoint(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch (cause) {
    throw new ConfigurationError(`LIVE_ENDPOINT is not a URL: ${text}`, { cause });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigurationError(`LIVE_ENDPOINT must start with http:// or https://, got ${url.protocol}`);
  }
  return url;
}
