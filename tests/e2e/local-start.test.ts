import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalHost, startLocalHost } from '../support/local-host';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** Runs `node dist/local/start.js` (what `npm start` runs after building) on free ports and reads what it prints. */
describe('npm start', () => {
  let host: LocalHost;
  let printed = '';
  let baseUrl = '';
  let emulatorUrl = '';

  beforeAll(async () => {
    host = await startLocalHost({ LOG_LEVEL: 'warn' });
    ({ baseUrl, emulatorUrl } = host);
    printed = host.output();
  }, 150_000);

  afterAll(async () => {
    await host?.stop();
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
    const exitCode = await host.interrupt();

    // Assess
    expect(exitCode).toBe(0);
    await expect(fetch(`${baseUrl}/`, { method: 'POST' })).rejects.toThrow();
    await expect(fetch(`${emulatorUrl}/_emulator/health`)).rejects.toThrow();
  });
});
