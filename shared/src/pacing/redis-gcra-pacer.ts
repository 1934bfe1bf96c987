import { ThrottledError } from '../errors';
import { type Logger, silentLogger } from '../logging/logger';
import { createGcraPacer } from './gcra-pacer';
import { emissionIntervalMs, LIVE_API_LIMITS_PER_SECOND, type Pacer, sleepMs } from './pacer';

/**
 * GCRA in one Redis key per account and action. The script reads Redis's own clock, so processes with skewed
 * clocks still share one schedule; it reserves the next slot and answers how long to wait for it, or refuses
 * (reserving nothing) when that wait is longer than the caller may wait. Times are in microseconds.
 * KEYS[1] the key; ARGV[1] emission interval (µs); ARGV[2] longest acceptable wait (µs).
 * Returns {admitted (1|0), waitUs}.
 */
export const GCRA_SCRIPT = `
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) * 1000000 + tonumber(now_parts[2])
local interval = tonumber(ARGV[1])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local wait = tat - now
if wait > tonumber(ARGV[2]) then return {0, wait} end
local next_tat = tat + interval
redis.call('SET', KEYS[1], string.format('%d', next_tat), 'PX', math.ceil((next_tat - now) / 1000) + 1000)
return {1, wait}
`;

export interface RedisPacerOptions {
  readonly redisUrl: string;
  /** Separates accounts that share one Redis; every process pacing one account must use the same value. */
  readonly accountKey?: string;
  readonly keyPrefix?: string;
  readonly limitsPerSecond?: Readonly<Record<string, number>>;
  readonly safetyMargin?: number;
  /** Longest a Redis round trip may take before the local fallback takes over for this request. */
  readonly commandTimeoutMs?: number;
  readonly logger?: Logger;
  readonly now?: () => number;
  readonly sleep?: (durationMs: number) => Promise<void>;
}

interface GcraRedis {
  gcraAcquire(key: string, intervalUs: number, maxWaitUs: number): Promise<[number, number]>;
  quit(): Promise<unknown>;
  disconnect(): void;
  on(event: 'error', listener: (error: Error) => void): unknown;
}

const RECONNECT_BACKOFF_MS = 5_000;

/** The Redis key that holds the schedule of one account's action. */
export function pacingKey(keyPrefix: string, accountKey: string, action: string): string {
  return `${keyPrefix}:${accountKey}:${action}`;
}

/**
 * A pacer shared by every process that points at the same Redis. When Redis cannot be reached, it falls back
 * to in-process pacing and says so in the logs: a late schedule beats a lost one, and the client's retries of
 * Throttling (same ClientToken) keep the fleet correct while it over-sends.
 */
export function createRedisPacer(options: RedisPacerOptions): Pacer {
  const limits = options.limitsPerSecond ?? LIVE_API_LIMITS_PER_SECOND;
  const keyPrefix = options.keyPrefix ?? 'caster-carousel:gcra';
  const accountKey = options.accountKey ?? 'default';
  const logger = options.logger ?? silentLogger;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? sleepMs;
  const fallback = createGcraPacer({ limitsPerSecond: limits, safetyMargin: options.safetyMargin, now, sleep });
  let redis: Promise<GcraRedis> | undefined;
  let fallbackLogged = false;
  let reconnectNotBeforeMs = 0;

  const connect = async (): Promise<GcraRedis> => {
    const { Redis } = await import('./redis-connection');
    const client = new Redis(options.redisUrl, {
      // Fail fast instead of queueing: a pacer that waits for a dead Redis would stall every invocation.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectTimeout: options.commandTimeoutMs ?? 1_000,
      commandTimeout: options.commandTimeoutMs ?? 1_000,
      lazyConnect: true,
    });
    client.defineCommand('gcraAcquire', { numberOfKeys: 1, lua: GCRA_SCRIPT });
    client.on('error', () => undefined); // surfaced per command below; ioredis keeps reconnecting meanwhile
    try {
      // Without the offline queue, a command sent before the connection is ready would fail: wait for it once.
      await client.connect();
    } catch (error) {
      client.disconnect();
      throw error;
    }
    return client as unknown as GcraRedis;
  };

  const connection = (): Promise<GcraRedis> => {
    if (now() < reconnectNotBeforeMs) return Promise.reject(new Error('Redis was unreachable moments ago'));
    redis ??= connect().catch((error: unknown) => {
      // Do not pay a connect timeout on every invocation while Redis is down; try again a little later.
      redis = undefined;
      reconnectNotBeforeMs = now() + RECONNECT_BACKOFF_MS;
      throw error;
    });
    return redis;
  };

  return {
    async acquire(action, deadlineAtMs) {
      const limit = limits[action];
      if (limit === undefined) return;
      const intervalUs = emissionIntervalMs(limit, options.safetyMargin) * 1000;
      const maxWaitUs = Math.max(0, Math.floor((deadlineAtMs - now()) * 1000));
      let answer: [number, number];
      try {
        answer = await (await connection()).gcraAcquire(
          pacingKey(keyPrefix, accountKey, action),
          intervalUs,
          Number.isFinite(maxWaitUs) ? maxWaitUs : Number.MAX_SAFE_INTEGER,
        );
        fallbackLogged = false;
      } catch (error) {
        if (!fallbackLogged) {
          logger.warn('Redis pacing unavailable, pacing in this process only', { action, error });
          fallbackLogged = true;
        }
        return fallback.acquire(action, deadlineAtMs);
      }
      const [admitted, waitUs] = answer;
      if (!admitted) throw new ThrottledError(action, waitUs / 1000);
      if (waitUs > 0) await sleep(waitUs / 1000);
    },
    async warmUp() {
      try {
        await connection();
      } catch (error) {
        logger.warn('Redis pacing unavailable at start, pacing in this process until it answers', { error });
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
