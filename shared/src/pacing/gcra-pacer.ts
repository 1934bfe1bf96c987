import { ThrottledError } from '../errors';
import { emissionIntervalMs, LIVE_API_LIMITS_PER_SECOND, type Pacer, sleepMs } from './pacer';

export interface GcraPacerOptions {
  /** Requests per second per action, before the safety margin. Actions not listed are not paced. */
  readonly limitsPerSecond?: Readonly<Record<string, number>>;
  readonly safetyMargin?: number;
  readonly now?: () => number;
  readonly sleep?: (durationMs: number) => Promise<void>;
}

/**
 * The in-process pacer: a generic cell rate algorithm per action, one theoretical arrival time (TAT) each.
 * A caller reserves the next free slot at once and sleeps until it, so concurrent callers queue fairly.
 */
export function createGcraPacer(options: GcraPacerOptions = {}): Pacer {
  const limits = options.limitsPerSecond ?? LIVE_API_LIMITS_PER_SECOND;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? sleepMs;
  const theoreticalArrivalMs = new Map<string, number>();

  return {
    async acquire(action, deadlineAtMs) {
      const limit = limits[action];
      if (limit === undefined) return;
      const intervalMs = emissionIntervalMs(limit, options.safetyMargin);
      const nowMs = now();
      const slotMs = Math.max(theoreticalArrivalMs.get(action) ?? nowMs, nowMs);
      const waitMs = slotMs - nowMs;
      if (nowMs + waitMs > deadlineAtMs) throw new ThrottledError(action, waitMs);
      theoreticalArrivalMs.set(action, slotMs + intervalMs);
      if (waitMs > 0) await sleep(waitMs);
    },
  };
}
