import { randomBytes } from 'node:crypto';
import { linkSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { LedgerUnavailableError } from './ledger-errors';

export interface FileLockOptions {
  /** Longest to wait for another process's lock. */
  readonly waitMs?: number;
}

/** Who holds a lock: the nonce tells this holding apart from any other by the same pid, then or later. */
export interface LockHolder {
  readonly pid: number;
  readonly host: string;
  readonly nonce: string;
}

/** The lock while `work` runs. */
export interface HeldLock {
  /** Throws LedgerUnavailableError unless the lock file is still this holding's. Call it right before committing. */
  assertHeld(): void;
}

/** The text of a lock file: one line of JSON. */
export function lockFileContent(holder: LockHolder): string {
  return `${JSON.stringify({ pid: holder.pid, host: holder.host, nonce: holder.nonce })}\n`;
}

const RETRY_DELAY_MS = 5;

/**
 * Runs `work` holding `<file>.lock`, which names the holder's pid, host and a random nonce. Only a lock whose
 * holder is provably dead is taken over: on this host, with a pid that no longer exists (ESRCH). A lock of a
 * live process, or of another host, is waited for until `waitMs` and never taken.
 *
 * Why not by age, as before: a holder that is alive but paused (SIGSTOP, a long GC pause, a suspended VM)
 * refreshes nothing, so any age limit eventually hands its lock to a second writer while the first still
 * means to rename its temporary file over the ledger, erasing the second writer's record. Refreshing the
 * mtime does not fix that: proper-lockfile's README (Design, Compromised) says a lock whose mtime is older
 * than `stale` (default 10 s) is taken by the next locker and the paused holder only learns of it afterwards,
 * through `onCompromised` ("Updates take longer than expected, possibly causing the lock to become stale").
 * The price: the lock of a process that crashed on another host stays until someone removes it; the error
 * names that host and pid.
 *
 * The file operations are synchronous: each is a few microseconds on a local disk, where a round trip
 * through the thread pool would cost more than the work, and the lock is held for less time.
 */
export async function withFileLock<T>(file: string, work: (lock: HeldLock) => Promise<T>, options: FileLockOptions = {}): Promise<T> {
  const lockFile = `${file}.lock`;
  const waitMs = options.waitMs ?? 10_000;
  const giveUpAtMs = Date.now() + waitMs;
  const nonce = randomBytes(16).toString('hex');
  const own = lockFileContent({ pid: process.pid, host: hostname(), nonce });
  const scratch = `${lockFile}.${nonce}`;
  while (!tryCreate(file, lockFile, own, scratch)) {
    const text = readOrEmpty(lockFile);
    const holder = parseHolder(text);
    if (holder && isDead(holder)) {
      removeIfStill(lockFile, text, scratch);
      continue;
    }
    if (Date.now() > giveUpAtMs) {
      const by = holder ? `pid ${holder.pid} on host ${holder.host}` : 'a lock file this version does not recognize';
      throw new LedgerUnavailableError(`The ledger file ${file} stayed locked for ${waitMs} ms by ${by} (${lockFile})`);
    }
    await new Promise((resolve) => setTimeout(resolve, RETRY_DELAY_MS + Math.random() * RETRY_DELAY_MS));
  }
  const lock: HeldLock = {
    assertHeld() {
      if (readOrEmpty(lockFile) !== own) {
        throw new LedgerUnavailableError(`Lost the lock of the ledger file ${file}: ${lockFile} is no longer this process's`);
      }
    },
  };
  try {
    return await work(lock);
  } finally {
    removeIfStill(lockFile, own, scratch);
  }
}

/** Written aside first and linked into place, so a lock file is never seen empty or half written. */
function tryCreate(file: string, lockFile: string, content: string, scratch: string): boolean {
  try {
    writeFileSync(scratch, content);
    linkSync(scratch, lockFile);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    throw new LedgerUnavailableError(`Cannot lock the ledger file ${file}: ${code}`, { cause: error });
  } finally {
    rmSync(scratch, { force: true });
  }
}

/**
 * Removes the lock only if it still reads `expected`. It is renamed aside first (atomic, so of several
 * processes that judged the same dead lock one wins), and linked back if what was renamed is someone else's.
 */
function removeIfStill(lockFile: string, expected: string, scratch: string): void {
  try {
    renameSync(lockFile, scratch);
  } catch {
    return; // already gone
  }
  if (readOrEmpty(scratch) !== expected) {
    try {
      linkSync(scratch, lockFile);
    } catch {
      // A new lock was created meanwhile: it stands, and the holder of the one put aside learns in assertHeld.
    }
  }
  rmSync(scratch, { force: true });
}

function parseHolder(text: string): LockHolder | undefined {
  try {
    const { pid, host, nonce } = (JSON.parse(text) ?? {}) as Partial<LockHolder>;
    if (typeof pid === 'number' && Number.isInteger(pid) && pid > 0 && typeof host === 'string' && typeof nonce === 'string') {
      return { pid, host, nonce };
    }
    return undefined;
  } catch {
    return undefined;
  }
}

/** Only ESRCH proves death: EPERM is a live process of another user, and a pid on another host says nothing here. */
function isDead(holder: LockHolder): boolean {
  if (holder.host !== hostname()) return false;
  try {
    process.kill(holder.pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

function readOrEmpty(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}
