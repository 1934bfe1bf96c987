// What only the JSON-file store promises: its file on disk, its lock, and never trusting its memory over the file.
// The behaviours both stores share are in ledger-stores.test.ts.
import { mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFileLedgerStore } from '../../../shared/src/ledger/file-ledger-store';
import { lockFileContent } from '../../../shared/src/ledger/file-lock';
import { LedgerCorruptError, LedgerUnavailableError } from '../../../shared/src/ledger/ledger-errors';
import type { LedgerRecord } from '../../../shared/src/ledger/ledger-record';
import type { RecordWrite } from '../../../shared/src/ledger/ledger-store';
import { applyEvent, recordIndex } from '../../../shared/src/schedule/lifecycle';

const AT = '2031-03-01T08:00:00.000Z';
let serial = 0;

/** A scheduled group as the ledger keeps it (an intent answered by AddCasterEpisodeGroup), unique per call. */
function scheduledRecord(overrides: Partial<LedgerRecord> = {}): LedgerRecord {
  serial += 1;
  const token = overrides.ClientToken ?? `cc1-file-${serial}`;
  const intent: LedgerRecord = {
    ClientToken: token,
    BaseToken: token,
    Generation: 1,
    ItemIds: [],
    Slot: 'morning',
    CasterId: 'LIVEPRODUCER_POST-cn-file0001',
    DomainName: 'demo.example.com',
    StartTime: '2031-03-06T19:00:00Z',
    RepeatNum: 0,
    Items: [{ ItemName: 'Episode', VodUrl: 'https://cdn.example.com/ep.mp4?auth_key=1893456000-0-0-vodsecret' }],
    Trigger: { kind: 'cli' },
    CreatedAt: AT,
    UpdatedAt: AT,
    State: 'intent',
    Version: 1,
    Resolved: { CallbackUrl: 'http://demo.example.com/cb?auth_key=1893456000-0-0-callbacksecret', DomainName: 'demo.example.com' },
    ...overrides,
  };
  return applyEvent(intent, 'added', AT, { answer: { ProgramId: `program-${serial}`, ItemIds: [`item-${serial}`] } });
}

function created(record: LedgerRecord): RecordWrite {
  return { record, expectedVersion: 0, index: recordIndex(record) };
}

const programIds = (records: readonly LedgerRecord[]): (string | undefined)[] => records.map((record) => record.ProgramId);

// No process has pid 2^22 + 1 on Linux (pid_max is at most 2^22): a holder with it on this host is provably dead.
const DEAD_PID = 2 ** 22 + 1;

let workDir: string;
let file: string;
beforeEach(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'file-ledger-'));
  file = join(workDir, 'state', 'ledger.json');
});
afterEach(async () => {
  await rm(workDir, { recursive: true, force: true });
});

