import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tokenForGeneration } from '../../../shared/src/idempotency/token-generation';
import { createFileLedgerStore } from '../../../shared/src/ledger/file-ledger-store';
import type { LedgerIntent, LedgerRecord } from '../../../shared/src/ledger/ledger-record';
import type { LedgerStore } from '../../../shared/src/ledger/ledger-store';
import { createRedisLedgerStore } from '../../../shared/src/ledger/redis-ledger-store';
import { type RedisServer, startRedisServer } from '../../support/redis-server';

let counter = 0;
/** A record as scheduling writes it, unique per call. */
function sampleRecord(overrides: Partial<LedgerRecord> = {}): LedgerRecord {
  counter += 1;
  return {
    ProgramId: `PROGRAM-${counter}`,
    ItemIds: [`item-${counter}`],
    ClientToken: `cc1-token-${counter}`,
    Generation: 1,
    CasterId: 'LIVEPRODUCER_POST-cn-demo00001',
    DomainName: 'demo.example.com',
    StartTime: '2031-03-06T19:00:00Z',
    RepeatNum: -1,
    Items: [{ ItemName: 'Episode', VodUrl: 'https://cdn.example.com/ep.mp4?auth_key=1-0-0-secret' }],
    Trigger: { kind: 'cli' },
    CreatedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, counter)).toISOString(),
    State: 'scheduled',
    Resolved: { CallbackUrl: 'http://demo.example.com/cb?auth_key=1-0-0-cb', DomainName: 'demo.example.com' },
    ...overrides,
  };
}

function intentFor(record: LedgerRecord, resolvedCallbackUrl: string): LedgerIntent {
  return {
    ClientToken: record.ClientToken,
    BaseToken: record.ClientToken,
    Generation: 1,
    StartTime: record.StartTime,
    RepeatNum: record.RepeatNum,
    Items: record.Items,
    Trigger: record.Trigger,
    CreatedAt: record.CreatedAt,
    Resolved: { CallbackUrl: resolvedCallbackUrl, DomainName: record.DomainName },
  };
}

let redis: RedisServer;
let workDir: string;
beforeAll(async () => {
  redis = await startRedisServer();
  workDir = await mkdtemp(join(tmpdir(), 'ledger-stores-'));
});
afterAll(async () => {
  await redis.stop();
  await rm(workDir, { recursive: true, force: true });
});

const stores: [string, () => LedgerStore][] = [
  ['file', () => createFileLedgerStore({ file: join(workDir, `ledger-${++counter}.json`) })],
  ['redis', () => createRedisLedgerStore({ redisUrl: redis.url, keyPrefix: `test-${++counter}` })],
];

