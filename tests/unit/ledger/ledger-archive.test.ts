// History out of the way: records that ended longer ago than the retention move to a monthly archive, both stores
// alike (a real redis-server for Redis). What an archived record must still do: answer its trigger's retry and its
// ProgramId, show in a paged history, and take no write; what it must no longer do: cost the live reads anything.
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { tokenForGeneration } from '../../../shared/src/idempotency/token-generation';
import { createFileLedgerStore } from '../../../shared/src/ledger/file-ledger-store';
import { createLedger } from '../../../shared/src/ledger/ledger';
import type { LedgerRecord } from '../../../shared/src/ledger/ledger-record';
import type { ArchiveQuery, LedgerStore } from '../../../shared/src/ledger/ledger-store';
import { createRedisLedgerStore } from '../../../shared/src/ledger/redis-ledger-store';
import { recordIndex } from '../../../shared/src/schedule/lifecycle';
import { sampleLedgerRecord } from '../../support/ledger-record-fixtures';
import { type RedisServer, startRedisServer } from '../../support/redis-server';

const DAY_MS = 86_400_000;
const NOW_MS = Date.parse('2031-06-15T12:00:00.000Z');

/** A group that ended (retired unless told) `daysAgo` days before NOW_MS. */
function ended(daysAgo: number, overrides: Partial<LedgerRecord> = {}): LedgerRecord {
  const at = new Date(NOW_MS - daysAgo * DAY_MS).toISOString();
  return sampleLedgerRecord({ State: 'retired', Version: 4, Slot: 'daily', CreatedAt: at, UpdatedAt: at, ...overrides });
}

function live(overrides: Partial<LedgerRecord> = {}): LedgerRecord {
  return sampleLedgerRecord({ Slot: 'daily', CreatedAt: new Date(NOW_MS - DAY_MS).toISOString(), ...overrides });
}

const tokens = (records: readonly LedgerRecord[]): string[] => records.map((record) => record.ClientToken).sort();

async function fileAll(store: LedgerStore, scope: string, records: readonly LedgerRecord[]): Promise<void> {
  for (const record of records) {
    expect(await store.apply(scope, { records: [{ record, expectedVersion: 0, index: recordIndex(record) }] })).toBe(true);
  }
}

/** Every archived record of a scope, page by page, as `ls --all` reads them. */
async function wholeArchive(
  store: LedgerStore,
  scope: string,
  query: ArchiveQuery = {},
): Promise<{ records: LedgerRecord[]; pages: number }> {
  const records: LedgerRecord[] = [];
  let pages = 0;
  let cursor: string | undefined;
  do {
    const page = await (store.readArchive as NonNullable<LedgerStore['readArchive']>)(scope, { ...query, cursor });
    records.push(...page.records);
    cursor = page.next;
    pages += 1;
  } while (cursor !== undefined);
  return { records, pages };
}

/** Every record a store holds for a scope, live or archived. */
async function everyRecord(store: LedgerStore, scope: string): Promise<LedgerRecord[]> {
  return [...(await store.readAll(scope)), ...(await wholeArchive(store, scope)).records];
}

let redis: RedisServer;
let workDir: string;
beforeAll(async () => {
  redis = await startRedisServer();
  workDir = await mkdtemp(join(tmpdir(), 'ledger-archive-'));
});
afterAll(async () => {
  await redis?.stop();
  await rm(workDir, { recursive: true, force: true });
});

// The file store moves a record to its append-only archive as soon as it ends (keeping it would cost every rewrite
// of its live file); Redis keeps it live until archiveEnded moves it (LEDGER_RETENTION_DAYS later).
const STORES: readonly (readonly [string, () => LedgerStore, { readonly archivesAtOnce: boolean }])[] = [
  ['file', () => createFileLedgerStore({ file: join(workDir, `ledger-${randomUUID()}.json`) }), { archivesAtOnce: true }],
  ['redis', () => createRedisLedgerStore({ redisUrl: redis.url, keyPrefix: `archive-${randomUUID()}` }), { archivesAtOnce: false }],
];

