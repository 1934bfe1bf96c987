import { closeSync, linkSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { LedgerUnavailableError } from './ledger-errors';

export interface FileLockOptions {
  /** Longest to wait for another process's lock. */
  readonly waitMs?: number;
  /** A lock older than this is taken to belong to a process that died holding it. */
  readonly staleMs?: number;
}

const RETRY_DELAY_MS = 5;

/**
 * Runs `work` holding `<file>.lock`, created with O_EXCL so only one process at a time holds it. A lock left
 * behind by a crashed process (older than staleMs, or naming a pid that no longer exists on this host) is
 * removed and taken over. The file operations are synchronous: each is a few microseconds on a local disk,
 * where a round trip through the thread pool would cost more than the work, and the lock is held for less time.
 */
export async function withFileLock<T>(file: string, work: () => Promise<T>, options: FileLockOptions = {}): Promise<T> {
  const lockFile = `${file}.lock`;
  const waitMs = options.waitMs ?? 10_000;
  const staleMs = options.staleMs ?? 30_000;
  const giveUpAtMs = Date.now() + waitMs;
  for (;;) {
    try {
      const descriptor = openSync(lockFile, 'wx');
      try {
        writeSync(descriptor, `${process.pid}\n`);
      } finally {
        closeSync(descriptor);
      }
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new LedgerUnavailableError(`Cannot lock the ledger file ${file}: ${(error as NodeJS.ErrnoException).code}`, { cause: error });
      }
      if (takeOverIfStale(lockFile, staleMs)) continue;
      if (Date.now() > giveUpAtMs) {
        throw new LedgerUnavailableError(`The ledger file ${file} stayed locked for ${waitMs} ms (${lockFile})`);
      }
      await new Promise((resolve) => setTimeout(resolve, RETRY_DELAY_MS + Math.random() * RETRY_DELAY_MS));
    }
  }
  try {
    return await work();
  } finally {
    rmSync(lockFile, { force: true });
  }
}

/**
 * Removes a dead holder's lock. It is first renamed aside (atomic, so of several processes that judged it
 * stale one wins), and put back if what was renamed is not the lock that was judged stale.
 */
function takeOverIfStale(lockFile: string, staleMs: number): boolean {
  const judged = staleLockText(lockFile, staleMs);
  if (judged === undefined) return false;
  const aside = `${lockFile}.${process.pid}.${Date.now()}.stale`;
  try {
    renameSync(lockFile, aside);
  } catch {
    return true; // someone else took it over first: try to create it again
  }
  if (readOrEmpty(aside) !== judged) {
    try {
      linkSync(aside, lockFile);
    } catch {
      // Someone created a new lock meanwhile: theirs stands.
    }
  }
  rmSync(aside, { force: true });
  return true;
}

function readOrEmpty(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

function staleLockText(lockFile: string, staleMs: number): string | undefined {
  try {
    const info = statSync(lockFile);
    const text = readFileSync(lockFile, 'utf8');
    if (Date.now() - info.mtimeMs > staleMs) return text;
    const pid = Number(text.trim());
    // An empty file is a lock being written right now, not a dead one.
    return text !== '' && Number.isInteger(pid) && pid > 0 && !processExists(pid) ? text : undefined;
  } catch {
    return undefined; // gone meanwhile: the next attempt to create it decides
  }
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
