import type { ClientContext, Redis, Result } from 'ioredis';
import { ThrottledError } from '../errors';
import { type Logger, silentLogger } from '../logging/logger';
import { sleepMs } from '../time/sleep-ms';
import { createCircuitBreaker } from './circuit-breaker';
import { createGcraPacer } from './gcra-pacer';
import { emissionIntervalMs, LIVE_API_LIMITS_PER_SECOND, type Pacer } from './pacer';
import { shareOfLimits, WHOLE_SHARE } from './pacing-share';

/**
 * GCRA in one Redis key per account and action. The script reads Redis's own clock, so processes with skewed
 * clocks still share one schedule; it reserves the next slot and answers how long to wait for it, or refuses
 * (reserving nothing) when that wait is longer than the caller may wait. Times are in microseconds.
 * KEYS[1] the key; ARGV[1] emission interval (µs); ARGV[2] longest acceptable wait (µs); ARGV[3] (optional)
 * how far ahead the caller's own process is still booked by its local schedule (µs): the shared schedule
 * gives it no slot before that, so a process back from a Redis outage does not double up on its own calls.
 * Returns {admitted (1|0), waitUs, bookedUs}: bookedUs is how far ahead the shared schedule is now booked.
 */
export const GCRA_SCRIPT = `
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) * 1000000 + tonumber(now_parts[2])
local interval = tonumber(ARGV[1])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local booked = now + tonumber(ARGV[3] or '0')
if tat < booked then tat = booked end
local wait = tat - now
if wait > tonumber(ARGV[2]) then return {0, wait, tat - now} end
local next_tat = tat + interval
redis.call('SET', KEYS[1], string.format('%d', next_tat), 'PX', math.ceil((next_tat - now) / 1000) + 1000)
return {1, wait, next_tat - now}
`;

/** How long a failed Redis stays skipped before one request tries it again. */
export const DEFAULT_REDIS_OPEN_MS = 5_000;

export interface RedisPacerOptions {
  readonly redisUrl: string;
  /** Separates accounts that share one Redis; every process pacing one account must use the same value. */
  readonly accountKey?: string;
  readonly keyPrefix?: string;
  readonly limitsPerSecond?: Readonly<Record<string, number>>;
  readonly safetyMargin?: number;
  /**
   * The fraction of the limits this process paces at while Redis is out of reach (PACING_SHARE); default 1.
   * Shares across every process that can run at once should add up to at most 1.
   */
  readonly fallbackShare?: number;
  /** Longest a Redis round trip may take before the local fallback takes over for this request. */
  readonly commandTimeoutMs?: number;
  /** After a failed or timed-out Redis call, how long Redis is skipped (the circuit breaker's open period). */
  readonly openMs?: number;
  readonly logger?: Logger;
  readonly now?: () => number;
  readonly sleep?: (durationMs: number) => Promise<void>;
}

// The script registered with defineCommand below, typed the way ioredis documents for custom commands.
declare module 'ioredis' {
  interface RedisCommander<Context extends ClientContext> {
    gcraAcquire(key: string, intervalUs: number, maxWaitUs: number, bookedAheadUs: number): Result<[number, number, number], Context>;
  }
}

/** The Redis key that holds the schedule of one account's action. */
export function pacingKey(keyPrefix: string, accountKey: string, action: string): string {
  return `${keyPrefix}:${accountKey}:${action}`;
}

/**
 * A pacer shared by every process that points at the same Redis. When Redis fails or stalls, a circuit
 * breaker skips it for `openMs` (one request pays the timeout, not every one) and this process paces alone at
 * its `fallbackShare` of the limits, so a fleet whose shares add up to 1 still holds the limit; it says so in
 * the logs. After the open period a single request probes Redis again.
 */
