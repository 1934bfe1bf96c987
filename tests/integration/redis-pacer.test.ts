import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ThrottledError } from '../../shared/src/errors';
import { createLogger } from '../../shared/src/logging/logger';
import { emissionIntervalMs } from '../../shared/src/pacing/pacer';
import { Redis } from '../../shared/src/pacing/redis-connection';
import { createRedisPacer, pacingKey } from '../../shared/src/pacing/redis-gcra-pacer';
import { freePort, type RedisServer, startRedisServer } from '../support/redis-server';

describe('the Redis pacer shares one schedule between processes', () => {
  let server: RedisServer;
  let inspector: InstanceType<typeof Redis>;

  beforeAll(async () => {
    server = await startRedisServer();
    inspector = new Redis(server.url);
  });
  afterAll(async () => {
    await inspector.quit();
    await server.stop();
  });

  it('spaces admissions from several pacers by one emission interval, as if they were one', async () => {
    // Prepare: three pacers stand for three FC instances; their waits are recorded instead of slept.
    const intervalMs = emissionIntervalMs(4);
    const waitsMs: number[] = [];
    const pacers = [1, 2, 3].map(() =>
      createRedisPacer({ redisUrl: server.url, accountKey: 'spacing', sleep: async (ms) => void waitsMs.push(ms) }),
    );

    // Act: 12 concurrent acquisitions, 4 per pacer.
    await Promise.all(pacers.flatMap((pacer) => [0, 1, 2, 3].map(() => pacer.acquire('AddCasterEpisodeGroup', Date.now() + 60_000))));
    await Promise.all(pacers.map((pacer) => pacer.close?.()));

    // Assess: the 11 that waited were given distinct slots one interval apart (give or take the ms the calls took).
    const sorted = [...waitsMs].sort((a, b) => a - b);
    expect(sorted).toHaveLength(11);
    sorted.forEach((waitMs, index) => {
      expect(waitMs).toBeGreaterThan((index + 1) * intervalMs - 250);
      expect(waitMs).toBeLessThanOrEqual((index + 1) * intervalMs);
    });
    expect(await inspector.exists(pacingKey('caster-carousel:gcra', 'spacing', 'AddCasterEpisodeGroup'))).toBe(1);
  });

  it('refuses a request whose slot falls after its deadline, without spending the slot', async () => {
    // Prepare
    const pacer = createRedisPacer({ redisUrl: server.url, accountKey: 'deadline', sleep: async () => undefined });
    await pacer.acquire('AddCasterEpisodeGroup', Date.now() + 60_000);
    const key = pacingKey('caster-carousel:gcra', 'deadline', 'AddCasterEpisodeGroup');
    const before = await inspector.get(key);

    // Act
    const refusal = await pacer.acquire('AddCasterEpisodeGroup', Date.now()).catch((error: unknown) => error);

    // Assess
    expect(refusal).toBeInstanceOf(ThrottledError);
    expect((refusal as ThrottledError).retryAfterMs).toBeGreaterThan(0);
    expect(await inspector.get(key)).toBe(before);
    await pacer.close?.();
  });

  it('keeps separate schedules for separate accounts and actions', async () => {
    // Prepare
    const waitsMs: number[] = [];
    const sleep = async (ms: number) => void waitsMs.push(ms);
    const first = createRedisPacer({ redisUrl: server.url, accountKey: 'account-a', sleep });
    const second = createRedisPacer({ redisUrl: server.url, accountKey: 'account-b', sleep });

    // Act
    await first.acquire('AddCasterEpisodeGroup', Date.now() + 1_000);
    await second.acquire('AddCasterEpisodeGroup', Date.now() + 1_000);
    await first.acquire('DescribeCasterConfig', Date.now() + 1_000);

    // Assess: nobody had to wait for anybody else.
    expect(waitsMs).toEqual([]);
    await Promise.all([first.close?.(), second.close?.()]);
  });

  it('falls back to pacing in the process, and says so once, when Redis cannot be reached', async () => {
    // Prepare
    const lines: string[] = [];
    const logger = createLogger({ write: (line) => lines.push(line) });
    const deadPort = await freePort();
    const waitsMs: number[] = [];
    const pacer = createRedisPacer({
      redisUrl: `redis://127.0.0.1:${deadPort}`,
      logger,
      commandTimeoutMs: 200,
      sleep: async (ms) => void waitsMs.push(ms),
    });

    // Act
    await pacer.acquire('AddCasterEpisodeGroup', Date.now() + 60_000);
    await pacer.acquire('AddCasterEpisodeGroup', Date.now() + 60_000);
    await pacer.close?.();

    // Assess: still paced (the second waited), and one warning explains why.
    expect(waitsMs).toHaveLength(1);
    const warnings = lines.map((line) => JSON.parse(line)).filter((line) => line.level === 'warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0].message).toContain('Redis pacing unavailable');
  });
});

describe('warming the Redis pacer up', () => {
  it('connects ahead of the first request, and only warns when Redis is not there', async () => {
    // Prepare
    const server = await startRedisServer();
    const lines: string[] = [];
    const logger = createLogger({ write: (line) => lines.push(line) });
    const live = createRedisPacer({ redisUrl: server.url, accountKey: 'warm', logger, commandTimeoutMs: 5_000 });
    const dead = createRedisPacer({ redisUrl: `redis://127.0.0.1:${await freePort()}`, logger, commandTimeoutMs: 200 });
    const inspector = new Redis(server.url);

    // Act
    await live.warmUp?.();
    await dead.warmUp?.();
    const clients = await inspector.client('LIST');

    // Assess: the live pacer holds a connection before any acquire; the dead one warned once and threw nothing.
    expect(String(clients).split('\n').filter(Boolean).length).toBe(2);
    expect(lines.map((line) => JSON.parse(line).message)).toEqual([
      "Redis pacing unavailable at start, pacing at this process's share until it answers",
    ]);
    await Promise.all([live.close?.(), dead.close?.(), inspector.quit()]);
    await server.stop();
  });
});

describe('the Redis pacer when Redis is out of reach', () => {
  it('paces this process at its share of the limit, not the whole limit', async () => {
    // Prepare: half of 4/s is 2/s, 10% under: one slot every 556 ms.
    const waitsMs: number[] = [];
    const pacer = createRedisPacer({
      redisUrl: `redis://127.0.0.1:${await freePort()}`,
      fallbackShare: 0.5,
      commandTimeoutMs: 200,
      sleep: async (ms) => void waitsMs.push(ms),
    });

    // Act
    for (let call = 0; call < 3; call += 1) await pacer.acquire('AddCasterEpisodeGroup', Date.now() + 60_000);
    await pacer.close?.();

    // Assess: spaced as a 2/s schedule (give or take the ms the calls took).
    const intervalMs = emissionIntervalMs(2);
    expect(waitsMs).toHaveLength(2);
    expect(waitsMs[0]).toBeGreaterThan(intervalMs - 150);
    expect(waitsMs[0]).toBeLessThanOrEqual(intervalMs);
    expect(waitsMs[1]).toBeGreaterThan(2 * intervalMs - 150);
    expect(waitsMs[1]).toBeLessThanOrEqual(2 * intervalMs);
  });

  it('after one timed-out call to a stalled Redis, skips Redis for the open period instead of waiting on it again', async () => {
    // Prepare
    const server = await startRedisServer();
    const inspector = new Redis(server.url);
    const pacer = createRedisPacer({
      redisUrl: server.url,
      accountKey: 'stalled',
      fallbackShare: 1,
      commandTimeoutMs: 200,
      openMs: 60_000,
      sleep: async () => undefined,
    });
    await pacer.acquire('AddCasterEpisodeGroup', Date.now() + 60_000);
    const calls = async () =>
      [...String(await inspector.info('commandstats')).matchAll(/cmdstat_(?:evalsha|eval):calls=(\d+)/g)].reduce(
        (sum, match) => sum + Number(match[1]),
        0,
      );
    const before = await calls();
    server.pause();

    // Act: ten acquisitions while Redis is frozen.
    for (let call = 0; call < 10; call += 1) await pacer.acquire('AddCasterEpisodeGroup', Date.now() + 60_000);
    server.resume();
    let during = 0;
    for (let attempt = 0; attempt < 40 && during === 0; attempt += 1) {
      during = (await calls()) - before;
      if (during === 0) await new Promise((resolve) => setTimeout(resolve, 50));
    }

    // Assess: Redis was sent one command, the one that timed out.
    expect(during).toBe(1);
    await Promise.all([pacer.close?.(), inspector.quit()]);
    await server.stop();
  });
});
