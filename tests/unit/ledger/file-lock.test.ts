import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lockFileContent, withFileLock } from '../../../shared/src/ledger/file-lock';
import { LedgerUnavailableError } from '../../../shared/src/ledger/ledger-errors';

// Replaces a file the way another writer would: a complete new file renamed over it.
const REPLACE_FILE = `const fs = require('node:fs');
const [target, content] = process.argv.slice(1);
fs.writeFileSync(target + '.other', content);
fs.renameSync(target + '.other', target);`;

let workDir: string;
let file: string;
let lockFile: string;
beforeEach(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'file-lock-'));
  file = join(workDir, 'ledger.json');
  lockFile = `${file}.lock`;
});
afterEach(async () => {
  await rm(workDir, { recursive: true, force: true });
});

/** A live process that does nothing until killed. */
async function startIdleChild(): Promise<ChildProcess & { pid: number }> {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1 << 30)'], { stdio: 'ignore' });
  await once(child, 'spawn');
  return child as ChildProcess & { pid: number };
}

function replaceFromAnotherProcess(target: string, content: string): void {
  execFileSync(process.execPath, ['-e', REPLACE_FILE, target, content]);
}

describe('withFileLock', () => {
  it('never takes over the lock of a live holder that is paused (SIGSTOP), however old the lock', async () => {
    // Prepare
    const child = await startIdleChild();
    try {
      const childLock = lockFileContent({ pid: child.pid, host: hostname(), nonce: 'child-nonce' });
      await writeFile(lockFile, childLock, { flag: 'wx' });
      const anHourAgo = new Date(Date.now() - 3_600_000); // far past the 30 s the old age limit allowed
      await utimes(lockFile, anHourAgo, anHourAgo);
      child.kill('SIGSTOP');
      let ran = false;

      // Act
      const attempt = withFileLock(
        file,
        async () => {
          ran = true;
        },
        { waitMs: 200 },
      );

      // Assess
      await expect(attempt).rejects.toThrow(LedgerUnavailableError);
      await expect(attempt).rejects.toThrow(`${file} stayed locked for 200 ms by pid ${child.pid} on host ${hostname()}`);
      expect(ran).toBe(false);
      expect(await readFile(lockFile, 'utf8')).toBe(childLock);
    } finally {
      child.kill('SIGCONT');
      child.kill('SIGKILL');
    }
  });

  it('never takes over the lock of another host, even naming a pid that does not exist here', async () => {
    // Prepare
    // No process has pid 2^22 + 1 on Linux (pid_max is at most 2^22).
    const foreignLock = lockFileContent({ pid: 2 ** 22 + 1, host: `not-${hostname()}`, nonce: 'foreign-nonce' });
    await writeFile(lockFile, foreignLock);

    // Act
    const attempt = withFileLock(file, async () => undefined, { waitMs: 50 });

    // Assess
    await expect(attempt).rejects.toThrow(`by pid ${2 ** 22 + 1} on host not-${hostname()}`);
    expect(await readFile(lockFile, 'utf8')).toBe(foreignLock);
  });

  it('takes over at once the lock of a holder killed with SIGKILL, and removes it when done', async () => {
    // Prepare
    const child = await startIdleChild();
    await writeFile(lockFile, lockFileContent({ pid: child.pid, host: hostname(), nonce: 'child-nonce' }), { flag: 'wx' });
    child.kill('SIGKILL');
    await once(child, 'exit'); // reaped: the pid no longer exists

    // Act
    const lockDuringWork = await withFileLock(file, async () => JSON.parse(await readFile(lockFile, 'utf8')), { waitMs: 0 });

    // Assess
    expect(lockDuringWork).toMatchObject({ pid: process.pid, host: hostname() });
    expect(await readdir(workDir)).toEqual([]);
  });

  it('assertHeld throws once another process has replaced the lock file', async () => {
    // Prepare
    const otherLock = lockFileContent({ pid: process.pid, host: hostname(), nonce: 'another-holding' });

    // Act
    const outcome = withFileLock(file, async (lock) => {
      lock.assertHeld(); // still ours here
      replaceFromAnotherProcess(lockFile, otherLock);
      lock.assertHeld();
    });

    // Assess
    await expect(outcome).rejects.toThrow(LedgerUnavailableError);
    await expect(outcome).rejects.toThrow(`Lost the lock of the ledger file ${file}`);
  });

  it('on release never removes a lock that is not its own', async () => {
    // Prepare
    const otherLock = lockFileContent({ pid: process.pid, host: hostname(), nonce: 'another-holding' });

    // Act
    await withFileLock(file, async () => {
      replaceFromAnotherProcess(lockFile, otherLock);
    });

    // Assess
    expect(await readFile(lockFile, 'utf8')).toBe(otherLock);
    expect(await readdir(workDir)).toEqual(['ledger.json.lock']);
  });

  it('runs two concurrent callers in this process one at a time', async () => {
    // Prepare
    const events: string[] = [];
    const worker = (name: string) => async () => {
      events.push(`${name} starts`);
      await new Promise((resolve) => setTimeout(resolve, 30));
      events.push(`${name} ends`);
    };

    // Act
    await Promise.all([withFileLock(file, worker('a')), withFileLock(file, worker('b'))]);

    // Assess
    expect([
      ['a starts', 'a ends', 'b starts', 'b ends'],
      ['b starts', 'b ends', 'a starts', 'a ends'],
    ]).toContainEqual(events);
    expect(await readdir(workDir)).toEqual([]);
  });
});
