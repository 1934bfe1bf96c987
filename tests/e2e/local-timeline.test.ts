import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE_AUTH_KEY, samplePlan } from '../support/plan-fixtures';
import { runBuiltCli } from '../support/run-built-cli';

const root = fileURLToPath(new URL('../../', import.meta.url));
const startScript = join(root, 'dist/local/start.js');

/** `npm start` with an empty home: the page at /_local/timeline draws what the functions and the CLI schedule. */
describe('npm start serves the timeline page', () => {
  let child: ChildProcess;
  let printed = '';
  let homeDir: string;

  beforeAll(async () => {
    if (!existsSync(startScript)) throw new Error('dist/local/start.js is missing: run `npm run build` first (npm test does)');
    homeDir = await mkdtemp(join(tmpdir(), 'local-timeline-'));
    child = spawn(process.execPath, [startScript], {
      cwd: root,
      env: { PATH: process.env['PATH'] ?? '', HOME: homeDir, PORT: '0', EMULATOR_PORT: '0', LOG_LEVEL: 'warn' },
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
  }, 60_000);

  afterAll(async () => {
    if (child?.exitCode === null) child.kill('SIGKILL');
    if (homeDir) await rm(homeDir, { recursive: true, force: true });
  });

  it('prints the page URL in its banner and draws the groups the HTTP function and the CLI just scheduled, with no secret', async () => {
    // Prepare: one group through the HTTP function, one through the CLI with the exports the banner prints.
    const pageUrl = /timeline page\s+(http:\/\/127\.0\.0\.1:\d+\/_local\/timeline)/.exec(printed)?.[1];
    expect(pageUrl).toBeDefined();
    const exports = Object.fromEntries([...printed.matchAll(/\b([A-Z_]+)=(\S+)/g)].map((match) => [match[1], match[2]]));
    const planFile = join(homeDir, 'plan.json');
    await writeFile(planFile, JSON.stringify(samplePlan({ CasterId: exports['CASTER_ID'], RepeatNum: -1 })));
    const env = {
      HOME: homeDir,
      LIVE_ENDPOINT: exports['LIVE_ENDPOINT'] ?? '',
      LEDGER_FILE: exports['LEDGER_FILE'] ?? '',
      ALIBABA_CLOUD_ACCESS_KEY_ID: exports['ALIBABA_CLOUD_ACCESS_KEY_ID'] ?? '',
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: exports['ALIBABA_CLOUD_ACCESS_KEY_SECRET'] ?? '',
    };
    const submitted = await runBuiltCli(['submit', planFile], env);
    expect(submitted.exitCode).toBe(0);
    const programId = (JSON.parse(submitted.stdout) as { ProgramId: string }).ProgramId;
    const baseUrl = pageUrl?.replace('/_local/timeline', '') ?? '';
    const viaHttp = await fetch(`${baseUrl}/`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Idempotency-Key': 'local-timeline-test' },
      body: JSON.stringify(samplePlan({ RepeatNum: 2 })),
    });
    expect(viaHttp.status).toBe(201);
    const httpProgramId = ((await viaHttp.json()) as { ProgramId: string }).ProgramId;
    const viaTimer = await fetch(`${baseUrl}/_local/timer?name=nightly`, {
      method: 'POST',
      body: JSON.stringify(samplePlan({ StartOffset: 'PT30M', StartTime: undefined })),
    });
    const timerAnswer = await viaTimer.text();
    expect(viaTimer.status, timerAnswer).toBe(200);
    const timerProgramId = /"ProgramId":\s*"([^"]+)"/.exec(timerAnswer)?.[1];
    expect(timerProgramId).toBeDefined();
    // Act
    const response = await fetch(pageUrl ?? '');
    const html = await response.text();
    // Assess
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(html).toContain(`data-program-id="${programId}"`);
    expect(html).toContain(`data-program-id="${httpProgramId}"`);
    expect(html).toContain(`data-program-id="${timerProgramId}"`);
    expect(html).not.toContain(SAMPLE_AUTH_KEY);
  });
});