describe('the JSON-file ledger', () => {
  it('creates its directory and leaves no lock or temporary file behind', async () => {
    // Prepare
    const store = createFileLedgerStore({ file });
    const record = scheduledRecord();

    // Act
    await store.apply('scope', { records: [created(record)] });

    // Assess
    expect(await readdir(join(workDir, 'state'))).toEqual(['ledger.json']);
    expect(JSON.parse(await readFile(file, 'utf8')).scopes.scope.records[record.ClientToken]).toEqual(record);
  });

  it('writes the file readable and writable by its owner only (0600): records hold auth_key URLs', async () => {
    // Prepare
    const store = createFileLedgerStore({ file });

    // Act
    await store.apply('scope', { records: [created(scheduledRecord())] });

    // Assess
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it.each([
    ['not JSON', '{"format": "caster-carousel-ledger", '],
    ['another program’s JSON', '{"users": []}'],
    ['a later version', '{"format": "caster-carousel-ledger", "version": 9, "scopes": {}}'],
  ])('never loads or overwrites a corrupt file (%s): the error names the file, and the file is left as it was', async (_case, content) => {
    // Prepare
    const corrupt = join(workDir, 'ledger.json');
    await writeFile(corrupt, content);
    const store = createFileLedgerStore({ file: corrupt });

    // Act
    const read = store.readAll('scope');
    const write = store.apply('scope', { records: [created(scheduledRecord())] });

    // Assess
    await expect(read).rejects.toThrow(LedgerCorruptError);
    await expect(write).rejects.toThrow(LedgerCorruptError);
    await expect(write).rejects.toThrow(corrupt);
    expect(await readFile(corrupt, 'utf8')).toBe(content);
  });

  it('refuses a format-1 file, saying an earlier release wrote it, and leaves it as it was', async () => {
    // Prepare
    const formatOne = join(workDir, 'ledger.json');
    const content = JSON.stringify({ format: 'caster-carousel-ledger', version: 1, scopes: { scope: { records: {} } } });
    await writeFile(formatOne, content);
    const store = createFileLedgerStore({ file: formatOne });

    // Act
    const read = store.readTrigger('scope', 'cc1-any');
    const write = store.apply('scope', { records: [created(scheduledRecord())] });

    // Assess
    await expect(read).rejects.toThrow(LedgerCorruptError);
    await expect(read).rejects.toThrow(/format 1, written by an earlier release/);
    await expect(read).rejects.toThrow(formatOne);
    await expect(write).rejects.toThrow(/written by an earlier release/);
    expect(await readFile(formatOne, 'utf8')).toBe(content);
  });

  it('sees a record another process wrote between two of its own writes (the in-memory copy is not reused)', async () => {
    // Prepare: two stores on one file stand for two processes, each with its own memory of its last write.
    const ours = createFileLedgerStore({ file });
    const theirs = createFileLedgerStore({ file });
    const first = scheduledRecord();
    const second = scheduledRecord();
    const third = scheduledRecord();
    await ours.apply('scope', { records: [created(first)] });

    // Act
    await theirs.apply('scope', { records: [created(second)] });
    const seen = await ours.readTrigger('scope', second.BaseToken);
    await ours.apply('scope', { records: [created(third)] });

    // Assess: nothing the other process wrote is lost by our next write.
    expect(seen.record).toEqual(second);
    const fresh = createFileLedgerStore({ file });
    expect(programIds(await fresh.readAll('scope'))).toEqual(programIds([first, second, third]));
  });

  it('refuses a file corrupted after its own last write instead of answering from memory', async () => {
    // Prepare
    const store = createFileLedgerStore({ file });
    await store.apply('scope', { records: [created(scheduledRecord())] });
    const text = await readFile(file, 'utf8');

    // Act: same size, so only the content tells it apart.
    await writeFile(file, `${text.slice(0, -1)}x`);

    // Assess
    await expect(store.readAll('scope')).rejects.toBeInstanceOf(LedgerCorruptError);
    await expect(store.apply('scope', { records: [created(scheduledRecord())] })).rejects.toBeInstanceOf(LedgerCorruptError);
  });

  it('writes exactly what JSON.stringify would, so the file reads back as the records it was given', async () => {
    // Prepare
    const store = createFileLedgerStore({ file });
    const plain = scheduledRecord();
    const odd = scheduledRecord({ ClientToken: '__proto__', BaseToken: '__proto__', Slot: 'evening', Ending: undefined });
    const cancelling = applyEvent(plain, 'cancelRequested', '2031-03-01T09:00:00.000Z');

    // Act
    await store.apply('scope', { records: [created(plain)] });
    await store.apply('scope', { records: [created(odd)] });
    await store.apply('scope', { records: [{ record: cancelling, expectedVersion: plain.Version, index: recordIndex(cancelling) }] });
    await store.noteGaps('scope', { 'cc1-lost': AT });
    const text = await readFile(file, 'utf8');

    // Assess
    expect(JSON.stringify(JSON.parse(text))).toBe(text);
    const records = await createFileLedgerStore({ file }).readAll('scope');
    expect(records.map((record) => [record.ClientToken, record.State])).toEqual([
      [plain.ClientToken, 'cancelling'],
      ['__proto__', 'scheduled'],
    ]);
  });

  it('takes over the lock of a holder on this host whose process no longer exists, and removes it when done', async () => {
    // Prepare
    const ledgerFile = join(workDir, 'ledger.json');
    await writeFile(`${ledgerFile}.lock`, lockFileContent({ pid: DEAD_PID, host: hostname(), nonce: 'dead-holder' }));
    const store = createFileLedgerStore({ file: ledgerFile, lockWaitMs: 2_000 });
    const record = scheduledRecord();

    // Act
    const applied = await store.apply('scope', { records: [created(record)] });

    // Assess
    expect(applied).toBe(true);
    expect(await createFileLedgerStore({ file: ledgerFile }).readAll('scope')).toEqual([record]);
    expect(await readdir(workDir)).toEqual(['ledger.json']);
  });

  it('never takes over the lock of a live holder, however old the lock: it gives up naming the file and leaves both as they were', async () => {
    // Prepare: this test's own process is the live holder, under another holding's nonce.
    const ledgerFile = join(workDir, 'ledger.json');
    const liveLock = lockFileContent({ pid: process.pid, host: hostname(), nonce: 'live-holder' });
    await writeFile(`${ledgerFile}.lock`, liveLock);
    const anHourAgo = new Date(Date.now() - 3_600_000);
    await utimes(`${ledgerFile}.lock`, anHourAgo, anHourAgo);
    const store = createFileLedgerStore({ file: ledgerFile, lockWaitMs: 100 });

    // Act
    const write = store.apply('scope', { records: [created(scheduledRecord())] });

    // Assess
    await expect(write).rejects.toThrow(LedgerUnavailableError);
    await expect(write).rejects.toThrow(`${ledgerFile} stayed locked for 100 ms by pid ${process.pid} on host ${hostname()}`);
    expect(await readFile(`${ledgerFile}.lock`, 'utf8')).toBe(liveLock);
    expect(await readdir(workDir)).toEqual(['ledger.json.lock']);
  });
});
