import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
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
      await mkdir(dirname(file), { recursive: true }).catch(() => undefined); // a failure surfaces as the lock's error
      return withFileLock(
        file,
        async () => {
          const ledger = await readLedgerFile(file);
          const data = scopeOf(ledger, scope);
          const result = edit(data);
          await writeLedgerFile(file, ledger);
          return result;
        },
        lockOptions,
      );
    });
  const read = async <T>(scope: string, view: (data: LedgerScopeData) => T): Promise<T> => {
    const ledger = await readLedgerFile(file);
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
export async function readLedgerFile(file: string): Promise<LedgerFile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
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

async function writeLedgerFile(file: string, ledger: LedgerFile): Promise<void> {
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    const handle = await open(temporary, 'w', 0o600);
    try {
      await handle.writeFile(JSON.stringify(ledger));
      // On disk before the rename makes it the ledger: a crash leaves the old file or the new one, never an empty one.
      await handle.datasync();
    } finally {
      await handle.close();
    }
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
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
