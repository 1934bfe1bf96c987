import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CLI_PATH = fileURLToPath(new URL('../../dist/cli/caster-carousel.js', import.meta.url));

export interface CliRun {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

// An empty home directory, so the credential chain never reads the profiles of whoever runs the tests.
let emptyHome: string | undefined;
function emptyHomeDirectory(): string {
  emptyHome ??= mkdtempSync(join(tmpdir(), 'cli-empty-home-'));
  return emptyHome;
}

/**
 * Runs the built CLI as a user would, in a child process with exactly the given environment, plus an empty HOME
 * unless one is given, and the ECS metadata lookup switched off: the credential chain must never leave loopback.
 */
export function runBuiltCli(args: string[], env: Record<string, string>, stdin?: string): Promise<CliRun> {
  if (!existsSync(CLI_PATH)) throw new Error('dist/cli is missing: run `npm run build` first (npm test does)');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_PATH, ...args], {
      env: { PATH: process.env['PATH'] ?? '', HOME: emptyHomeDirectory(), ...env, ALIBABA_CLOUD_ECS_METADATA_DISABLED: 'true' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ exitCode: code ?? -1, stdout, stderr }));
    child.stdin.end(stdin ?? '');
  });
}
