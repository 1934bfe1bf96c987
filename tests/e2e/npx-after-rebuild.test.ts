import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
// What `npm run build` reads: the sources and the build scripts (the rest of a clone plays no part in it).
const BUILD_INPUTS = ['package.json', 'package-lock.json', 'tsconfig.json', 'scripts', 'shared', 'cli', 'emulator', 'local', 'functions'];

interface Run {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * `npx caster-carousel` in a copy of the repository: its own directory (so npx links that copy, not this checkout),
 * its own npm cache and home, the repository's node_modules. The copy's dist/ is its own, so rebuilding it never
 * touches the dist/ other tests run.
 */
describe('npx caster-carousel after a rebuild', () => {
  let copy: string;
  let env: Record<string, string>;

  beforeAll(() => {
    copy = mkdtempSync(join(tmpdir(), 'npx-rebuild-'));
    for (const entry of BUILD_INPUTS) cpSync(join(root, entry), join(copy, 'repo', entry), { recursive: true });
    symlinkSync(join(root, 'node_modules'), join(copy, 'repo', 'node_modules'), 'dir');
    env = {
      PATH: process.env['PATH'] ?? '',
      HOME: join(copy, 'home'),
      npm_config_cache: join(copy, 'npm-cache'),
      npm_config_update_notifier: 'false',
      npm_config_fund: 'false',
      npm_config_audit: 'false',
    };
  });

  afterAll(() => {
    if (copy) rmSync(copy, { recursive: true, force: true });
  });

  const run = (command: string, args: string[]): Promise<Run> =>
    new Promise((resolve) => {
      execFile(command, args, { cwd: join(copy, 'repo'), env, timeout: 120_000 }, (error, stdout, stderr) => {
        const code = error && typeof (error as NodeJS.ErrnoException).code === 'number' ? Number((error as NodeJS.ErrnoException).code) : 0;
        resolve({ exitCode: error ? code || 1 : 0, stdout, stderr });
      });
    });

  it('keeps working after npm run build: the build leaves the bin executable, and npx runs it', async () => {
    // Prepare: a fresh clone's state: built once (npm ci's prepare step), then npx links the bin on first use.
    const firstBuild = await run('npm', ['run', 'build']);
    expect(firstBuild.exitCode, firstBuild.stderr).toBe(0);
    const beforeRebuild = await run('npx', ['caster-carousel', '--version']);
    expect(beforeRebuild.exitCode, beforeRebuild.stderr).toBe(0);

    // Act
    const rebuild = await run('npm', ['run', 'build']);
    const afterRebuild = await run('npx', ['caster-carousel', '--version']);

    // Assess
    expect(rebuild.exitCode, rebuild.stderr).toBe(0);
    expect(statSync(join(copy, 'repo', 'dist/cli/caster-carousel.js')).mode & 0o111).toBe(0o111);
    expect(afterRebuild.stderr).not.toContain('Permission denied');
    expect(afterRebuild.exitCode, afterRebuild.stderr).toBe(0);
    expect(afterRebuild.stdout.trim()).toBe(beforeRebuild.stdout.trim());
    expect(afterRebuild.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  }, 180_000);
});
