import { randomBytes } from 'node:crypto';
import { closeSync, fstatSync, mkdirSync, openSync, readFileSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
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
  writeId?: string;
  scopes: Record<string, LedgerScopeData>;
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
  // The ledger as this process last wrote it. Reused only while the file is still that write: same inode,
  // size, mtime and ctime, and its head still carries that write's random writeId; anything else is read again.
  let written: WrittenLedger | undefined;
  let directoryMade = false;
  const current = (): LedgerFile => {
    const known = written;
    written = undefined; // dropped until a write succeeds: an edit in progress must never be served
    const ledger = readLedgerFile(file, known);
    if (ledger === known?.ledger) written = known;
    return ledger;
  };
  const change = <T>(scope: string, edit: (data: LedgerScopeData) => T): Promise<T> =>
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
        async () => {
          const ledger = current();
          const data = scopeOf(ledger, scope);
          const result = edit(data);
          written = writeLedgerFile(file, ledger);
          return result;
        },
        lockOptions,
      );
    });
  const read = async <T>(scope: string, view: (data: LedgerScopeData) => T): Promise<T> => {
    const ledger = current();
    return view(Object.hasOwn(ledger.scopes, scope) ? (ledger.scopes[scope] as LedgerScopeData) : emptyScopeData());
  };
  return {
    description: `file ${file}`,
    lookUp: (scope, baseToken) => read(scope, (data) => lookUpToken(data, baseToken)),
    recordIntent: (scope, intent) => change(scope, (data) => addIntent(data, ownCopy(intent))),
    commit: (scope, record) => change(scope, (data) => commitRecord(data, ownCopy(record))),
    transition: (scope, transition) => change(scope, (data) => applyTransition(data, transition)),
    advanceGeneration: (scope, baseToken, from) => change(scope, (data) => bumpGeneration(data, baseToken, from)),
    load: (scope) => read(scope, snapshotOf),
    markIncomplete: (scope, sinceIso) => change(scope, (data) => noteIncomplete(data, sinceIso)),
    close: async () => {
      await queue;
    },
  };
}

/**
 * Reads the whole ledger file; a missing file is an empty ledger, anything unreadable a typed error naming the
 * file. Returns `known.ledger` itself, without parsing, when the file is still the write `known` describes.
 */
export function readLedgerFile(file: string, known?: WrittenLedger): LedgerFile {
  let text: string;
  let descriptor: number | undefined;
  try {
    descriptor = openSync(file, 'r');
    if (known && identityOf(descriptor) === known.identity && headOf(descriptor, known.head.length).equals(known.head)) {
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
  if (candidate.version !== VERSION) throw new LedgerCorruptError(file, `"version" ${String(candidate.version)} is not ${VERSION}`);
  if (candidate.scopes === null || typeof candidate.scopes !== 'object' || Array.isArray(candidate.scopes)) {
    throw new LedgerCorruptError(file, '"scopes" is not an object');
  }
  return candidate as LedgerFile;
}

function identityOf(descriptor: number): string {
  const info = fstatSync(descriptor, { bigint: true });
  return `${info.dev}:${info.ino}:${info.size}:${info.mtimeNs}:${info.ctimeNs}`;
}

function headOf(descriptor: number, length: number): Buffer {
  const head = Buffer.alloc(length);
  const read = readSync(descriptor, head, 0, length, 0);
  return read === length ? head : head.subarray(0, read);
}

function writeLedgerFile(file: string, ledger: LedgerFile): WrittenLedger {
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
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
    renameSync(temporary, file);
  } catch (error) {
    rmSync(temporary, { force: true });
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
    const data = ledger.scopes[scope] as LedgerScopeData | undefined;
    if (data === undefined) continue;
    const fields: string[] = [];
    for (const field of Object.keys(data) as (keyof LedgerScopeData)[]) {
      const value = data[field];
      if (value === undefined) continue;
      const text = field === 'records' || field === 'intents' ? serializeEntries(value as Record<string, object>) : JSON.stringify(value);
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
