import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalHost, startLocalHost } from '../support/local-host';
import { SAMPLE_AUTH_KEY, samplePlan } from '../support/plan-fixtures';
import { runBuiltCli } from '../support/run-built-cli';

/** `npm start` with an empty home: the page at /_local/timeline draws what the functions and the CLI schedule. */
describe('npm start serves the timeline page', () => {
  let host: LocalHost;
  let printed = '';
  let homeDir: string;

  beforeAll(async () => {
    homeDir = await mkdtemp(join(tmpdir(), 'local-timeline-'));
    host = await startLocalHost({ HOME: homeDir, LOG_LEVEL: 'warn' });
    printed = host.output();
  }, 60_000);

  afterAll(async () => {
    await host?.stop();
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
