/**
 * A sliding-window limiter: at most `limit` admitted requests per key in any `windowMs` span. Only admitted
 * requests are remembered, so a throttled request does not push the caller's next slot further away
 * (the documented behaviour: throttling is about calls served, "requests that exceed this limit are dropped").
 */
export class SlidingWindowRateLimiter {
  private readonly admittedAtMs = new Map<string, number[]>();

  constructor(private readonly windowMs = 1000) {}

  /** Admits and records a request for `key` unless `limit` requests were admitted in the last `windowMs`. */
  tryAdmit(key: string, limit: number, nowMs: number): boolean {
    const recent = (this.admittedAtMs.get(key) ?? []).filter((atMs) => atMs > nowMs - this.windowMs && atMs <= nowMs);
    const admitted = recent.length < limit;
    if (admitted) recent.push(nowMs);
    this.admittedAtMs.set(key, recent);
    return admitted;
  }
}
