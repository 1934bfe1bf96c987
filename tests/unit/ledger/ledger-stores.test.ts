// The store contract: every behaviour the schedule relies on, run against the JSON-file store and the Redis store
// (a real redis-server), so the two can never disagree again. Then createLedger, the wrapper that keeps scheduling
// going when a store stops answering.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { tokenForGeneration } from '../../../shared/src/idempotency/token-generation';
import { type FailedTrigger, failedTriggerKey } from '../../../shared/src/ledger/failed-trigger';
import { createFileLedgerStore } from '../../../shared/src/ledger/file-ledger-store';
import { createLedger, type Ledger } from '../../../shared/src/ledger/ledger';
import type { LedgerRecord } from '../../../shared/src/ledger/ledger-record';
import type { LedgerStore, RecordWrite } from '../../../shared/src/ledger/ledger-store';
import { createRedisLedgerStore } from '../../../shared/src/ledger/redis-ledger-store';
import { createLogger } from '../../../shared/src/logging/logger';
import { applyEvent, recordIndex, slotKeyOf } from '../../../shared/src/schedule/lifecycle';
import { type RedisServer, startRedisServer } from '../../support/redis-server';
import { registerTestSecret } from '../../support/secret-scan';

const STUDIO = 'LIVEPRODUCER_POST-cn-contract1';
const OTHER_STUDIO = 'LIVEPRODUCER_POST-cn-contract2';
const INTENT_AT = '2031-03-01T08:00:00.000Z';
const LATER = '2031-03-01T09:00:00.000Z';
const VOD_SECRET = '1893456000-0-0-contractvodsecret';
const CALLBACK_SECRET = '1893456000-0-0-contractcallbacksecret';
registerTestSecret('VodUrl auth_key', VOD_SECRET);
registerTestSecret('CallbackUrl auth_key', CALLBACK_SECRET);

let serial = 0;

/** An intent as schedulePlan writes it before AddCasterEpisodeGroup: Version 1, no ProgramId yet; unique per call. */
function intent(overrides: Partial<LedgerRecord> = {}): LedgerRecord {
  serial += 1;
  const token = overrides.ClientToken ?? `cc1-contract-${serial}`;
  return {
    ClientToken: token,
    BaseToken: token,
    Generation: 1,
    ItemIds: [],
    Slot: 'morning',
    CasterId: STUDIO,
    DomainName: 'demo.example.com',
    StartTime: '2031-03-06T19:00:00Z',
    RepeatNum: -1,
    Items: [{ ItemName: 'Episode', VodUrl: `https://cdn.example.com/ep.mp4?auth_key=${VOD_SECRET}` }],
    Trigger: { kind: 'cli' },
    CreatedAt: INTENT_AT,
    UpdatedAt: INTENT_AT,
    State: 'intent',
    Version: 1,
    Resolved: { CallbackUrl: `https://callback.example.com/live?auth_key=${CALLBACK_SECRET}`, DomainName: 'demo.example.com' },
    ...overrides,
  };
}

/** The intent once AddCasterEpisodeGroup answered: `scheduled`, Version 2, with the ProgramId the API gave it. */
function scheduled(overrides: Partial<LedgerRecord> = {}, programId?: string): LedgerRecord {
  const record = intent(overrides);
  return applyEvent(record, 'added', INTENT_AT, {
    answer: { ProgramId: programId ?? `program-${serial}`, ItemIds: [`item-${serial}`], RequestId: `request-${serial}` },
  });
}

/** A write of a record the store does not hold yet. */
function created(record: LedgerRecord): RecordWrite {
  return { record, expectedVersion: 0, index: recordIndex(record) };
}

/** A write of a record over the version it was decided on. */
function over(expectedVersion: number, record: LedgerRecord): RecordWrite {
  return { record, expectedVersion, index: recordIndex(record) };
}

const tokens = (records: readonly LedgerRecord[]): string[] => records.map((record) => record.ClientToken);

/** Every record a store holds for a scope: the live ones and, page by page, its archive (where the file store moves ended ones). */
async function everyRecord(store: LedgerStore, scope: string): Promise<LedgerRecord[]> {
  const records = await store.readAll(scope);
  let cursor: string | undefined;
  do {
    const page = await (store.readArchive as NonNullable<LedgerStore['readArchive']>)(scope, { cursor });
    records.push(...page.records);
    cursor = page.next;
  } while (cursor !== undefined);
  return records;
}

/** A tick refused before its plan was valid, as the timer function records it: its raw input and the field errors. */
function failedTick(overrides: Partial<FailedTrigger> = {}): FailedTrigger {
  serial += 1;
  const trigger = { kind: 'timer' as const, triggerName: `nightly-${serial}`, triggerTime: '2031-03-01T07:59:00Z' };
  return {
    Key: failedTriggerKey(trigger),
    Trigger: trigger,
    Input: { ...trigger, payload: JSON.stringify({ StartOffset: 'PT30M', RepeatNum: -1, Items: [], Note: VOD_SECRET }) },
    CasterId: STUDIO,
    Error: 'InvalidPlan',
    Message: 'The plan is invalid',
    FieldErrors: { Items: ['must have at least 1 item'] },
    Retryable: false,
    Attempts: 1,
    FirstFailedAt: INTENT_AT,
    LastFailedAt: INTENT_AT,
    InvocationId: `fc-request-${serial}`,
    Via: 'function',
    ...overrides,
  };
}

