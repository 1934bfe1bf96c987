import { link, open, readFile, rename, rm, stat } from 'node:fs/promises';
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
 * removed and taken over.
 */
export async function withFileLock<T>(file: string, work: () => Promise<T>, options: FileLockOptions = {}): Promise<T> {
  const lockFile = `${file}.lock`;
  const waitMs = options.waitMs ?? 10_000;
  const staleMs = options.staleMs ?? 30_000;
  const giveUpAtMs = Date.now() + waitMs;
  for (;;) {
    try {
      const handle = await open(lockFile, 'wx');
      try {
        await handle.writeFile(`${process.pid}\n`);
      } finally {
        await handle.close();
      }
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new LedgerUnavailableError(`Cannot lock the ledger file ${file}: ${(error as NodeJS.ErrnoException).code}`, { cause: error });
      }
      if (await takeOverIfStale(lockFile, staleMs)) continue;
      if (Date.now() > giveUpAtMs) {
        throw new LedgerUnavailableError(`The ledger file ${file} stayed locked for ${waitMs} ms (${lockFile})`);
      }
      await new Promise((resolve) => setTimeout(resolve, RETRY_DELAY_MS + Math.random() * RETRY_DELAY_MS));
    }
  }
  try {
    return await work();
  } finally {
    await rm(lockFile, { force: true });
  }
}

/**
 * Removes a dead holder's lock. It is first renamed aside (atomic, so of several processes that judged it
 * stale one wins), and put back if what was renamed is not the lock that was judged stale.
 */
async function takeOverIfStale(lockFile: string, staleMs: number): Promise<boolean> {
  const judged = await staleLockText(lockFile, staleMs);
  if (judged === undefined) return false;
  const aside = `${lockFile}.${process.pid}.${Date.now()}.stale`;
  try {
    await rename(lockFile, aside);
  } catch {
    return true; // someone else took it over first: try to create it again
  }
  const renamed = await readFile(aside, 'utf8').catch(() => '');
  if (renamed !== judged) await link(aside, lockFile).catch(() => undefined);
  await rm(aside, { force: true });
  return true;
}

async function staleLockText(lockFile: string, staleMs: number): Promise<string | undefined> {
  try {
    const [info, text] = await Promise.all([stat(lockFile), readFile(lockFile, 'utf8')]);
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
