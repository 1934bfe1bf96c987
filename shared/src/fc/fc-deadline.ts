import type { FcMiddleware } from './fc-types';

/** FC's default function timeout, used when the context does not say. */
export const DEFAULT_FUNCTION_TIMEOUT_SECONDS = 3;
/**
 * Time kept back from FC's timeout to turn a failure into a response (or a logged, thrown error) before FC
 * kills the invocation: 1 s, but never more than a quarter of a short timeout.
 */
export const DEFAULT_SAFETY_MARGIN_MS = 1_000;
const MAX_MARGIN_SHARE = 0.25;

/** The epoch ms past which an invocation that started at `startedAtMs` should start no more work. */
export function deadlineAtMsFor(
  startedAtMs: number,
  timeoutSeconds: number | undefined,
  safetyMarginMs = DEFAULT_SAFETY_MARGIN_MS,
): number {
  const seconds = typeof timeoutSeconds === 'number' && timeoutSeconds > 0 ? timeoutSeconds : DEFAULT_FUNCTION_TIMEOUT_SECONDS;
  const timeoutMs = seconds * 1000;
  return startedAtMs + timeoutMs - Math.min(safetyMarginMs, timeoutMs * MAX_MARGIN_SHARE);
}

export interface FcDeadlineOptions {
  readonly safetyMarginMs?: number;
  readonly now?: () => number;
}

/**
 * Middleware: gives the context `startedAtMs` and `deadlineAtMs`, since FC's context has no clock of its own.
 * Register it first so the clock starts as early as possible. (No `getRemainingTimeInMillis` for middy's
 * early-timeout race: middy reads it before any middleware runs, so our deadline bounds every Live API
 * attempt instead.)
 */
export function fcDeadline(options: FcDeadlineOptions = {}): FcMiddleware {
  const now = options.now ?? Date.now;
  return {
    before: function setInvocationDeadline(request) {
      const startedAtMs = now();
      request.context.startedAtMs = startedAtMs;
      request.context.deadlineAtMs = deadlineAtMsFor(startedAtMs, request.context.function?.timeout, options.safetyMarginMs);
    },
  };
}
