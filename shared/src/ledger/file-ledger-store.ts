import { randomBytes } from 'node:crypto';
import { closeSync, fdatasyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { withFileLock } from './file-lock';
import { LedgerCorruptError, LedgerUnavailableError } from './ledger-errors';
import {
  addIntent,
  applyTransition,
  bumpGeneration,
  commitRecord,
  emptyScopeData,
  type LedgerScopeData,
  lookUpToken,
  noteIncomplete,
  snapshotOf,
} from './ledger-scope-data';
import type { LedgerStore } from './ledger-store';

const FORMAT = 'caster-carousel-ledger';
const VERSION = 1;

interface LedgerFile {
  format: typeof FORMAT;
  version: typeof VERSION;
  scopes: Record<string, LedgerScopeData>;
}

export interface FileLedgerStoreOptions {
  readonly file: string;
  readonly lockWaitMs?: number;
  readonly staleLockMs?: number;
}

/**
 * The ledger in one JSON file, for one machine: every change is a read-modify-write under `<file>.lock`
 * (O_EXCL), written to a temporary file and renamed over the old one, so a reader never sees half a file and
 * several processes at once lose nothing. More than one FC instance needs Redis instead.
 */
export function createFileLedgerStore(options: FileLedgerStoreOptions): LedgerStore {
  const { file } = options;
  const lockOptions = { waitMs: options.lockWaitMs, staleMs: options.staleLockMs };
  // One change at a time inside this process too, so concurrent invocations queue here instead of on the lock.
  let queue: Promise<unknown> = Promise.resolve();
  const serialized = <T>(work: () => Promise<T>): Promise<T> => {
    const next = queue.then(work, work);
    queue = next.catch(() => undefined);
    return next;
  };
  const change = <T>(scope: string, edit: (data: LedgerScopeData) => T): Promise<T> =>
    serialized(async () => {
      try {
        mkdirSync(dirname(file), { recursive: true });
      } catch {
        // Surfaces as the lock's error, which names the file.
      }
      return withFileLock(
        file,
        async () => {
          const ledger = readLedgerFile(file);
          const data = scopeOf(ledger, scope);
          const result = edit(data);
          writeLedgerFile(file, ledger);
          return result;
        },
        lockOptions,
      );
    });
  const read = async <T>(scope: string, view: (data: LedgerScopeData) => T): Promise<T> => {
    const ledger = readLedgerFile(file);
    return view(Object.hasOwn(ledger.scopes, scope) ? (ledger.scopes[scope] as LedgerScopeData) : emptyScopeData());
  };
  return {
    description: `file ${file}`,
    lookUp: (scope, baseToken) => read(scope, (data) => lookUpToken(data, baseToken)),
    recordIntent: (scope, intent) => change(scope, (data) => addIntent(data, intent)),
    commit: (scope, record) => change(scope, (data) => commitRecord(data, record)),
    transition: (scope, transition) => change(scope, (data) => applyTransition(data, transition)),
    advanceGeneration: (scope, baseToken, from) => change(scope, (data) => bumpGeneration(data, baseToken, from)),
    load: (scope) => read(scope, snapshotOf),
    markIncomplete: (scope, sinceIso) => change(scope, (data) => noteIncomplete(data, sinceIso)),
    close: async () => {
      await queue;
    },
  };
}

/** Reads the whole ledger file; a missing file is an empty ledger, anything unreadable a typed error naming the file. */
export function readLedgerFile(file: string): LedgerFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { format: FORMAT, version: VERSION, scopes: {} };
    throw new LedgerUnavailableError(`Cannot read the ledger file ${file}: ${(error as NodeJS.ErrnoException).code}`, { cause: error });
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
  if (candidate.version !== VERSION) throw new LedgerCorruptError(file, `"version" ${String(candidate.version)} is not ${VERSION}`);
  if (candidate.scopes === null || typeof candidate.scopes !== 'object' || Array.isArray(candidate.scopes)) {
    throw new LedgerCorruptError(file, '"scopes" is not an object');
  }
  return candidate as LedgerFile;
}

function writeLedgerFile(file: string, ledger: LedgerFile): void {
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    // 0600: records hold the resolved CallbackUrl and VOD URLs with their auth_key values, resent on a retry.
    const descriptor = openSync(temporary, 'w', 0o600);
    try {
      writeSync(descriptor, JSON.stringify(ledger));
      // On disk before the rename makes it the ledger: a crash leaves the old file or the new one, never an empty one.
      fdatasyncSync(descriptor);
    } finally {
      closeSync(descriptor);
    }
    renameSync(temporary, file);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw new LedgerUnavailableError(`Cannot write the ledger file ${file}: ${(error as NodeJS.ErrnoException).code}`, { cause: error });
  }
}

function scopeOf(ledger: LedgerFile, scope: string): LedgerScopeData {
  if (!Object.hasOwn(ledger.scopes, scope)) {
    Object.defineProperty(ledger.scopes, scope, { value: emptyScopeData(), enumerable: true, writable: true, configurable: true });
  }
  const data = ledger.scopes[scope] as LedgerScopeData;
  // Scopes written before a field existed get it empty.
  data.records ??= {};
  data.tokens ??= {};
  data.intents ??= {};
  data.generations ??= {};
  data.slots ??= {};
  return data;
}
