import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const startScript = join(root, 'dist/local/start.js');

/** Runs `node dist/local/start.js` (what `npm start` runs after building) on free ports and reads what it prints. */
describe('npm start', () => {
  let child: ChildProcess;
  let printed = '';
  let baseUrl = '';
  let emulatorUrl = '';

  beforeAll(async () => {
    if (!existsSync(startScript))
      execFileSync(process.execPath, [join(root, 'scripts/build.mjs')], { cwd: root, stdio: 'ignore', timeout: 120_000 });
    child = spawn(process.execPath, [startScript], {
      cwd: root,
      env: { ...process.env, PORT: '0', EMULATOR_PORT: '0', LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.setEncoding('utf8').on('data', (text: string) => (printed += text));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`npm start printed no instructions:\n${printed}`)), 20_000);
      child.stdout?.on('data', () => {
        if (!printed.includes('Ctrl-C stops everything')) return;
        clearTimeout(timer);
        resolve();
      });
      child.once('exit', (code) => reject(new Error(`npm start exited with ${code}:\n${printed}`)));
    });
    baseUrl = /POST (http:\/\/127\.0\.0\.1:\d+)\//.exec(printed)?.[1] ?? '';
    emulatorUrl = /curl -s (http:\/\/127\.0\.0\.1:\d+)\/_emulator\/episode-groups/.exec(printed)?.[1] ?? '';
  }, 150_000);

  afterAll(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });

  it('prints copy-paste commands for each way to schedule, the result, and the CLI', () => {
    // Assess
    expect(baseUrl).not.toBe('');
    expect(emulatorUrl).not.toBe('');
    expect(printed).toContain(
      `curl -i -X POST ${baseUrl}/ -H 'Content-Type: application/json' -H 'Idempotency-Key: demo-1' --data-binary @examples/plan.json`,
    );
    expect(printed).toContain(`curl -i -X POST ${baseUrl}/_local/timer --data-binary @examples/timer-payload.json`);
    expect(printed).toContain(`curl -i -X POST ${baseUrl}/_local/event`);
    expect(printed).toContain('npx caster-carousel submit examples/plan.json');
    expect(printed).toContain(`LIVE_ENDPOINT=${emulatorUrl}`);
  });

  it('schedules the example plan through the HTTP, timer and event functions', async () => {
    // Prepare
    const plan = readFileSync(join(root, 'examples/plan.json'), 'utf8');
    const timerPayload = readFileSync(join(root, 'examples/timer-payload.json'), 'utf8');

    // Act
    const http = await fetch(`${baseUrl}/`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Idempotency-Key': 'local-start-test' },
      body: plan,
    });
    const timer = await fetch(`${baseUrl}/_local/timer`, { method: 'POST', body: timerPayload });
    const event = await fetch(`${baseUrl}/_local/event`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: plan });
    const wrongMethod = await fetch(`${baseUrl}/`, { method: 'GET' });

    // Assess
    expect(http.status).toBe(201);
    expect(timer.status).toBe(200);
    expect(event.status).toBe(200);
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('POST');
    const groups = (await (await fetch(`${emulatorUrl}/_emulator/episode-groups`)).json()) as { EpisodeGroups: unknown[] };
    expect(groups.EpisodeGroups).toHaveLength(3);
  });

  it('stops everything and exits 0 on SIGINT', async () => {
    // Act
    const exitCode = await new Promise<number | null>((resolve) => {
      child.once('exit', (code) => resolve(code));
      child.kill('SIGINT');
    });

    // Assess
    expect(exitCode).toBe(0);
    await expect(fetch(`${baseUrl}/`, { method: 'POST' })).rejects.toThrow();
    await expect(fetch(`${emulatorUrl}/_emulator/health`)).rejects.toThrow();
  });
});
