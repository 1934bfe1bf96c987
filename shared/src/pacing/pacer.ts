/** Admits requests to the Live API no faster than its per-account limits allow. */
export interface Pacer {
  /**
   * Resolves when a request for `action` may be sent; rejects with ThrottledError when that moment would fall
   * after `deadlineAtMs` (epoch milliseconds), without spending a slot.
   */
  acquire(action: string, deadlineAtMs: number): Promise<void>;
  /** Opens what the pacer needs (a Redis connection) ahead of the first request, e.g. in FC's initializer. */
  warmUp?(): Promise<void>;
  /** Releases connections or timers the pacer holds. */
  close?(): Promise<void>;
}

/** The documented per-account limits of the actions we call, in requests per second. */
export const LIVE_API_LIMITS_PER_SECOND: Readonly<Record<string, number>> = {
  AddCasterEpisodeGroup: 4,
  AddCasterEpisodeGroupContent: 4,
  DeleteCasterEpisodeGroup: 4,
  DescribeCasterConfig: 15,
  // The playlist operations have their own budget of 10 per second (TS client.ts comments); the reconciliation
  // tick's ListPlaylist checks queue here, never in the 4/s of the adds and deletes.
  ListPlaylist: 10,
};

/** Pace at 90% of the provider's limit: measured GCRA spacing at exactly 250 ms still let 5 through in a second. */
export const DEFAULT_SAFETY_MARGIN = 0.9;

/** Milliseconds between two admitted requests for a limit, with the safety margin applied. */
export function emissionIntervalMs(limitPerSecond: number, safetyMargin = DEFAULT_SAFETY_MARGIN): number {
  return Math.ceil(1000 / (limitPerSecond * safetyMargin));
}
