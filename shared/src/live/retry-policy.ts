import { LiveApiError, LiveTransportError } from '../errors';

/** How failed calls are retried: exponential backoff with full jitter, bounded by attempts and the deadline. */
export interface RetryPolicy {
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 5, baseDelayMs: 200, maxDelayMs: 5_000 };

/** True for the codes that mean "try again later": throttling, ServiceUnavailable and InternalError. */
export function isRetryableCode(code: string): boolean {
  // Prefix match on Throttling, as Alibaba's TS core does: Throttling, Throttling.User, Throttling.Api, ...
  return code.startsWith('Throttling') || code.startsWith('ServiceUnavailable') || code === 'InternalError';
}

/** True when an error from one attempt is worth another attempt with the same ClientToken. */
export function isRetryableError(error: unknown): boolean {
  if (error instanceof LiveTransportError) return true;
  return error instanceof LiveApiError && error.retryable;
}

/**
 * Delay before attempt `attemptNumber + 1` (attempts count from 1): full jitter over an exponential ceiling,
 * but never less than a server-given `x-acs-retry-after`.
 */
export function backoffDelayMs(
  policy: RetryPolicy,
  attemptNumber: number,
  retryAfterMs: number | undefined,
  random: () => number = Math.random,
): number {
  const ceilingMs = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attemptNumber - 1));
  const jitteredMs = Math.floor(random() * ceilingMs);
  return retryAfterMs !== undefined ? Math.max(jitteredMs, retryAfterMs) : jitteredMs;
}

/**
 * Reads `x-acs-retry-after`. UNCONFIRMED unit: assumed milliseconds, as Alibaba's TS core hands the value to its
 * backoff and its SDK test servers send it. Capped, so a bad header cannot stall a function.
 */
export function parseRetryAfterMs(header: string | string[] | undefined, capMs = 30_000): number | undefined {
  const text = Array.isArray(header) ? header[0] : header;
  if (text === undefined || text.trim() === '') return undefined;
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0) return undefined;
  return Math.min(value, capMs);
}
