import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalHost, mostInOneSecond, startLocalHost } from '../support/local-host';
import { samplePlan } from '../support/plan-fixtures';
import { freePort, type RedisServer, startRedisServer } from '../support/redis-server';

/** One plan through each trigger the local host offers, as FC would deliver it; resolves with the HTTP status. */
function submit(host: LocalHost, trigger: 'http' | 'timer' | 'event', plan: Record<string, unknown>): Promise<number> {
  const body = JSON.stringify(plan);
  const request =
    trigger === 'http'
      ? fetch(`${host.baseUrl}/`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body })
      : trigger === 'timer'
        ? fetch(`${host.baseUrl}/_local/timer?name=burst-${String(plan['ClientToken'])}`, { method: 'POST', body })
        : fetch(`${host.baseUrl}/_local/event`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
  return request.then(async (response) => {
    await response.arrayBuffer();
    return response.status;
  });
}

const SUCCESS = { http: 201, timer: 200, event: 200 } as const;

/** 12 plans at once: 6 over HTTP, 3 timer ticks, 3 EventBridge events (the s.yaml shares are 1/2, 1/4, 1/4). */
async function mixedBurst(host: LocalHost): Promise<{ trigger: keyof typeof SUCCESS; status: number }[]> {
  const triggers: (keyof typeof SUCCESS)[] = [
    'http',
    'http',
    'http',
    'http',
    'http',
    'http',
    'timer',
    'timer',
    'timer',
    'event',
    'event',
    'event',
  ];
  return Promise.all(
    triggers.map(async (trigger, index) => ({
      trigger,
      status: await submit(host, trigger, samplePlan({ ClientToken: `mixed-${index}-${Date.now()}` })),
    })),
  );
}

describe('the three functions as s.yaml ships them hold the account limit together', () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('schedules a mixed burst across the three functions without one Throttling.User, pacing at their shares (no Redis)', async () => {
    // Prepare
    const host = await startLocalHost();
    try {
      // Act
      const outcomes = await mixedBurst(host);

      // Assess
      for (const outcome of outcomes) expect(outcome.status).toBe(SUCCESS[outcome.trigger]);
      const adds = await host.addRequests();
      expect(adds.filter((entry) => entry.Verdict !== 'ok')).toEqual([]);
      expect(adds).toHaveLength(12);
      const instances = await host.instances();
      for (const name of ['http', 'timer', 'event'] as const) expect(instances[name].instancesStarted).toBe(1);
    } finally {
      await host.stop();
    }
  }, 60_000);

  it('schedules a mixed burst across the three functions without one Throttling.User when they share Redis', async () => {
    // Prepare
    const host = await startLocalHost({ REDIS_URL: redis.url, PACING_ACCOUNT: 'mixed-burst' });
    try {
      // Act
      const outcomes = await mixedBurst(host);

      // Assess
      for (const outcome of outcomes) expect(outcome.status).toBe(SUCCESS[outcome.trigger]);
      const adds = await host.addRequests();
      expect(adds.filter((entry) => entry.Verdict !== 'ok')).toEqual([]);
      expect(adds).toHaveLength(12);
      expect(host.output()).not.toContain('Redis pacing unavailable');
    } finally {
      await host.stop();
    }
  }, 60_000);

  it('keeps the HTTP function to its share (2 calls in any second) while Redis cannot be reached', async () => {
    // Prepare: REDIS_URL points at a port nobody listens on.
    const host = await startLocalHost({ REDIS_URL: `redis://127.0.0.1:${await freePort()}` });
    try {
      // Act: 8 plans at once, all to the HTTP function, which alone could send 4 in a second.
      const statuses = await Promise.all(Array.from({ length: 8 }, () => submit(host, 'http', samplePlan())));

      // Assess
      expect(statuses).toEqual(Array(8).fill(201));
      const adds = await host.addRequests();
      expect(adds.filter((entry) => entry.Verdict !== 'ok')).toEqual([]);
      expect(mostInOneSecond(adds)).toBeLessThanOrEqual(2);
      expect(host.output()).toContain('Redis pacing unavailable');
    } finally {
      await host.stop();
    }
  }, 60_000);

  it('asks a stalled Redis once, then paces at the share without waiting on Redis for the open period', async () => {
    // Prepare: a warm function (script loaded, studio cached), then Redis freezes.
    // The ledger keeps its own breaker in front of the same Redis (tests/unit/ledger); off here so that only the
    // pacer's script calls are counted.
    const host = await startLocalHost({ REDIS_URL: redis.url, PACING_ACCOUNT: 'stall', LEDGER: 'off' });
    const { Redis } = await import('../../shared/src/pacing/redis-connection');
    const inspector = new Redis(redis.url);
    const scriptCalls = async () => {
      const stats = String(await inspector.info('commandstats'));
      return [...stats.matchAll(/cmdstat_(?:evalsha|eval):calls=(\d+)/g)].reduce((sum, match) => sum + Number(match[1]), 0);
    };
    try {
      expect(await submit(host, 'http', samplePlan())).toBe(201);
      const callsBefore = await scriptCalls();
      redis.pause();

      // Act: one request meets the stall and pays its timeout; five more follow within the breaker's open period.
      const first = await submit(host, 'http', samplePlan());
      const next = await Promise.all(Array.from({ length: 5 }, () => submit(host, 'http', samplePlan())));
      redis.resume();
      // Redis runs what it was sent while frozen once it resumes; the pacer sent everything on one connection,
      // so it all arrives in one read. Wait (bounded) until it shows up.
      let callsDuringStall = 0;
      for (let attempt = 0; attempt < 40 && callsDuringStall === 0; attempt += 1) {
        callsDuringStall = (await scriptCalls()) - callsBefore;
        if (callsDuringStall === 0) await new Promise((resolve) => setTimeout(resolve, 50));
      }

      // Assess: Redis was asked once, not six times, and every plan was scheduled unthrottled.
      expect(first).toBe(201);
      expect(next).toEqual(Array(5).fill(201));
      expect(callsDuringStall).toBe(1);
      const adds = await host.addRequests();
      expect(adds.filter((entry) => entry.Verdict !== 'ok')).toEqual([]);
    } finally {
      redis.resume();
      await inspector.quit();
      await host.stop();
    }
  }, 60_000);
});
