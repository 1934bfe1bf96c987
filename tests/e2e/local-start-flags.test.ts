import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { samplePlan } from '../support/plan-fixtures';

const root = fileURLToPath(new URL('../../', import.meta.url));
const startScript = join(root, 'dist/local/start.js');
const workDir = mkdtempSync(join(tmpdir(), 'local-start-flags-'));

interface RunningStack {
  readonly child: ChildProcess;
  readonly baseUrl: string;
  readonly emulatorUrl: string;
  readonly printed: () => string;
}

const running: ChildProcess[] = [];

beforeAll(() => {
  if (!existsSync(startScript))
    execFileSync(process.execPath, [join(root, 'scripts/build.mjs')], { cwd: root, stdio: 'ignore', timeout: 120_000 });
});
afterEach(() => {
  for (const child of running.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

/** Starts what `npm start -- ARGS` runs after building, on free ports, with `env` added to this process's. */
async function startStack(args: readonly string[], env: Record<string, string> = {}): Promise<RunningStack> {
  const child = spawn(process.execPath, [startScript, ...args], {
    cwd: root,
    env: { ...process.env, PORT: '0', EMULATOR_PORT: '0', LOG_LEVEL: 'error', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.push(child);
  let printed = '';
  child.stdout?.setEncoding('utf8').on('data', (text: string) => (printed += text));
  child.stderr?.setEncoding('utf8').on('data', (text: string) => (printed += text));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`npm start printed no instructions:\n${printed}`)), 30_000);
    child.stdout?.on('data', () => {
      if (!printed.includes('Ctrl-C stops everything')) return;
      clearTimeout(timer);
      resolve();
    });
    child.once('exit', (code) => reject(new Error(`npm start exited with ${code}:\n${printed}`)));
  });
  return {
    child,
    baseUrl: /POST (http:\/\/127\.0\.0\.1:\d+)\//.exec(printed)?.[1] ?? '',
    emulatorUrl: /curl -s (http:\/\/127\.0\.0\.1:\d+)\/_emulator\/episode-groups/.exec(printed)?.[1] ?? '',
    printed: () => printed,
  };
}

function postPlan(stack: RunningStack, plan: Record<string, unknown> = samplePlan()): Promise<Response> {
  return fetch(`${stack.baseUrl}/`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(plan) });
}

describe('npm start -- --faults reaches the emulator, so the HTTP function shows each failure', () => {
  it('answers 429 with Retry-After when every Live API call is throttled (--faults throttle=1)', async () => {
    // Prepare
    const stack = await startStack(['--faults', 'throttle=1', '--seed', '7']);
    // Act
    const response = await postPlan(stack);
    // Assess
    expect(response.status).toBe(429);
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await response.json()).toMatchObject({ error: 'Throttled' });
    expect(stack.printed()).toContain('injected faults     throttle=1 (--seed 7 replays them)');
  }, 60_000);

  it('answers 503 when the Live API is unavailable (--faults error503=1)', async () => {
    // Prepare
    const stack = await startStack(['--faults=error503=1']);
    // Act
    const response = await postPlan(stack);
    // Assess
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ error: 'LiveApiUnavailable', code: 'ServiceUnavailable' });
  }, 60_000);

  it('answers 504 when the Live API is slower than the user’s LIVE_TIMEOUT_MS (--faults latency=3000)', async () => {
    // Prepare: LIVE_TIMEOUT_MS comes from the user's environment and must reach the function.
    const stack = await startStack(['--faults', 'latency=3000'], { LIVE_TIMEOUT_MS: '200' });
    // Act
    const response = await postPlan(stack);
    // Assess
    expect(response.status).toBe(504);
    expect(await response.json()).toMatchObject({ error: 'LiveApiTimeout' });
  }, 60_000);
});

describe('npm start -- --casters and --data', () => {
  it('schedules into the first studio of the casters file and keeps the group in the data file', async () => {
    // Prepare
    const castersFile = join(workDir, 'casters.json');
    const dataFile = join(workDir, 'data.json');
    const studio = {
      CasterId: 'LIVEPRODUCER_POST-cn-flags0001',
      CallbackUrl: 'http://flags.example.com/caster/flags?auth_key=1893456000-0-0-cccccccccccccccccccccccccccccccc',
      DomainName: 'flags.example.com',
    };
    writeFileSync(castersFile, JSON.stringify([studio]));
    // The user's own keys must not be used by the stack: the emulator would refuse them.
    const stack = await startStack(['--casters', castersFile, '--data', dataFile], {
      ALIBABA_CLOUD_ACCESS_KEY_ID: 'LTAI5tUserOwnKeyNotForLocal',
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'user-own-secret-not-for-local',
      CASTER_ID: '',
    });
    // Act
    const response = await postPlan(stack);
    // Assess
    expect(response.status).toBe(201);
    const { ProgramId } = (await response.json()) as { ProgramId: string };
    const groups = (await (await fetch(`${stack.emulatorUrl}/_emulator/episode-groups`)).json()) as {
      EpisodeGroups: Array<{ ProgramId: string; CasterId: string }>;
    };
    expect(groups.EpisodeGroups).toEqual([expect.objectContaining({ ProgramId, CasterId: studio.CasterId })]);
    expect(readFileSync(dataFile, 'utf8')).toContain(ProgramId);
    expect(stack.printed()).not.toContain('user-own-secret-not-for-local');
  }, 60_000);
});

describe('npm start with a flag it does not know', () => {
  it('exits 2 with a usage error naming the flag, and starts nothing', async () => {
    // Prepare
    const child = spawn(process.execPath, [startScript, '--fault', 'throttle=1'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    running.push(child);
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    // Act
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    // Assess
    expect(code).toBe(2);
    expect(stderr).toContain('Unknown flag "--fault"');
    expect(stderr).toContain('Usage: npm start -- [--faults SPEC]');
  }, 30_000);
});
