import { randomBytes } from 'node:crypto';
import { closeSync, fstatSync, mkdirSync, openSync, readFileSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { tokenForGeneration } from '../idempotency/token-generation';
import type { TriggerView } from '../schedule/lifecycle';
import { type FailedTrigger, mergeFailure, newestFirst } from './failed-trigger';
import { appendToArchive, archivedAmong, findArchivedProgram, findArchivedToken, readArchivePage } from './file-ledger-archive';
import { type HeldLock, withFileLock } from './file-lock';
import { LedgerCorruptError, LedgerUnavailableError } from './ledger-errors';
import type { LedgerRecord } from './ledger-record';
import type { ImportCounts, LedgerChange, LedgerStore, OpenFilter, RecordImport } from './ledger-store';
import { archiveMonthOf } from './record-line';

const FORMAT = 'caster-carousel-ledger';
// 3: the file keeps the open records only; a record that ends moves to the archive beside it (file-ledger-archive.ts).
// A version-2 file reads as it is (its ended records move to the archive as they fall due); an earlier release
// refuses version 3 rather than take an archived trigger for a new one.
const VERSION = 3;
const READABLE_VERSIONS: readonly number[] = [2, 3];

/** Where an open record is filed: what `readOpen` filters on without parsing every record. */
interface OpenEntry {
  readonly studioKey: string;
  readonly slotKey?: string | undefined;
  readonly startMs: number;
}

/** One scope of the file: records by ClientToken, the open ones' index, generations past 1, lost writes. */
interface ScopeData {
  records: Record<string, LedgerRecord>;
  open: Record<string, OpenEntry>;
  generations: Record<string, number>;
  gaps: Record<string, string>;
  /** Failed triggers by key (absent until the first failure, so older files read as they are). */
  failures?: Record<string, FailedTrigger>;
}

interface LedgerFile {
  format: typeof FORMAT;
  version: number;
  writeId?: string;
  scopes: Record<string, ScopeData>;
}

/** What this process last wrote: the parsed ledger, the file's identity after the write and the text's head. */
interface WrittenLedger {
  readonly ledger: LedgerFile;
  readonly identity: string;
  readonly head: Buffer;
}

export interface FileLedgerStoreOptions {
  readonly file: string;
  readonly lockWaitMs?: number;
}

/**
 * The ledger in one JSON file, for one machine: every change is a read-modify-write under `<file>.lock`,
 * written to a temporary file and renamed over the old one (only while the lock is still ours), so a reader
 * never sees half a file and several processes at once lose nothing. The file holds the open records only: a
 * record that ends is appended to the monthly archive beside it (file-ledger-archive.ts) in the same change, so what
 * every change rewrites never grows with history. More than one FC instance needs Redis.
 */
export function createFileLedgerStore(options: FileLedgerStoreOptions): LedgerStore {
  const { file } = options;
  const lockOptions = { waitMs: options.lockWaitMs };
  // One change at a time inside this process too, so concurrent invocations queue here instead of on the lock.
  let queue: Promise<unknown> = Promise.resolve();
  const serialized = <T>(work: () => Promise<T>): Promise<T> => {
    const next = queue.then(work, work);
    queue = next.catch(() => undefined);
    return next;
  };
  // The ledger as this process last wrote it. Reused only while the file is still that write: same inode,
  // size, mtime and ctime, and its head still carries that write's random writeId; anything else is read again.
  let written: WrittenLedger | undefined;
  let directoryMade = false;
  const current = (): LedgerFile => {
    const known = written;
    written = undefined; // dropped until a write succeeds: an edit in progress must never be served
    const ledger = readLedgerFile(file, known);
    // Kept while the file stays as read or written (so `ls` reading records and gaps parses it once).
    written = ledger === known?.ledger ? known : parsedFiles.get(ledger);
    return ledger;
  };
  const change = <T>(scope: string, edit: (data: ScopeData) => { result: T; changed: boolean }): Promise<T> =>
    serialized(async () => {
      if (!directoryMade) {
        try {
          mkdirSync(dirname(file), { recursive: true });
          directoryMade = true;
        } catch {
          // Surfaces as the lock's error, which names the file.
        }
      }
      return withFileLock(
        file,
        async (lock) => {
          const ledger = current();
          written = undefined; // the edit changes it in place: only a successful write makes it current again
          const { result, changed } = edit(scopeOf(ledger, scope));
          if (changed) written = writeLedgerFile(file, ledger, lock);
          return result;
        },
        lockOptions,
      );
    });
  const read = async <T>(scope: string, view: (data: ScopeData) => T): Promise<T> => {
    const ledger = current();
    return view(Object.hasOwn(ledger.scopes, scope) ? withDefaults(ledger.scopes[scope] as ScopeData) : emptyScope());
  };
  return {
    description: `file ${file}`,
    readTrigger: (scope, baseToken) =>
      read(scope, (data) => {
        const view = triggerViewOf(data, baseToken);
        if (view.record) return view;
        // Not live: the archive's token index says whether it ended long ago (a retry is still answered from it).
        return { generation: view.generation, record: findArchivedToken(file, scope, tokenForGeneration(baseToken, view.generation)) };
      }),
    readByProgramId: (scope, programId) =>
      read(
        scope,
        (data) =>
          Object.values(data.records).find((record) => record.ProgramId === programId) ?? findArchivedProgram(file, scope, programId),
      ),
    readOpen: (scope, filter) => read(scope, (data) => openRecords(data, filter)),
    readAll: (scope) => read(scope, (data) => Object.values(data.records)),
    apply: (scope, changeSet) =>
      change(scope, (data) => {
        // A record is created over no record: not over one that ended long ago either (archived records take no writes).
        const creations = (changeSet.records ?? []).filter(
          (write) => write.expectedVersion === 0 && !own(data.records, write.record.ClientToken),
        );
        if (
          creations.length > 0 &&
          archivedAmong(
            file,
            scope,
            creations.map((write) => write.record.ClientToken),
          ).size > 0
        )
          return { result: false, changed: false };
        const outcome = applyChange(data, ownCopy(changeSet));
        // A record that ended leaves the file every change rewrites at once, for the append-only archive of its
        // month (appended before the rewrite): history never enters the live file, whatever the retention.
        const ended = (changeSet.records ?? []).filter((write) => !write.index.open).map((write) => write.record.ClientToken);
        if (outcome.result && ended.length > 0) {
          const records = ended.map((token) => own(data.records, token)).filter((record) => record !== undefined);
          appendToArchive(
            file,
            scope,
            records.map((record) => ({ record, month: archiveMonthOf(record) })),
          );
          for (const record of records) delete data.records[record.ClientToken];
        }
        return outcome;
      }),
    archiveEnded: async (scope, endedBeforeMs, limit) => {
      // Read first: nearly every call finds nothing due, and takes no lock and writes nothing.
      if ((await read(scope, (data) => endedBefore(data, endedBeforeMs, 1))).length === 0) return 0;
      return change(scope, (data) => {
        const due = endedBefore(data, endedBeforeMs, limit);
        if (due.length === 0) return { result: 0, changed: false };
        // Archived before a crash that left them in the live file too: only dropped from it this time.
        const already = archivedAmong(
          file,
          scope,
          due.map((record) => record.ClientToken),
        );
        appendToArchive(
          file,
          scope,
          due.filter((record) => !already.has(record.ClientToken)).map((record) => ({ record, month: archiveMonthOf(record) })),
        );
        for (const record of due) delete data.records[record.ClientToken];
        return { result: due.length, changed: true };
      });
    },
    readArchive: async (scope, query) => readArchivePage(file, scope, query),
    importRecords: (scope, imports) => change(scope, (data) => importInto(file, scope, data, ownCopy(imports))),
    readGaps: (scope) => read(scope, (data) => ({ ...data.gaps })),
    readScopes: async () =>
      Object.entries(current().scopes)
        .map(([scope, data]) => ({ scope, records: Object.keys(data?.records ?? {}).length, open: Object.keys(data?.open ?? {}).length }))
        .filter((summary) => summary.records > 0),
    noteGaps: (scope, gaps) =>
      change(scope, (data) => {
        for (const [token, since] of Object.entries(gaps)) {
          const known = own(data.gaps, token);
          if (known === undefined || since < known) put(data.gaps, token, since);
        }
        return { result: undefined, changed: true };
      }),
    forgetGaps: (scope, gaps) =>
      change(scope, (data) => {
        let changed = false;
        for (const [token, since] of Object.entries(gaps)) {
          if (own(data.gaps, token) !== since) continue;
          delete data.gaps[token];
          changed = true;
        }
        return { result: undefined, changed };
      }),
    recordFailure: (scope, failure) =>
      change(scope, (data) => {
        data.failures ??= {};
        const stored = mergeFailure(own(data.failures, failure.Key), ownCopy(failure));
        put(data.failures, failure.Key, stored);
        return { result: stored, changed: true };
      }),
    clearFailures: async (scope, keys) => {
      // Read first: a success of a trigger that never failed (nearly every one) takes no lock and writes nothing.
      if (!(await read(scope, (data) => keys.some((key) => own(data.failures ?? {}, key) !== undefined)))) return 0;
      return change(scope, (data) => {
        let cleared = 0;
        for (const key of keys) {
          if (data.failures === undefined || own(data.failures, key) === undefined) continue;
          delete data.failures[key];
          cleared += 1;
        }
        return { result: cleared, changed: cleared > 0 };
      });
    },
    readFailures: (scope) => read(scope, (data) => newestFirst(Object.values(data.failures ?? {}))),
    close: async () => {
      await queue;
    },
  };
}

/** The live records of a scope that ended before a time, the longest ended first. */
function endedBefore(data: ScopeData, endedBeforeMs: number, limit: number): LedgerRecord[] {
  const due: { record: LedgerRecord; endedMs: number }[] = [];
  for (const [token, record] of Object.entries(data.records)) {
    if (Object.hasOwn(data.open, token)) continue;
    const endedMs = Date.parse(record.UpdatedAt);
    if (endedMs < endedBeforeMs) due.push({ record, endedMs });
  }
  return due
    .sort((a, b) => a.endedMs - b.endedMs)
    .slice(0, limit)
    .map(({ record }) => record);
}

/** Files exported records: each over an older version of its token or none, open ones live, ended ones in the archive. */
function importInto(
  file: string,
  scope: string,
  data: ScopeData,
  imports: readonly RecordImport[],
): { result: ImportCounts; changed: boolean } {
  const archivedTokens = archivedAmong(
    file,
    scope,
    imports.map(({ record }) => record.ClientToken),
  );
  const toArchive: { record: LedgerRecord; month: string }[] = [];
  const queued = new Set<string>();
  let added = 0;
  let updated = 0;
  let unchanged = 0;
  for (const { record, index, archiveMonth } of imports) {
    const token = record.ClientToken;
    const live = own(data.records, token);
    if (archivedTokens.has(token) || queued.has(token) || (live !== undefined && live.Version >= record.Version)) {
      unchanged += 1;
      continue;
    }
    if (live === undefined) added += 1;
    else updated += 1;
    if ((own(data.generations, record.BaseToken) ?? 1) < record.Generation) put(data.generations, record.BaseToken, record.Generation);
    if (archiveMonth !== undefined || !index.open) {
      delete data.records[token];
      delete data.open[token];
      toArchive.push({ record, month: archiveMonth ?? archiveMonthOf(record) });
      queued.add(token);
      continue;
    }
    put(data.records, token, record);
    if (index.open) put(data.open, token, { studioKey: index.studioKey, slotKey: index.slotKey, startMs: index.startMs });
    else delete data.open[token];
  }
  if (toArchive.length > 0) appendToArchive(file, scope, toArchive);
  return { result: { added, updated, unchanged }, changed: added + updated > 0 };
}

function triggerViewOf(data: ScopeData, baseToken: string): TriggerView {
  const generation = own(data.generations, baseToken) ?? 1;
  return { generation, record: own(data.records, tokenForGeneration(baseToken, generation)) };
}

function openRecords(data: ScopeData, filter: OpenFilter = {}): LedgerRecord[] {
  const found: { record: LedgerRecord; startMs: number }[] = [];
  for (const [token, entry] of Object.entries(data.open)) {
    if (filter.slotKey !== undefined && entry.slotKey !== filter.slotKey) continue;
    if (filter.studioKey !== undefined && entry.studioKey !== filter.studioKey) continue;
    const record = own(data.records, token);
    if (record) found.push({ record, startMs: entry.startMs });
  }
  return found.sort((a, b) => a.startMs - b.startMs).map(({ record }) => record);
}

/** Checks every precondition, then writes everything: the file store's compare-and-set. */
function applyChange(data: ScopeData, change: LedgerChange): { result: boolean; changed: boolean } {
  const writes = change.records ?? [];
  for (const write of writes) {
    if ((own(data.records, write.record.ClientToken)?.Version ?? 0) !== write.expectedVersion) return { result: false, changed: false };
  }
  const generation = change.generation;
  if (generation && (own(data.generations, generation.baseToken) ?? 1) !== generation.from) return { result: false, changed: false };
  for (const { record, index } of writes) {
    put(data.records, record.ClientToken, record);
    if (index.open) put(data.open, record.ClientToken, { studioKey: index.studioKey, slotKey: index.slotKey, startMs: index.startMs });
    else delete data.open[record.ClientToken];
    if (index.settled) delete data.gaps[record.ClientToken];
  }
  if (generation) put(data.generations, generation.baseToken, generation.from + 1);
  return { result: true, changed: true };
}

/**
 * Reads the whole ledger file; a missing file is an empty ledger, anything unreadable a typed error naming the
 * file. Returns `known.ledger` itself, without parsing, when the file is still the write `known` describes.
 */
export function readLedgerFile(file: string, known?: WrittenLedger): LedgerFile {
  let text: string;
  let identity: string;
  let descriptor: number | undefined;
  try {
    descriptor = openSync(file, 'r');
    identity = identityOf(descriptor);
    if (known && identity === known.identity && headOf(descriptor, known.head.length).equals(known.head)) {
      return known.ledger;
    }
    text = readFileSync(descriptor, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { format: FORMAT, version: VERSION, scopes: {} };
    throw new LedgerUnavailableError(`Cannot read the ledger file ${file}: ${(error as NodeJS.ErrnoException).code}`, { cause: error });
  } finally {
    if (descriptor !== undefined) closeSync(descriptor);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new LedgerCorruptError(file, 'not JSON');
  }
  if (parsed === null || typeof parsed !== 'object') throw new LedgerCorruptError(file, 'not a JSON object');
  const candidate = parsed as Partial<LedgerFile>;
  if (candidate.format !== FORMAT) throw new LedgerCorruptError(file, `"format" is not "${FORMAT}"`);
  if ((candidate.version as number | undefined) === 1) {
    throw new LedgerCorruptError(
      file,
      'format 1, written by an earlier release whose slots followed submission order; caster-carousel ledger migrate carries it over',
    );
  }
  if (!READABLE_VERSIONS.includes(candidate.version as number))
    throw new LedgerCorruptError(file, `"version" ${String(candidate.version)} is not ${READABLE_VERSIONS.join(' or ')}`);
  if (candidate.scopes === null || typeof candidate.scopes !== 'object' || Array.isArray(candidate.scopes)) {
    throw new LedgerCorruptError(file, '"scopes" is not an object');
  }
  const ledger = candidate as LedgerFile;
  parsedFiles.set(ledger, { ledger, identity, head: Buffer.from(text.slice(0, Math.max(0, text.indexOf('"scopes"'))), 'utf8') });
  return ledger;
}

// The file as each parse found it (its identity before the read, and its head), for the next read to reuse.
const parsedFiles = new WeakMap<LedgerFile, WrittenLedger>();

function identityOf(descriptor: number): string {
  const info = fstatSync(descriptor, { bigint: true });
  return `${info.dev}:${info.ino}:${info.size}:${info.mtimeNs}:${info.ctimeNs}`;
}

function headOf(descriptor: number, length: number): Buffer {
  const head = Buffer.alloc(length);
  const read = readSync(descriptor, head, 0, length, 0);
  return read === length ? head : head.subarray(0, read);
}

function writeLedgerFile(file: string, ledger: LedgerFile, lock: HeldLock): WrittenLedger {
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  ledger.version = VERSION;
  ledger.writeId = randomBytes(8).toString('hex');
  const text = serializeLedger(ledger);
  try {
    // 0600: records hold the resolved CallbackUrl and VOD URLs with their auth_key values, resent on a retry.
    const descriptor = openSync(temporary, 'w', 0o600);
    try {
      writeSync(descriptor, text);
      // No fdatasync: the rename alone is atomic against a crashed process (the old file or the new one, never
      // half of one). Only a power loss may lose the last writes or leave a file that no longer parses, which is
      // then refused as corrupt, never loaded. Flushing cost ~4 ms per write, twice per submission.
    } finally {
      closeSync(descriptor);
    }
    // A writer that lost its lock (taken over while it was thought dead) must not rename over the new holder's work.
    lock.assertHeld();
    renameSync(temporary, file);
  } catch (error) {
    rmSync(temporary, { force: true });
    if (error instanceof LedgerUnavailableError) throw error;
    throw new LedgerUnavailableError(`Cannot write the ledger file ${file}: ${(error as NodeJS.ErrnoException).code}`, { cause: error });
  }
  let identity = '';
  try {
    const descriptor = openSync(file, 'r');
    try {
      identity = identityOf(descriptor);
    } finally {
      closeSync(descriptor);
    }
  } catch {
    // Unknown identity: the next read parses the file again.
  }
  return { ledger, identity, head: Buffer.from(text.slice(0, text.indexOf('"scopes"')), 'utf8') };
}

// JSON of each record and intent object, computed once: the scope operations replace a changed entry with a new
// object and never edit one in place, so an object's JSON never changes.
const fragments = new WeakMap<object, string>();

function fragmentOf(value: object): string {
  let text = fragments.get(value);
  if (text === undefined) {
    text = JSON.stringify(value);
    fragments.set(value, text);
  }
  return text;
}

function serializeEntries(map: Record<string, object>): string {
  const parts: string[] = [];
  for (const key of Object.keys(map)) {
    const value = map[key];
    if (value !== undefined) parts.push(`${JSON.stringify(key)}:${fragmentOf(value)}`);
  }
  return `{${parts.join(',')}}`;
}

/** The same text as JSON.stringify(ledger), reusing the JSON of every record and intent that did not change. */
export function serializeLedger(ledger: LedgerFile): string {
  const scopes: string[] = [];
  for (const scope of Object.keys(ledger.scopes)) {
    const data = ledger.scopes[scope] as ScopeData | undefined;
    if (data === undefined) continue;
    const fields: string[] = [];
    for (const field of Object.keys(data) as (keyof ScopeData)[]) {
      const value = data[field];
      if (value === undefined) continue;
      const text = field === 'records' ? serializeEntries(value as Record<string, object>) : JSON.stringify(value);
      fields.push(`${JSON.stringify(field)}:${text}`);
    }
    scopes.push(`${JSON.stringify(scope)}:{${fields.join(',')}}`);
  }
  const { scopes: _scopes, ...head } = ledger;
  const headText = JSON.stringify(head);
  return `${headText.slice(0, -1)}${headText.length > 2 ? ',' : ''}"scopes":{${scopes.join(',')}}}`;
}

// What is stored is a copy as JSON would give it back: never the caller's object, which it may still change.
function ownCopy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

function scopeOf(ledger: LedgerFile, scope: string): ScopeData {
  if (!Object.hasOwn(ledger.scopes, scope)) put(ledger.scopes, scope, emptyScope());
  return withDefaults(ledger.scopes[scope] as ScopeData);
}

function emptyScope(): ScopeData {
  return { records: {}, open: {}, generations: {}, gaps: {} };
}

function withDefaults(data: ScopeData): ScopeData {
  data.records ??= {};
  data.open ??= {};
  data.generations ??= {};
  data.gaps ??= {};
  return data;
}

// Records are keyed by values that come from outside (tokens, ProgramIds): never read inherited properties.
function own<T>(map: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(map, key) ? map[key] : undefined;
}

// Defined, not assigned: a key such as "__proto__" (a ClientToken may be any printable ASCII) stays an own entry.
function put<T>(map: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(map, key, { value, enumerable: true, writable: true, configurable: true });
}