describe.each(stores)('the %s ledger store', (_kind, createStore) => {
  it('finds a committed group by its token, and no intent any more', async () => {
    // Prepare
    const store = createStore();
    const record = sampleRecord();
    await store.recordIntent('scope', intentFor(record, 'http://first'));

    // Act
    await store.commit('scope', record);
    const lookup = await store.lookUp('scope', record.ClientToken);

    // Assess
    expect(lookup).toEqual({ generation: 1, clientToken: record.ClientToken, record, intent: undefined });
    await store.close();
  });

  it('keeps the first intent of a token, so a retry resends what the first attempt sent', async () => {
    // Prepare
    const store = createStore();
    const record = sampleRecord();
    await store.recordIntent('scope', intentFor(record, 'http://first'));

    // Act
    await store.recordIntent('scope', intentFor(record, 'http://second'));
    const lookup = await store.lookUp('scope', record.ClientToken);

    // Assess
    expect(lookup.record).toBeUndefined();
    expect(lookup.intent?.Resolved.CallbackUrl).toBe('http://first');
    await store.close();
  });

  it('supersedes the previous group of the same slot and studio, and no other', async () => {
    // Prepare
    const store = createStore();
    const first = sampleRecord({ Slot: 'morning' });
    const otherStudio = sampleRecord({ Slot: 'morning', CasterId: 'LIVEPRODUCER_POST-cn-other' });
    const second = sampleRecord({ Slot: 'morning' });
    await store.commit('scope', first);
    await store.commit('scope', otherStudio);

    // Act
    const superseded = await store.commit('scope', second);
    const { records } = await store.load('scope');

    // Assess
    expect(superseded).toBe(first.ProgramId);
    const states = Object.fromEntries(records.map((record) => [record.ProgramId, [record.State, record.SupersededBy]]));
    expect(states).toEqual({
      [first.ProgramId]: ['superseded', second.ProgramId],
      [otherStudio.ProgramId]: ['scheduled', undefined],
      [second.ProgramId]: ['scheduled', undefined],
    });
    await store.close();
  });

  it('changes a state only from the states the caller allows', async () => {
    // Prepare
    const store = createStore();
    const record = sampleRecord();
    await store.commit('scope', record);
    const change = { programId: record.ProgramId, to: 'cancelled' as const, updatedAt: '2031-01-01T00:00:00.000Z' };

    // Act
    const refused = await store.transition('scope', { ...change, from: ['superseded'] });
    const applied = await store.transition('scope', { ...change, from: ['scheduled'] });

    // Assess
    expect(refused).toBeUndefined();
    expect(applied).toEqual({ ...record, State: 'cancelled', UpdatedAt: change.updatedAt });
    expect((await store.lookUp('scope', record.ClientToken)).record?.State).toBe('cancelled');
    await store.close();
  });

  it('moves a trigger to its next generation once, however many callers race for it', async () => {
    // Prepare
    const store = createStore();
    const baseToken = `cc1-base-${++counter}`;

    // Act
    const answers = await Promise.all([1, 2, 3, 4].map(() => store.advanceGeneration('scope', baseToken, 1)));
    const lookup = await store.lookUp('scope', baseToken);

    // Assess
    expect(answers).toEqual([2, 2, 2, 2]);
    expect(lookup.generation).toBe(2);
    expect(lookup.clientToken).toBe(tokenForGeneration(baseToken, 2));
    await store.close();
  });

  it('keeps scopes apart: an emulator scope never answers for production', async () => {
    // Prepare
    const store = createStore();
    const record = sampleRecord();
    await store.commit('http://127.0.0.1:8787|cn-shanghai|default', record);

    // Act
    const lookup = await store.lookUp('https://live.aliyuncs.com|cn-shanghai|default', record.ClientToken);

    // Assess
    expect(lookup.record).toBeUndefined();
    await store.close();
  });

  it('treats any printable token as data, "__proto__" included', async () => {
    // Prepare
    const store = createStore();
    const record = sampleRecord({ ClientToken: '__proto__', ProgramId: '__proto__' });

    // Act
    await store.commit('scope', record);
    const lookup = await store.lookUp('scope', '__proto__');

    // Assess
    expect(lookup.record?.ProgramId).toBe('__proto__');
    await store.close();
  });

  it('remembers the earliest lost write, for ls to report', async () => {
    // Prepare
    const store = createStore();

    // Act
    await store.markIncomplete('scope', '2031-01-02T00:00:00.000Z');
    await store.markIncomplete('scope', '2031-01-01T00:00:00.000Z');
    await store.markIncomplete('scope', '2031-01-03T00:00:00.000Z');

    // Assess
    expect((await store.load('scope')).incompleteSince).toBe('2031-01-01T00:00:00.000Z');
    await store.close();
  });
});

describe('the redis ledger store against a stalled Redis', () => {
  it('asks a stalled Redis once and then fails fast, so scheduling does not pay a timeout per request', async () => {
    // Prepare: a connected store, then Redis freezes.
    const store = createRedisLedgerStore({ redisUrl: redis.url, keyPrefix: `stall-${++counter}`, commandTimeoutMs: 200 });
    await store.lookUp('scope', 'warm-up');
    const { Redis } = await import('../../../shared/src/pacing/redis-connection');
    const inspector = new Redis(redis.url);
    const scriptCalls = async () =>
      [...String(await inspector.info('commandstats')).matchAll(/cmdstat_(?:evalsha|eval):calls=(\d+)/g)].reduce(
        (sum, match) => sum + Number(match[1]),
        0,
      );
    const callsBefore = await scriptCalls();
    redis.pause();
    try {
      // Act
      const outcomes = [];
      for (let attempt = 0; attempt < 4; attempt += 1)
        outcomes.push(await store.lookUp('scope', `token-${attempt}`).catch((error) => error));
      redis.resume();
      let callsDuringStall = 0;
      for (let wait = 0; wait < 40 && callsDuringStall === 0; wait += 1) {
        callsDuringStall = (await scriptCalls()) - callsBefore;
        if (callsDuringStall === 0) await new Promise((resolve) => setTimeout(resolve, 50));
      }

      // Assess
      expect(outcomes.map((outcome) => (outcome as Error).name)).toEqual(Array(4).fill('LedgerUnavailableError'));
      expect(callsDuringStall).toBe(1);
    } finally {
      redis.resume();
      await inspector.quit();
      await store.close();
    }
  });
});
