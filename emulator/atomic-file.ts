import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';

/**
 * Replaces a file so that a reader (or a restart after a crash) sees either the old content or the new,
 * never half of it: write a temp file in the same directory (rename is only atomic within one file system),
 * fsync it, rename it over the target, then fsync the directory so the rename itself is durable.
 */
export function writeFileAtomically(path: string, content: string): void {
  const directory = dirname(path);
  const extension = extname(path);
  // `state.json` → `state.tmp-<pid>-<random>.json`: same directory, and still matched by ignore patterns
  // such as `.emulator-data*.json` should a crash leave it behind.
  const tempPath = join(directory, `${basename(path, extension)}.tmp-${process.pid}-${randomBytes(6).toString('hex')}${extension}`);
  const fd = openSync(tempPath, 'wx', 0o600);
  try {
    try {
      writeSync(fd, content);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tempPath, path);
  } catch (error) {
    rmSync(tempPath, { force: true });
    throw error;
  }
  try {
    const directoryFd = openSync(directory, 'r');
    try {
      fsyncSync(directoryFd);
    } finally {
      closeSync(directoryFd);
    }
  } catch {
    // Some platforms (Windows) cannot open or fsync a directory; the rename has still happened.
  }
}