/** An event the API refused, with its Code and RequestId and the ClientToken it would schedule with. */
function failedEvent(overrides: Partial<FailedTrigger> = {}): FailedTrigger {
  serial += 1;
  const trigger = { kind: 'event' as const, source: 'acs.contract', id: `event-${serial}` };
  return {
    Key: failedTriggerKey(trigger),
    Trigger: trigger,
    Input: { specversion: '1.0', ...trigger, data: { StartTime: '2031-03-06T19:00:00Z', RepeatNum: 0, Items: [] } },
    ClientToken: `cc1-event-${serial}`,
    Error: 'LiveApiError',
    Code: 'InvalidCaster.NotFound',
    Message: 'The Live API answered DescribeCasterConfig with InvalidCaster.NotFound',
    RequestId: `request-${serial}`,
    Retryable: false,
    Attempts: 1,
    FirstFailedAt: INTENT_AT,
    LastFailedAt: INTENT_AT,
    Via: 'function',
    ...overrides,
  };
}

let redis: RedisServer;
let workDir: string;
beforeAll(async () => {
  redis = await startRedisServer();
  workDir = await mkdtemp(join(tmpdir(), 'ledger-stores-'));
});
afterAll(async () => {
  await redis?.stop();
  await rm(workDir, { recursive: true, force: true });
});

// Each call opens a store no other test touches: its own file, its own key prefix.
const STORES: readonly (readonly [string, () => LedgerStore])[] = [
  ['file', () => createFileLedgerStore({ file: join(workDir, `ledger-${randomUUID()}.json`) })],
  ['redis', () => createRedisLedgerStore({ redisUrl: redis.url, keyPrefix: `contract-${randomUUID()}` })],
];

