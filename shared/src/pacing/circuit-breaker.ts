export interface CircuitBreakerOptions {
  /** How long to stop trying after a failure before one request may try again. */
  readonly openMs: number;
  readonly now?: () => number;
}

/** Whether a dependency (Redis) is worth calling now, learnt from how the last calls went. */
export interface CircuitBreaker {
  /**
   * True when the caller may call: always while closed; after the open period, for one caller at a time
   * (the probe) until it reports. Every caller told true must report `succeeded` or `failed`.
   */
  tryAcquire(): boolean;
  succeeded(): void;
  failed(): void;
  /** `closed` (calling), `open` (skipping until the period ends) or `probing` (one call is finding out). */
  readonly state: 'closed' | 'open' | 'probing';
}

/**
 * A circuit breaker: one failure opens it for `openMs`, during which callers go elsewhere at once instead of
 * each paying a timeout; then a single probe decides whether it closes again or stays open another period.
 */
export function createCircuitBreaker(options: CircuitBreakerOptions): CircuitBreaker {
  const now = options.now ?? Date.now;
  let state: CircuitBreaker['state'] = 'closed';
  let openUntilMs = 0;

  return {
    tryAcquire() {
      if (state === 'closed') return true;
      if (state === 'probing' || now() < openUntilMs) return false;
      state = 'probing';
      return true;
    },
    succeeded() {
      state = 'closed';
    },
    failed() {
      state = 'open';
      openUntilMs = now() + options.openMs;
    },
    get state() {
      return state;
    },
  };
}
