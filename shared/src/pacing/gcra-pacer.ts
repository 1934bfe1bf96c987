import { ThrottledError } from '../errors';
import { sleepMs } from '../time/sleep-ms';
import { emissionIntervalMs, LIVE_API_LIMITS_PER_SECOND, type Pacer } from './pacer';

export interface GcraPacerOptions {
  /** Requests per second per action, before the safety margin. Actions not listed are not paced. */
  readonly limitsPerSecond?: Readonly<Record<string, number>>;
  readonly safetyMargin?: number;
  readonly now?: () => number;
  readonly sleep?: (durationMs: number) => Promise<void>;
}

/** The in-process pacer, plus what a pacer that falls back to it needs to hand a schedule over without overlap. */
export interface LocalGcraPacer extends Pacer {
  /** The last slot this pacer handed out for `action` (epoch ms), if any. */
  lastSlotMs(action: string): number | undefined;
  /** Milliseconds between two local slots of `action`; undefined when it is not paced. */
  intervalMs(action: string): number | undefined;
  /** Hands out no slot for `action` before `atMs` (epoch ms), e.g. while slots taken by other means are still due. */
  holdUntil(action: string, atMs: number): void;
}

/**
 * The in-process pacer: a generic cell rate algorithm per action, one theoretical arrival time (TAT) each.
 * A caller reserves the next free slot at once and sleeps until it, so concurrent callers queue fairly.
 */
export function createGcraPacer(options: GcraPacerOptions = {}): LocalGcraPacer {
  const limits = options.limitsPerSecond ?? LIVE_API_LIMITS_PER_SECOND;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? sleepMs;
  const theoreticalArrivalMs = new Map<string, number>();
  const lastSlots = new Map<string, number>();
  const intervalOf = (action: string): number | undefined => {
    const limit = limits[action];
    return limit === undefined ? undefined : emissionIntervalMs(limit, options.safetyMargin);
  };

  return {
    async acquire(action, deadlineAtMs) {
      const intervalMs = intervalOf(action);
      if (intervalMs === undefined) return;
      const nowMs = now();
      const slotMs = Math.max(theoreticalArrivalMs.get(action) ?? nowMs, nowMs);
      const waitMs = slotMs - nowMs;
      if (nowMs + waitMs > deadlineAtMs) throw new ThrottledError(action, waitMs);
      theoreticalArrivalMs.set(action, slotMs + intervalMs);
      lastSlots.set(action, slotMs);
      if (waitMs > 0) await sleep(waitMs);
    },
    lastSlotMs: (action) => lastSlots.get(action),
    intervalMs: intervalOf,
    holdUntil(action, atMs) {
      if (intervalOf(action) === undefined) return;
      theoreticalArrivalMs.set(action, Math.max(theoreticalArrivalMs.get(action) ?? 0, atMs));
    },
  };
}