describe.each(STORES)('the %s ledger store’s archive', (_kind, openStore, { archivesAtOnce }) => {
  let store: LedgerStore;
  let scope: string;
  const archiveEnded = (endedBeforeMs: number, limit = 1000) =>
    (store.archiveEnded as NonNullable<LedgerStore['archiveEnded']>)(scope, endedBeforeMs, limit);
  beforeEach(() => {
    store = openStore();
    scope = `http://127.0.0.1:8787|cn-shanghai|${randomUUID()}`;
  });
  afterEach(async () => {
    await store.close();
  });

  it('keeps ended records out of the live reads once archived, each in the archive, and open records live', async () => {
    // Prepare
    const old = [ended(90), ended(45, { State: 'cancelled' }), ended(31, { State: 'replaced' })];
    const open = live();
    await fileAll(store, scope, [...old, open]);

    // Act
    await archiveEnded(NOW_MS - 30 * DAY_MS);

    // Assess
    expect(tokens(await store.readAll(scope))).toEqual(tokens([open]));
    expect(tokens(await store.readOpen(scope))).toEqual(tokens([open]));
    expect(tokens((await wholeArchive(store, scope)).records)).toEqual(tokens(old));
  });

  it(`${archivesAtOnce ? 'archives a record as soon as it ends' : 'keeps a record that ended within the cutoff live until archiveEnded moves it'}`, async () => {
    // Prepare
    const recent = ended(3);
    const open = live();
    await fileAll(store, scope, [recent, open]);

    // Act
    const moved = await archiveEnded(NOW_MS - 30 * DAY_MS);

    // Assess
    expect(moved).toBe(0);
    expect(tokens(await store.readAll(scope))).toEqual(tokens(archivesAtOnce ? [open] : [recent, open]));
    expect(tokens((await wholeArchive(store, scope)).records)).toEqual(tokens(archivesAtOnce ? [recent] : []));
    expect((await store.readTrigger(scope, recent.BaseToken)).record).toEqual(recent);
  });

  it('still answers an archived record’s trigger and ProgramId with the record as it was', async () => {
    // Prepare
    const record = ended(60);
    await fileAll(store, scope, [record]);
    await archiveEnded(NOW_MS - 30 * DAY_MS);

    // Act
    const view = await store.readTrigger(scope, record.BaseToken);
    const byProgram = await store.readByProgramId(scope, record.ProgramId as string);

    // Assess
    expect(view).toEqual({ generation: 1, record });
    expect(byProgram).toEqual(record);
  });

  it('refuses every write over an archived record, a new record under its token included', async () => {
    // Prepare
    const record = ended(60);
    await fileAll(store, scope, [record]);
    await archiveEnded(NOW_MS - 30 * DAY_MS);
    const rewritten = { ...record, Version: record.Version + 1, UpdatedAt: new Date(NOW_MS).toISOString() };

    // Act
    const overItsVersion = await store.apply(scope, {
      records: [{ record: rewritten, expectedVersion: record.Version, index: recordIndex(rewritten) }],
    });
    const asNew = await store.apply(scope, { records: [{ record: rewritten, expectedVersion: 0, index: recordIndex(rewritten) }] });

    // Assess
    expect([overItsVersion, asNew]).toEqual([false, false]);
    expect((await store.readTrigger(scope, record.BaseToken)).record).toEqual(record);
    expect(await store.readAll(scope)).toEqual([]);
  });

  it.skipIf(archivesAtOnce)('moves at most the limit per call, those that ended longest ago first', async () => {
    // Prepare
    const records = [ended(40), ended(80), ended(60)];
    await fileAll(store, scope, records);

    // Act
    const first = await archiveEnded(NOW_MS - 30 * DAY_MS, 2);
    const second = await archiveEnded(NOW_MS - 30 * DAY_MS, 2);
    const third = await archiveEnded(NOW_MS - 30 * DAY_MS, 2);

    // Assess
    expect([first, second, third]).toEqual([2, 1, 0]);
    expect(tokens((await wholeArchive(store, scope)).records)).toEqual(tokens(records));
  });

  it('pages through months on demand, and only from the month of --since on, those that ended since', async () => {
    // Prepare: one record per day for 120 days, each in the month it ended in.
    const records = Array.from({ length: 120 }, (_, day) => ended(40 + day));
    await fileAll(store, scope, records);
    await archiveEnded(NOW_MS - 30 * DAY_MS);
    const sinceMs = NOW_MS - 70 * DAY_MS;

    // Act
    const all = await wholeArchive(store, scope);
    const since = await wholeArchive(store, scope, { sinceMs });

    // Assess
    expect(all.pages).toBeGreaterThan(1);
    expect(tokens(all.records)).toEqual(tokens(records));
    expect(tokens(since.records)).toEqual(tokens(records.filter((record) => Date.parse(record.UpdatedAt) >= sinceMs)));
  });

  it('never shows one scope’s archive in another scope', async () => {
    // Prepare
    const record = ended(60);
    await fileAll(store, scope, [record]);
    await archiveEnded(NOW_MS - 30 * DAY_MS);
    const other = `${scope}-other`;

    // Act
    const view = await store.readTrigger(other, record.BaseToken);
    const archive = await wholeArchive(store, other);

    // Assess
    expect(view.record).toBeUndefined();
    expect(archive.records).toEqual([]);
  });

  describe('import', () => {
    const importRecords = (records: readonly LedgerRecord[], nowMs = NOW_MS) =>
      createLedger({ store, scope }).importRecords(records, nowMs);

    it('files open records live and long-ended ones straight into the archive, each readable by its trigger', async () => {
      // Prepare
      const open = live();
      const recent = ended(2);
      const old = ended(200);

      // Act
      const counts = await importRecords([open, recent, old]);

      // Assess
      expect(counts).toEqual({ added: 3, updated: 0, unchanged: 0 });
      expect(tokens(await store.readOpen(scope))).toEqual(tokens([open]));
      expect(tokens(await store.readAll(scope))).toEqual(tokens(archivesAtOnce ? [open] : [open, recent]));
      expect(tokens((await wholeArchive(store, scope)).records)).toEqual(tokens(archivesAtOnce ? [recent, old] : [old]));
      expect((await store.readTrigger(scope, old.BaseToken)).record).toEqual(old);
    });

    it('is idempotent: the same records again change nothing', async () => {
      // Prepare
      const records = [live(), ended(2), ended(200)];
      await importRecords(records);

      // Act
      const again = await importRecords(records);

      // Assess
      expect(again).toEqual({ added: 0, updated: 0, unchanged: 3 });
      expect(tokens(await everyRecord(store, scope))).toEqual(tokens(records));
      expect((await wholeArchive(store, scope)).records).toHaveLength(archivesAtOnce ? 2 : 1);
    });

    it('takes a newer version of a live record and never moves one back to an older version', async () => {
      // Prepare
      const scheduled = live();
      const retired = {
        ...scheduled,
        State: 'retired' as const,
        Version: scheduled.Version + 2,
        UpdatedAt: new Date(NOW_MS).toISOString(),
      };
      await importRecords([scheduled]);

      // Act
      const forward = await importRecords([retired]);
      const back = await importRecords([scheduled]);

      // Assess
      expect(forward).toEqual({ added: 0, updated: 1, unchanged: 0 });
      expect(back).toEqual({ added: 0, updated: 0, unchanged: 1 });
      expect(await everyRecord(store, scope)).toEqual([retired]);
      expect(await store.readOpen(scope)).toEqual([]);
    });

    it('carries a trigger’s generation: after importing its second generation, the trigger reads as generation 2', async () => {
      // Prepare
      const first = ended(200, { State: 'cancelled' });
      const secondToken = tokenForGeneration(first.BaseToken, 2);
      const second = live({ ClientToken: secondToken, BaseToken: first.BaseToken, Generation: 2 });

      // Act
      await importRecords([first, second]);

      // Assess
      expect(await store.readTrigger(scope, first.BaseToken)).toEqual({ generation: 2, record: second });
    });
  });
});

describe('the file ledger’s live file', () => {
  it('keeps only live records once history is archived: it does not grow with the archive', async () => {
    // Prepare
    const file = join(workDir, `ledger-${randomUUID()}.json`);
    const store = createFileLedgerStore({ file });
    const scope = 'scope';
    const history = Array.from({ length: 300 }, (_, day) => ended(31 + day));
    const open = live();

    // Act
    await createLedger({ store, scope }).importRecords([...history, open], NOW_MS);

    // Assess
    const text = await readFile(file, 'utf8');
    expect(Object.keys(JSON.parse(text).scopes.scope.records)).toEqual([open.ClientToken]);
    expect(text.length).toBeLessThan(10_000);
    await store.close();
  });
});