describe.each(STORES)('the %s ledger store', (_kind, openStore) => {
  let store: LedgerStore;
  let scope: string;
  beforeEach(() => {
    store = openStore();
    scope = `http://127.0.0.1:8787|cn-shanghai|${randomUUID()}`;
  });
  afterEach(async () => {
    await store.close();
  });

  describe('triggers and generations', () => {
    it('reads a trigger it has never seen as generation 1 with no record', async () => {
      // Prepare: an empty scope.

      // Act
      const view = await store.readTrigger(scope, 'cc1-never-seen');

      // Assess
      expect(view.generation).toBe(1);
      expect(view.record).toBeUndefined();
    });

    it('moves a trigger to its next generation only from the expected one: a second move from the same generation is refused', async () => {
      // Prepare
      const baseToken = 'cc1-moved-trigger';

      // Act
      const first = await store.apply(scope, { generation: { baseToken, from: 1 } });
      const again = await store.apply(scope, { generation: { baseToken, from: 1 } });
      const afterRefusal = await store.readTrigger(scope, baseToken);
      const next = await store.apply(scope, { generation: { baseToken, from: 2 } });

      // Assess
      expect([first, again, next]).toEqual([true, false, true]);
      expect(afterRefusal.generation).toBe(2);
      expect((await store.readTrigger(scope, baseToken)).generation).toBe(3);
    });

    it('moves a trigger’s generation once however many callers race for it', async () => {
      // Prepare
      const baseToken = 'cc1-raced-trigger';

      // Act
      const answers = await Promise.all([1, 2, 3, 4].map(() => store.apply(scope, { generation: { baseToken, from: 1 } })));

      // Assess
      expect(answers.filter((applied) => applied)).toHaveLength(1);
      expect((await store.readTrigger(scope, baseToken)).generation).toBe(2);
    });

    it('after a generation move, reads the trigger under the next generation’s token: no record until one is written there', async () => {
      // Prepare: the trigger's generation-1 group was cancelled by a person.
      const first = scheduled();
      const cancelled = applyEvent(applyEvent(first, 'cancelRequested', LATER), 'deleted', LATER);
      await store.apply(scope, { records: [created(cancelled)] });
      const baseToken = first.BaseToken;
      const nextToken = tokenForGeneration(baseToken, 2);
      const secondIntent = intent({ ClientToken: nextToken, BaseToken: baseToken, Generation: 2 });

      // Act
      await store.apply(scope, { generation: { baseToken, from: 1 } });
      const beforeWrite = await store.readTrigger(scope, baseToken);
      await store.apply(scope, { records: [created(secondIntent)] });
      const afterWrite = await store.readTrigger(scope, baseToken);

      // Assess
      expect(beforeWrite.generation).toBe(2);
      expect(beforeWrite.record).toBeUndefined();
      expect(afterWrite).toEqual({ generation: 2, record: secondIntent });
      expect(tokens(await everyRecord(store, scope)).sort()).toEqual([baseToken, nextToken].sort());
    });
  });

  describe('compare-and-set writes', () => {
    it('writes a new record over expected version 0 and reads it back as written, by its trigger and in readAll', async () => {
      // Prepare
      const record = intent();

      // Act
      const applied = await store.apply(scope, { records: [created(record)] });

      // Assess
      expect(applied).toBe(true);
      expect(await store.readTrigger(scope, record.BaseToken)).toEqual({ generation: 1, record });
      expect(await store.readAll(scope)).toEqual([record]);
    });

    it('refuses a new record (expected version 0) under a token that already has one, keeping the first', async () => {
      // Prepare
      const first = intent();
      await store.apply(scope, { records: [created(first)] });
      const rival = { ...first, StartTime: '2031-03-07T19:00:00Z', CreatedAt: LATER, UpdatedAt: LATER };

      // Act
      const applied = await store.apply(scope, { records: [created(rival)] });

      // Assess
      expect(applied).toBe(false);
      expect((await store.readTrigger(scope, first.BaseToken)).record).toEqual(first);
    });

    it('applies a write over the current version and refuses one over a stale version, keeping the newer record', async () => {
      // Prepare: two actors decided on the same intent (Version 1).
      const first = intent();
      await store.apply(scope, { records: [created(first)] });
      const added = applyEvent(first, 'added', LATER, { answer: { ProgramId: 'program-race', ItemIds: ['item-race'] } });
      const refused = applyEvent(first, 'refused', LATER, { refusal: { Code: 'InvalidParameter', Message: 'no' } });

      // Act
      const winner = await store.apply(scope, { records: [over(1, added)] });
      const loser = await store.apply(scope, { records: [over(1, refused)] });

      // Assess
      expect([winner, loser]).toEqual([true, false]);
      expect((await store.readTrigger(scope, first.BaseToken)).record).toEqual(added);
    });

    it('refuses a change of several records as a whole when one expected version is stale: none of them is written, no gap repaired', async () => {
      // Prepare: a scheduled group moved on by someone else (Version 3); a gap waits for the new record's token.
      const moved = applyEvent(scheduled(), 'cancelRequested', LATER);
      await store.apply(scope, { records: [created(moved)] });
      const fresh = scheduled({ Slot: 'evening' });
      await store.noteGaps(scope, { [fresh.ClientToken]: INTENT_AT });
      const staleRetire = applyEvent({ ...moved, State: 'scheduled', Version: 2 }, 'windowEnded', LATER);

      // Act: the stale write comes last, so a store must check every version before writing any record.
      const applied = await store.apply(scope, { records: [created(fresh), over(2, staleRetire)] });

      // Assess
      expect(applied).toBe(false);
      expect(await store.readAll(scope)).toEqual([moved]);
      expect((await store.readTrigger(scope, fresh.BaseToken)).record).toBeUndefined();
      expect(tokens(await store.readOpen(scope))).toEqual([moved.ClientToken]);
      expect(await store.readGaps(scope)).toEqual({ [fresh.ClientToken]: INTENT_AT });
    });

    it('refuses records written with a generation move from a generation that already moved: neither is written', async () => {
      // Prepare: the trigger already moved to generation 2.
      const baseToken = 'cc1-moved-before';
      await store.apply(scope, { generation: { baseToken, from: 1 } });
      const nextIntent = intent({ ClientToken: tokenForGeneration(baseToken, 2), BaseToken: baseToken, Generation: 2 });

      // Act
      const applied = await store.apply(scope, { records: [created(nextIntent)], generation: { baseToken, from: 1 } });

      // Assess
      expect(applied).toBe(false);
      expect(await store.readTrigger(scope, baseToken)).toEqual({ generation: 2, record: undefined });
      expect(await store.readAll(scope)).toEqual([]);
    });

    it('stores the record as it was when written: changing the caller’s object afterwards changes nothing stored', async () => {
      // Prepare
      const record = intent();
      const mutable = JSON.parse(JSON.stringify(record)) as { -readonly [K in keyof LedgerRecord]: LedgerRecord[K] };
      await store.apply(scope, { records: [created(mutable)] });

      // Act
      mutable.State = 'scheduled';
      mutable.StartTime = '2040-01-01T00:00:00Z';

      // Assess
      expect((await store.readTrigger(scope, record.BaseToken)).record).toEqual(record);
    });
  });

  describe('ProgramIds', () => {
    it('finds a record by the ProgramId the API gave it, and nothing by an unknown ProgramId', async () => {
      // Prepare: an intent (no ProgramId yet), then the answer that gave it one.
      const first = intent();
      await store.apply(scope, { records: [created(first)] });
      const added = applyEvent(first, 'added', LATER, { answer: { ProgramId: 'program-found', ItemIds: ['item-found'] } });

      // Act
      await store.apply(scope, { records: [over(1, added)] });

      // Assess
      expect(await store.readByProgramId(scope, 'program-found')).toEqual(added);
      expect(await store.readByProgramId(scope, 'program-unknown')).toBeUndefined();
    });

    it('keeps one record when a known ProgramId is written again over its current version, and still finds it by that ProgramId', async () => {
      // Prepare
      const record = scheduled({}, 'program-again');
      await store.apply(scope, { records: [created(record)] });
      const again = { ...record, UpdatedAt: LATER, Version: record.Version + 1 };

      // Act
      const applied = await store.apply(scope, { records: [over(record.Version, again)] });

      // Assess
      expect(applied).toBe(true);
      expect(await store.readAll(scope)).toEqual([again]);
      expect(await store.readOpen(scope)).toEqual([again]);
      expect(await store.readByProgramId(scope, 'program-again')).toEqual(again);
    });

    it('refuses a write of a known ProgramId over a stale version, keeping the current record', async () => {
      // Prepare: the record moved on to Version 3 after the rival read it at Version 2.
      const record = scheduled({}, 'program-stale');
      await store.apply(scope, { records: [created(record)] });
      const current = { ...record, UpdatedAt: LATER, Version: record.Version + 1 };
      await store.apply(scope, { records: [over(record.Version, current)] });
      const rival = applyEvent(record, 'cancelRequested', LATER);

      // Act
      const applied = await store.apply(scope, { records: [over(record.Version, rival)] });

      // Assess
      expect(applied).toBe(false);
      expect(await store.readAll(scope)).toEqual([current]);
      expect(await store.readByProgramId(scope, 'program-stale')).toEqual(current);
    });
  });

  describe('open records', () => {
    it('reads the open records of one slot, of one studio and of the whole scope, each sorted by StartTime', async () => {
      // Prepare: written out of StartTime order, one write each.
      const lateMorning = scheduled({ StartTime: '2031-03-06T21:00:00Z' });
      const earlyMorning = scheduled({ StartTime: '2031-03-06T19:00:00Z' });
      const evening = scheduled({ Slot: 'evening', StartTime: '2031-03-06T20:00:00Z' });
      const noSlot = scheduled({ Slot: undefined, StartTime: '2031-03-06T22:00:00Z' });
      const otherStudio = scheduled({ CasterId: OTHER_STUDIO, StartTime: '2031-03-06T18:00:00Z' });
      const byDomain = scheduled({ CasterId: undefined, StartTime: '2031-03-06T17:00:00Z' });
      for (const record of [lateMorning, noSlot, otherStudio, evening, byDomain, earlyMorning]) {
        await store.apply(scope, { records: [created(record)] });
      }

      // Act
      const slot = await store.readOpen(scope, { slotKey: slotKeyOf(earlyMorning) });
      const studio = await store.readOpen(scope, { studioKey: STUDIO });
      const domainStudio = await store.readOpen(scope, { studioKey: 'domain:demo.example.com' });
      const whole = await store.readOpen(scope);

      // Assess
      expect(tokens(slot)).toEqual(tokens([earlyMorning, lateMorning]));
      expect(tokens(studio)).toEqual(tokens([earlyMorning, evening, lateMorning, noSlot]));
      expect(tokens(domainStudio)).toEqual(tokens([byDomain]));
      expect(tokens(whole)).toEqual(tokens([byDomain, otherStudio, earlyMorning, evening, lateMorning, noSlot]));
      expect(slot).toEqual([earlyMorning, lateMorning]);
    });

    it('keeps a pending record (intent, cancelling) in the open indexes', async () => {
      // Prepare
      const pendingAdd = intent({ StartTime: '2031-03-06T19:00:00Z' });
      const pendingCancel = applyEvent(scheduled({ StartTime: '2031-03-06T20:00:00Z' }), 'cancelRequested', LATER);

      // Act
      await store.apply(scope, { records: [created(pendingAdd), created(pendingCancel)] });

      // Assess
      expect(await store.readOpen(scope, { slotKey: slotKeyOf(pendingAdd) })).toEqual([pendingAdd, pendingCancel]);
    });

    it('drops a record from every open index once it is written in a final state, while it stays in readAll or the archive', async () => {
      // Prepare
      const leaving = scheduled({ StartTime: '2031-03-06T19:00:00Z' });
      const staying = scheduled({ StartTime: '2031-03-06T21:00:00Z' });
      await store.apply(scope, { records: [created(leaving), created(staying)] });
      const cancelling = applyEvent(leaving, 'cancelRequested', LATER);
      await store.apply(scope, { records: [over(leaving.Version, cancelling)] });
      const cancelled = applyEvent(cancelling, 'deleted', LATER);

      // Act
      await store.apply(scope, { records: [over(cancelling.Version, cancelled)] });

      // Assess
      expect(await store.readOpen(scope, { slotKey: slotKeyOf(leaving) })).toEqual([staying]);
      expect(await store.readOpen(scope, { studioKey: STUDIO })).toEqual([staying]);
      expect(await store.readOpen(scope)).toEqual([staying]);
      expect(tokens(await everyRecord(store, scope)).sort()).toEqual(tokens([leaving, staying]).sort());
      expect(await store.readByProgramId(scope, cancelled.ProgramId as string)).toEqual(cancelled);
    });
  });

  describe('lost-write gaps', () => {
    it('keeps the earliest time noted for each token’s gap', async () => {
      // Prepare
      await store.noteGaps(scope, { 'cc1-a': '2031-01-02T00:00:00.000Z' });

      // Act
      await store.noteGaps(scope, { 'cc1-a': '2031-01-01T00:00:00.000Z', 'cc1-b': '2031-01-03T00:00:00.000Z' });
      await store.noteGaps(scope, { 'cc1-a': '2031-01-03T00:00:00.000Z' });

      // Assess
      expect(await store.readGaps(scope)).toEqual({ 'cc1-a': '2031-01-01T00:00:00.000Z', 'cc1-b': '2031-01-03T00:00:00.000Z' });
    });

    it('keeps a token’s gap through an unsettled (pending) write of that token', async () => {
      // Prepare
      const pending = intent();
      await store.noteGaps(scope, { [pending.ClientToken]: INTENT_AT });

      // Act
      await store.apply(scope, { records: [created(pending)] });

      // Assess
      expect(await store.readGaps(scope)).toEqual({ [pending.ClientToken]: INTENT_AT });
    });

    it('removes a token’s gap once a settled write of that token is applied, and no other token’s', async () => {
      // Prepare
      const repaired = intent();
      await store.apply(scope, { records: [created(repaired)] });
      await store.noteGaps(scope, { [repaired.ClientToken]: INTENT_AT, 'cc1-still-missing': INTENT_AT });
      const added = applyEvent(repaired, 'added', LATER, { answer: { ProgramId: 'program-repaired', ItemIds: [] } });

      // Act
      await store.apply(scope, { records: [over(1, added)] });

      // Assess
      expect(await store.readGaps(scope)).toEqual({ 'cc1-still-missing': INTENT_AT });
    });

    it('forgets a token’s gap only while it holds the time given, leaving a gap noted again with another time', async () => {
      // Prepare
      await store.noteGaps(scope, { 'cc1-repaired': INTENT_AT, 'cc1-noted-earlier': INTENT_AT, 'cc1-untouched': LATER });
      await store.noteGaps(scope, { 'cc1-noted-earlier': '2031-02-01T00:00:00.000Z' });

      // Act
      await store.forgetGaps(scope, { 'cc1-repaired': INTENT_AT, 'cc1-noted-earlier': INTENT_AT, 'cc1-never-noted': INTENT_AT });

      // Assess
      expect(await store.readGaps(scope)).toEqual({ 'cc1-noted-earlier': '2031-02-01T00:00:00.000Z', 'cc1-untouched': LATER });
    });
  });

  describe('failed triggers', () => {
    it('keeps a failed tick as written, with its raw input and reason, as its first attempt', async () => {
      // Prepare
      const tick = failedTick();

      // Act
      const stored = await store.recordFailure(scope, tick);

      // Assess
      expect(stored).toEqual(tick);
      expect(await store.readFailures(scope)).toEqual([tick]);
    });

    it('counts one more attempt per failure of the same trigger, keeping the first failure’s time and the latest reason', async () => {
      // Prepare
      const first = failedTick();
      await store.recordFailure(scope, first);
      const retried = {
        ...first,
        Error: 'Throttled',
        Code: 'Throttling.User',
        RequestId: 'request-retry',
        FieldErrors: undefined,
        Retryable: true,
        FirstFailedAt: LATER,
        LastFailedAt: LATER,
        InvocationId: 'fc-request-2',
      };

      // Act
      await store.recordFailure(scope, retried);
      const third = await store.recordFailure(scope, { ...retried, LastFailedAt: '2031-03-01T10:00:00.000Z' });

      // Assess
      expect(third).toEqual({ ...retried, Attempts: 3, FirstFailedAt: INTENT_AT, LastFailedAt: '2031-03-01T10:00:00.000Z' });
      expect(await store.readFailures(scope)).toEqual([third]);
    });

    it('counts every failure of a trigger that fails on several instances at once', async () => {
      // Prepare
      const tick = failedTick();

      // Act
      await Promise.all([1, 2, 3, 4, 5].map((n) => store.recordFailure(scope, { ...tick, InvocationId: `fc-request-${n}` })));

      // Assess
      expect((await store.readFailures(scope)).map((entry) => entry.Attempts)).toEqual([5]);
    });

    it('takes a known count of earlier attempts (a destination record’s) when it is more than the held count', async () => {
      // Prepare
      const tick = failedTick();

      // Act
      const stored = await store.recordFailure(scope, { ...tick, Attempts: 4, Via: 'replay' });
      const next = await store.recordFailure(scope, { ...tick, Attempts: 1, Via: 'replay' });

      // Assess
      expect([stored.Attempts, next.Attempts]).toEqual([4, 5]);
    });

    it('forgets only the cleared triggers, says how many it held, and starts a later failure at attempt 1 again', async () => {
      // Prepare
      const cleared = failedTick();
      const kept = failedEvent();
      await store.recordFailure(scope, cleared);
      await store.recordFailure(scope, cleared);
      await store.recordFailure(scope, kept);

      // Act
      const count = await store.clearFailures(scope, [cleared.Key, 'timer:never-failed@2031-03-06T18:30:00Z']);
      const again = await store.clearFailures(scope, [cleared.Key]);
      const afterClear = await store.readFailures(scope);
      const failedAgain = await store.recordFailure(scope, cleared);

      // Assess
      expect([count, again]).toEqual([1, 0]);
      expect(afterClear).toEqual([kept]);
      expect(failedAgain.Attempts).toBe(1);
    });

    it('lists failed triggers with the most recent failure first', async () => {
      // Prepare
      const older = failedTick({ LastFailedAt: '2031-03-01T08:00:00.000Z', FirstFailedAt: '2031-03-01T08:00:00.000Z' });
      const newest = failedEvent({ LastFailedAt: '2031-03-01T10:00:00.000Z', FirstFailedAt: '2031-03-01T10:00:00.000Z' });
      const middle = failedTick({ LastFailedAt: '2031-03-01T09:00:00.000Z', FirstFailedAt: '2031-03-01T09:00:00.000Z' });

      // Act
      for (const entry of [older, newest, middle]) await store.recordFailure(scope, entry);

      // Assess
      expect((await store.readFailures(scope)).map((entry) => entry.Key)).toEqual([newest.Key, middle.Key, older.Key]);
    });

    it('keeps failed triggers apart from records and from other scopes, "__proto__" keys included', async () => {
      // Prepare
      const hostile = failedEvent({ Key: '__proto__', Trigger: { kind: 'event', source: '__proto__', id: 'constructor' } });
      const record = scheduled();
      await store.apply(scope, { records: [created(record)] });

      // Act
      await store.recordFailure(scope, hostile);
      const elsewhere = await store.readFailures('__proto__');

      // Assess
      expect(elsewhere).toEqual([]);
      expect(await store.readFailures(scope)).toEqual([hostile]);
      expect(await store.readAll(scope)).toEqual([record]);
      expect(await store.clearFailures('__proto__', ['__proto__'])).toBe(0);
      expect(await store.clearFailures(scope, ['__proto__'])).toBe(1);
      expect(await store.readFailures(scope)).toEqual([]);
    });
  });

  describe('hostile keys', () => {
    it('keeps "__proto__", "constructor" and tokens with spaces and punctuation as ordinary records and index entries', async () => {
      // Prepare
      const proto = scheduled({ ClientToken: '__proto__', BaseToken: '__proto__', Slot: '__proto__' }, '__proto__');
      const ctor = scheduled({ ClientToken: 'constructor', BaseToken: 'constructor', Slot: '__proto__' }, 'hasOwnProperty');
      const punctuated = 'a token, with "quotes": {braces} | pipes & ?query=1#frag';
      const odd = scheduled(
        { ClientToken: punctuated, BaseToken: punctuated, CasterId: 'studio {x}:y', StartTime: '2031-03-06T18:00:00Z' },
        'program with spaces & {braces}',
      );

      // Act
      const applied = await store.apply(scope, { records: [created(proto), created(ctor), created(odd)] });

      // Assess
      expect(applied).toBe(true);
      expect((await store.readTrigger(scope, '__proto__')).record).toEqual(proto);
      expect((await store.readTrigger(scope, 'constructor')).record).toEqual(ctor);
      expect((await store.readTrigger(scope, punctuated)).record).toEqual(odd);
      expect(await store.readByProgramId(scope, '__proto__')).toEqual(proto);
      expect(await store.readByProgramId(scope, 'hasOwnProperty')).toEqual(ctor);
      expect(await store.readByProgramId(scope, 'program with spaces & {braces}')).toEqual(odd);
      expect(await store.readByProgramId(scope, 'toString')).toBeUndefined();
      expect(tokens(await store.readOpen(scope, { slotKey: slotKeyOf(proto) })).sort()).toEqual(['__proto__', 'constructor']);
      expect(await store.readOpen(scope, { studioKey: 'studio {x}:y' })).toEqual([odd]);
      expect(tokens(await store.readAll(scope)).sort()).toEqual(['__proto__', 'constructor', punctuated].sort());
      expect(({} as Record<string, unknown>)['ClientToken']).toBeUndefined();
    });

    it('keeps generations and gaps of a "__proto__" token as ordinary entries', async () => {
      // Prepare
      // A computed key: a literal `__proto__:` would set the object's prototype instead of a property.
      await store.noteGaps(scope, { ['__proto__']: INTENT_AT, 'cc1 spaced, token': LATER });

      // Act
      const moved = await store.apply(scope, { generation: { baseToken: '__proto__', from: 1 } });
      const gaps = await store.readGaps(scope);

      // Assess
      expect(moved).toBe(true);
      expect((await store.readTrigger(scope, '__proto__')).generation).toBe(2);
      expect((await store.readTrigger(scope, 'constructor')).generation).toBe(1);
      expect(Object.getPrototypeOf(gaps)).toBe(Object.prototype);
      expect(Object.entries(gaps).sort()).toEqual([
        ['__proto__', INTENT_AT],
        ['cc1 spaced, token', LATER],
      ]);
    });
  });

  it('never shows one scope’s records, open records, generations or gaps in another scope (one named "__proto__")', async () => {
    // Prepare: the emulator's scope holds a group, a generation move and a gap.
    const other = '__proto__';
    const record = scheduled({}, 'program-emulator');
    await store.apply(scope, { records: [created(record)], generation: { baseToken: 'cc1-moved', from: 1 } });
    await store.noteGaps(scope, { 'cc1-lost': INTENT_AT });

    // Act
    const view = await store.readTrigger(other, record.BaseToken);
    const sameTokenThere = await store.apply(other, { records: [created({ ...record, StartTime: '2031-03-09T19:00:00Z' })] });

    // Assess
    expect(view).toEqual({ generation: 1, record: undefined });
    expect(sameTokenThere).toBe(true);
    expect((await store.readTrigger(other, 'cc1-moved')).generation).toBe(1);
    expect(await store.readGaps(other)).toEqual({});
    expect((await store.readAll(other)).map((entry) => entry.StartTime)).toEqual(['2031-03-09T19:00:00Z']);
    expect(await store.readAll(scope)).toEqual([record]);
    expect(await store.readOpen(scope)).toEqual([record]);
    expect(await store.readByProgramId(scope, 'program-emulator')).toEqual(record);
    expect(await store.readGaps(scope)).toEqual({ 'cc1-lost': INTENT_AT });
  });
});