export function createRedisPacer(options: RedisPacerOptions): Pacer {
  const limits = options.limitsPerSecond ?? LIVE_API_LIMITS_PER_SECOND;
  const keyPrefix = options.keyPrefix ?? 'caster-carousel:gcra';
  const accountKey = options.accountKey ?? 'default';
  const logger = options.logger ?? silentLogger;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? sleepMs;
  const commandTimeoutMs = options.commandTimeoutMs ?? 1_000;
  const fallback = createGcraPacer({
    limitsPerSecond: shareOfLimits(limits, options.fallbackShare ?? WHOLE_SHARE),
    safetyMargin: options.safetyMargin,
    now,
    sleep,
  });
  const openMs = options.openMs ?? DEFAULT_REDIS_OPEN_MS;
  const breaker = createCircuitBreaker({ openMs, now });
  let redis: Promise<Redis> | undefined;
  let fallbackLogged = false;
  // How far ahead the shared schedule was booked when Redis last answered, per action (ms).
  const sharedBookedAheadMs = new Map<string, number>();
  // Until then, this process also keeps to its share: other processes may still be pacing alone.
  let rejoiningUntilMs = 0;

  const connect = async (): Promise<Redis> => {
    const { connectFailFast } = await import('./redis-connection');
    const client = await connectFailFast(options.redisUrl, commandTimeoutMs);
    client.defineCommand('gcraAcquire', { numberOfKeys: 1, lua: GCRA_SCRIPT });
    return client;
  };

  const connection = (): Promise<Redis> => {
    redis ??= connect().catch((error: unknown) => {
      redis = undefined;
      throw error;
    });
    return redis;
  };

  const paceLocally = (action: string, deadlineAtMs: number): Promise<void> => fallback.acquire(action, deadlineAtMs);

  const paceThroughRedis = async (action: string, limit: number, deadlineAtMs: number): Promise<void> => {
    const intervalMs = emissionIntervalMs(limit, options.safetyMargin);
    const nowMs = now();
    const maxWaitUs = Math.max(0, Math.floor((deadlineAtMs - nowMs) * 1000));
    const lastLocalSlotMs = fallback.lastSlotMs(action);
    const bookedAheadUs = lastLocalSlotMs === undefined ? 0 : Math.max(0, Math.ceil((lastLocalSlotMs + intervalMs - nowMs) * 1000));
    let answer: [number, number, number];
    try {
      answer = await (await connection()).gcraAcquire(
        pacingKey(keyPrefix, accountKey, action),
        intervalMs * 1000,
        Number.isFinite(maxWaitUs) ? maxWaitUs : Number.MAX_SAFE_INTEGER,
        bookedAheadUs,
      );
    } catch (error) {
      breaker.failed();
      // Slots other processes took in the shared schedule are still being sent, and their horizon is unknown
      // now: assume it was as far ahead when this call was sent (a stalled Redis answers nothing after that)
      // as when Redis last answered, and start the local schedule after it.
      fallback.holdUntil(action, nowMs + (sharedBookedAheadMs.get(action) ?? 0));
      if (!fallbackLogged) {
        logger.warn("Redis pacing unavailable, pacing at this process's share", {
          action,
          error,
          retryInMs: openMs,
        });
        fallbackLogged = true;
      }
      return paceLocally(action, deadlineAtMs);
    }
    const rejoined = breaker.state !== 'closed';
    breaker.succeeded();
    if (rejoined) {
      // The others find Redis again within one open period of their own; until then, stay within the share.
      rejoiningUntilMs = now() + openMs;
      if (fallbackLogged) logger.info('Redis pacing is back', { action });
      fallbackLogged = false;
    }
    const [admitted, waitUs, bookedUs] = answer;
    const answeredAtMs = now();
    sharedBookedAheadMs.set(action, bookedUs / 1000);
    if (!admitted) throw new ThrottledError(action, waitUs / 1000);
    const slotMs = answeredAtMs + waitUs / 1000;
    if (answeredAtMs < rejoiningUntilMs) {
      // Sent at the later of the shared slot and a slot of this process's share.
      await Promise.all([sleep(waitUs / 1000), fallback.acquire(action, deadlineAtMs)]);
      fallback.holdUntil(action, slotMs + (fallback.intervalMs(action) ?? 0));
      return;
    }
    // Should Redis fail next, the local schedule starts one of its own intervals after this slot.
    fallback.holdUntil(action, slotMs + (fallback.intervalMs(action) ?? 0));
    if (waitUs > 0) await sleep(waitUs / 1000);
  };

  return {
    async acquire(action, deadlineAtMs) {
      const limit = limits[action];
      if (limit === undefined) return;
      if (!breaker.tryAcquire()) return paceLocally(action, deadlineAtMs);
      return paceThroughRedis(action, limit, deadlineAtMs);
    },
    async warmUp() {
      if (!breaker.tryAcquire()) return;
      try {
        await connection();
        breaker.succeeded();
      } catch (error) {
        breaker.failed();
        fallbackLogged = true;
        logger.warn("Redis pacing unavailable at start, pacing at this process's share until it answers", { error });
      }
    },
    async close() {
      const pending = redis;
      redis = undefined;
      if (!pending) return;
      const client = await pending.catch(() => undefined);
      await client?.quit().catch(() => client.disconnect());
    },
  };
}
