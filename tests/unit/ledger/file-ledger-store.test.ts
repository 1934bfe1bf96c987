import { mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFileLedgerStore } from '../../../shared/src/ledger/file-ledger-store';
import { createLedger } from '../../../shared/src/ledger/ledger';
import { LedgerCorruptError } from '../../../shared/src/ledger/ledger-errors';
import type { LedgerRecord } from '../../../shared/src/ledger/ledger-record';
import { createLogger } from '../../../shared/src/logging/logger';

const RECORD: LedgerRecord = {
  ProgramId: 'PROGRAM-1',
  ItemIds: ['item-1'],
  ClientToken: 'cc1-token-1',
  Generation: 1,
  DomainName: 'demo.example.com',
  StartTime: '2031-03-06T19:00:00Z',
  RepeatNum: 0,
  Items: [{ ItemName: 'Episode', VodUrl: 'https://cdn.example.com/ep.mp4?auth_key=1893456000-0-0-vodsecret' }],
  Trigger: { kind: 'cli' },
  CreatedAt: '2026-12-01T00:00:00.000Z',
  State: 'scheduled',
  Resolved: { CallbackUrl: 'http://demo.example.com/cb?auth_key=1893456000-0-0-callbacksecret', DomainName: 'demo.example.com' },
};

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

    // Act
    await store.commit('scope', RECORD);

    // Assess
    expect(await readdir(join(workDir, 'state'))).toEqual(['ledger.json']);
    expect(JSON.parse(await readFile(file, 'utf8')).scopes.scope.records['PROGRAM-1'].ProgramId).toBe('PROGRAM-1');
  });

  it.each([
    ['not JSON', '{"format": "caster-carousel-ledger", '],
    ['another program’s JSON', '{"users": []}'],
    ['a later version', '{"format": "caster-carousel-ledger", "version": 9, "scopes": {}}'],
  ])('never loads a corrupt file (%s): the error names the file, and the file is left as it was', async (_case, content) => {
    // Prepare
    await rm(join(workDir, 'state'), { recursive: true, force: true });
    await writeFile(join(workDir, 'ledger.json'), content);
    const corrupt = join(workDir, 'ledger.json');
    const store = createFileLedgerStore({ file: corrupt });

    // Act
    const load = store.load('scope');
    const commit = store.commit('scope', RECORD);

    // Assess
    await expect(load).rejects.toThrow(LedgerCorruptError);
    await expect(commit).rejects.toThrow(corrupt);
    expect(await readFile(corrupt, 'utf8')).toBe(content);
  });

  it('takes over a lock left by a process that died holding it', async () => {
    // Prepare
    const store = createFileLedgerStore({ file: join(workDir, 'ledger.json'), lockWaitMs: 2_000 });
    // No process has pid 2^22 + 1 on Linux (pid_max is at most 2^22).
    await writeFile(join(workDir, 'ledger.json.lock'), `${2 ** 22 + 1}\n`);

    // Act
    await store.commit('scope', RECORD);

    // Assess
    expect((await store.load('scope')).records.map((record) => record.ProgramId)).toEqual(['PROGRAM-1']);
  });

  it('takes over a lock older than the stale limit, whoever wrote it', async () => {
    // Prepare
    const lockFile = join(workDir, 'ledger.json.lock');
    const store = createFileLedgerStore({ file: join(workDir, 'ledger.json'), staleLockMs: 1_000, lockWaitMs: 2_000 });
    await writeFile(lockFile, `${process.pid}\n`);
    const longAgo = new Date(Date.now() - 60_000);
    await utimes(lockFile, longAgo, longAgo);

    // Act
    await store.commit('scope', RECORD);

    // Assess
    expect((await store.load('scope')).records).toHaveLength(1);
  });

  it('gives up on a lock a live process keeps holding, with an error naming the file', async () => {
    // Prepare
    const ledgerFile = join(workDir, 'ledger.json');
    await writeFile(`${ledgerFile}.lock`, `${process.pid}\n`);
    const store = createFileLedgerStore({ file: ledgerFile, lockWaitMs: 100 });

    // Act
    const commit = store.commit('scope', RECORD);

    // Assess
    await expect(commit).rejects.toThrow(`${ledgerFile} stayed locked`);
  });

  it('keeps scheduling going when a write fails: warns with the whole record, secrets redacted, then marks the scope incomplete', async () => {
    // Prepare
    const ledgerFile = join(workDir, 'ledger.json');
    const lines: string[] = [];
    const ledger = createLedger({
      store: createFileLedgerStore({ file: ledgerFile, lockWaitMs: 50 }),
      scope: 'scope',
      logger: createLogger({ write: (line) => lines.push(line) }),
    });
    await writeFile(`${ledgerFile}.lock`, `${process.pid}\n`);

    // Act
    const lostCommit = await ledger.commit(RECORD);
    await rm(`${ledgerFile}.lock`);
    await ledger.commit({ ...RECORD, ProgramId: 'PROGRAM-2', ClientToken: 'cc1-token-2' });
    const snapshot = await ledger.load();

    // Assess
    expect(lostCommit).toBeUndefined();
    const warning = JSON.parse(lines.find((line) => line.includes('ledger write failed'))!);
    expect(warning.level).toBe('warn');
    expect(warning.record.ProgramId).toBe('PROGRAM-1');
    expect(lines.join('\n')).not.toMatch(/vodsecret|callbacksecret/);
    expect(snapshot.records.map((record) => record.ProgramId)).toEqual(['PROGRAM-2']);
    expect(snapshot.incompleteSince).toEqual(expect.any(String));
  });

  it('sees a record another process wrote between two of its own writes (the in-memory copy is not reused)', async () => {
    // Prepare: two stores on one file stand for two processes, each with its own memory of its last write.
    const ours = createFileLedgerStore({ file });
    const theirs = createFileLedgerStore({ file });
    await ours.commit('scope', RECORD);

    // Act
    await theirs.commit('scope', { ...RECORD, ProgramId: 'PROGRAM-2', ClientToken: 'cc1-token-2' });
    const seen = await ours.lookUp('scope', 'cc1-token-2');
    await ours.commit('scope', { ...RECORD, ProgramId: 'PROGRAM-3', ClientToken: 'cc1-token-3' });

    // Assess: nothing the other process wrote is lost by our next write.
    expect(seen.record?.ProgramId).toBe('PROGRAM-2');
    const fresh = createFileLedgerStore({ file });
    expect((await fresh.load('scope')).records.map((record) => record.ProgramId)).toEqual(['PROGRAM-1', 'PROGRAM-2', 'PROGRAM-3']);
  });

  it('refuses a file corrupted after its own last write instead of answering from memory', async () => {
    // Prepare
    const store = createFileLedgerStore({ file });
    await store.commit('scope', RECORD);
    const text = await readFile(file, 'utf8');

    // Act: same size, so only the content tells it apart.
    await writeFile(file, `${text.slice(0, -1)}x`);

    // Assess
    await expect(store.load('scope')).rejects.toBeInstanceOf(LedgerCorruptError);
    await expect(store.commit('scope', { ...RECORD, ProgramId: 'PROGRAM-2', ClientToken: 'cc1-token-2' })).rejects.toBeInstanceOf(
      LedgerCorruptError,
    );
  });

  it('writes exactly what JSON.stringify would, so the file reads back as the records it was given', async () => {
    // Prepare
    const store = createFileLedgerStore({ file });
    const odd = { ...RECORD, ProgramId: '__proto__', ClientToken: '42', Slot: 'evening', SupersededBy: undefined };

    // Act
    await store.commit('scope', RECORD);
    await store.commit('scope', odd);
    await store.transition('scope', {
      programId: 'PROGRAM-1',
      from: ['scheduled'],
      to: 'cancelled',
      updatedAt: '2026-12-01T01:00:00.000Z',
    });
    const text = await readFile(file, 'utf8');

    // Assess
    const parsed = JSON.parse(text);
    expect(JSON.stringify(parsed)).toBe(text);
    const records = (await createFileLedgerStore({ file }).load('scope')).records;
    expect(records.map((record) => [record.ProgramId, record.State])).toEqual([
      ['PROGRAM-1', 'cancelled'],
      ['__proto__', 'scheduled'],
    ]);
  });
});