describe('the redis ledger store against a stalled Redis', () => {
  it('asks a stalled Redis once and then fails fast, so scheduling does not pay a timeout per request', async () => {
    // Prepare: a connected store, then Redis freezes.
    const store = createRedisLedgerStore({ redisUrl: redis.url, keyPrefix: `stall-${randomUUID()}`, commandTimeoutMs: 200 });
    await store.readTrigger('scope', 'warm-up');
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
      for (let attempt = 0; attempt < 4; attempt += 1) {
        outcomes.push(await store.readTrigger('scope', `token-${attempt}`).catch((error) => error));
      }
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

// ---------------------------------------------------------------------------------------------------------------
// createLedger: a store that throws never stops scheduling, and what it lost is recorded as gaps.

/** A ledger over a file store whose path cannot be written until `unblock()`: a regular file stands where its directory goes. */
async function blockedFileLedger(lines: string[] = []): Promise<{ ledger: Ledger; file: string; unblock: () => Promise<void> }> {
  const blocker = join(workDir, `blocker-${randomUUID()}`);
  await writeFile(blocker, 'a regular file where the ledger’s directory should be');
  const file = join(blocker, 'ledger.json');
  const ledger = createLedger({
    store: createFileLedgerStore({ file, lockWaitMs: 50 }),
    scope: 'scope',
    logger: createLogger({ write: (line) => lines.push(line) }),
  });
  return { ledger, file, unblock: () => rm(blocker) };
}

const REDIS_PASSWORD = 'contract-redis-password';
registerTestSecret('Redis password', REDIS_PASSWORD);

/** How each store loses a write: a file path that cannot be written, a Redis that was stopped. */
const LOSING_STORES: readonly (readonly [string, (lines: string[]) => Promise<{ ledger: Ledger; stop: () => Promise<void> }>])[] = [
  [
    'a file path that cannot be written',
    async (lines) => {
      const { ledger, unblock } = await blockedFileLedger(lines);
      return { ledger, stop: unblock };
    },
  ],
  [
    'a Redis that was stopped',
    async (lines) => {
      const server = await startRedisServer();
      const url = `redis://:${REDIS_PASSWORD}@127.0.0.1:${server.port}`;
      const ledger = createLedger({
        store: createRedisLedgerStore({ redisUrl: url, keyPrefix: `lost-${randomUUID()}`, commandTimeoutMs: 1_000 }),
        scope: 'scope',
        logger: createLogger({ write: (line) => lines.push(line) }),
      });
      await server.stop();
      return { ledger, stop: () => ledger.close() };
    },
  ],
];

describe('createLedger', () => {
  it.each(LOSING_STORES)(
    'answers lost when the store throws (%s), and warns with the token but with every secret redacted',
    async (_how, openLosing) => {
      // Prepare
      const lines: string[] = [];
      const { ledger, stop } = await openLosing(lines);
      const record = intent();
      try {
        // Act
        const outcome = await ledger.write({ records: [created(record)] });

        // Assess
        expect(outcome).toBe('lost');
        const warnings = lines.map((line) => JSON.parse(line)).filter((line) => line.message.startsWith('ledger write failed'));
        expect(warnings).toHaveLength(1);
        expect(warnings[0].level).toBe('warn');
        expect(warnings[0].ledger).toBe(ledger.description);
        expect(JSON.stringify(warnings[0].change)).toContain(record.ClientToken);
        const output = lines.join('\n');
        expect(output).toContain('auth_key=<redacted>');
        for (const secret of [VOD_SECRET, CALLBACK_SECRET, REDIS_PASSWORD]) expect(output).not.toContain(secret);
      } finally {
        await stop();
      }
    },
  );

  it('answers applied for a write the store took and conflict for one over a version that moved', async () => {
    // Prepare
    const ledger = createLedger({ store: createFileLedgerStore({ file: join(workDir, `ledger-${randomUUID()}.json`) }), scope: 'scope' });
    const record = intent();

    // Act
    const first = await ledger.write({ records: [created(record)] });
    const second = await ledger.write({ records: [created(record)] });

    // Assess
    expect([first, second]).toEqual(['applied', 'conflict']);
    await ledger.close();
  });

  it('reads a trigger as undefined when the store cannot answer, so scheduling goes on with the first-generation token', async () => {
    // Prepare
    const { ledger, unblock } = await blockedFileLedger();

    // Act
    const view = await ledger.readTrigger('cc1-unreadable');

    // Assess
    expect(view).toBeUndefined();
    await unblock();
  });

  it('shows a lost write’s token in readGaps even before any write could save it', async () => {
    // Prepare
    const { ledger, unblock } = await blockedFileLedger();
    const lost = intent();
    await ledger.write({ records: [created(lost)] });

    // Act
    await unblock();
    const gaps = await ledger.readGaps();

    // Assess
    expect(Object.keys(gaps)).toEqual([lost.ClientToken]);
    expect(Date.parse(gaps[lost.ClientToken] as string)).not.toBeNaN();
  });

  it('records a lost write’s token as a gap with the next successful write, so another process sees it', async () => {
    // Prepare
    const { ledger, file, unblock } = await blockedFileLedger();
    const lost = intent();
    await ledger.write({ records: [created(lost)] });
    await unblock();

    // Act
    const next = await ledger.write({ records: [created(intent())] });

    // Assess
    expect(next).toBe('applied');
    const anotherProcess = createFileLedgerStore({ file });
    expect(Object.keys(await anotherProcess.readGaps('scope'))).toEqual([lost.ClientToken]);
  });

  it('saves the gaps of lost writes when closed, so the next process sees them without another write', async () => {
    // Prepare
    const { ledger, file, unblock } = await blockedFileLedger();
    const lost = intent();
    await ledger.write({ records: [created(lost)] });
    await unblock();

    // Act
    await ledger.close();

    // Assess
    expect(Object.keys(await createFileLedgerStore({ file }).readGaps('scope'))).toEqual([lost.ClientToken]);
  });

  it('clears a recorded gap once a later settled write of that token is applied', async () => {
    // Prepare: the intent was lost, another write recorded its gap, then the group's answer is written.
    const { ledger, file, unblock } = await blockedFileLedger();
    const lost = intent();
    await ledger.write({ records: [created(lost)] });
    await unblock();
    await ledger.write({ records: [created(intent())] });
    const added = applyEvent(lost, 'added', LATER, { answer: { ProgramId: 'program-repaired', ItemIds: [] } });

    // Act
    const outcome = await ledger.write({ records: [created(added)] });

    // Assess
    expect(outcome).toBe('applied');
    expect(await ledger.readGaps()).toEqual({});
    expect(await createFileLedgerStore({ file }).readGaps('scope')).toEqual({});
  });

  it('leaves no gap when another process’s settled write of the token lands while the gap is being noted', async () => {
    // Prepare: a lost intent; then, while this ledger notes its gap, a tick in another process records the group.
    const file = join(workDir, `ledger-${randomUUID()}.json`);
    const inner = createFileLedgerStore({ file });
    const lost = intent();
    const added = applyEvent(lost, 'added', LATER, { answer: { ProgramId: 'program-racing', ItemIds: [] } });
    let failNext = true;
    let racerWrote = false;
    const store: LedgerStore = {
      ...inner,
      apply: async (scope, change) => {
        if (failNext) {
          failNext = false;
          throw new Error('store not answering');
        }
        return inner.apply(scope, change);
      },
      noteGaps: async (scope, gaps) => {
        if (!racerWrote) {
          racerWrote = true;
          await inner.apply(scope, { records: [created(added)] });
        }
        return inner.noteGaps(scope, gaps);
      },
    };
    const ledger = createLedger({ store, scope: 'scope' });
    await ledger.write({ records: [created(lost)] });

    // Act: the next write saves the lost write's gap.
    await ledger.write({ records: [created(intent())] });

    // Assess: the settled record repaired it, so neither this process nor another one reports it.
    expect(racerWrote).toBe(true);
    expect(await ledger.readGaps()).toEqual({});
    expect(await createFileLedgerStore({ file }).readGaps('scope')).toEqual({});
    await ledger.close();
  });

  it('clears a lost write’s gap when the next successful write is itself a settled write of that token', async () => {
    // Prepare
    const { ledger, file, unblock } = await blockedFileLedger();
    const lost = intent();
    await ledger.write({ records: [created(lost)] });
    await unblock();
    const added = applyEvent(lost, 'added', LATER, { answer: { ProgramId: 'program-repaired-at-once', ItemIds: [] } });

    // Act
    const outcome = await ledger.write({ records: [created(added)] });

    // Assess
    expect(outcome).toBe('applied');
    expect(await ledger.readGaps()).toEqual({});
    expect(await createFileLedgerStore({ file }).readGaps('scope')).toEqual({});
  });

  it('keeps a lost write’s gap through a later unsettled write of that token', async () => {
    // Prepare
    const { ledger, unblock } = await blockedFileLedger();
    const lost = intent();
    await ledger.write({ records: [created(lost)] });
    await unblock();

    // Act
    const outcome = await ledger.write({ records: [created(lost)] });

    // Assess
    expect(outcome).toBe('applied');
    expect(Object.keys(await ledger.readGaps())).toEqual([lost.ClientToken]);
  });

  it('remembers a lost write of a token named "__proto__" as an ordinary gap', async () => {
    // Prepare
    const { ledger, file, unblock } = await blockedFileLedger();
    const lost = intent({ ClientToken: '__proto__', BaseToken: '__proto__' });
    await ledger.write({ records: [created(lost)] });
    await unblock();

    // Act
    await ledger.write({ records: [created(intent())] });

    // Assess
    expect(Object.keys(await ledger.readGaps())).toEqual(['__proto__']);
    expect(Object.keys(await createFileLedgerStore({ file }).readGaps('scope'))).toEqual(['__proto__']);
  });
});
