import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE_AUTH_KEY, samplePlan } from '../support/plan-fixtures';
import { runBuiltCli } from '../support/run-built-cli';
import { type SignatureCheckingEndpoint, startSignatureCheckingEndpoint } from '../support/signature-checking-endpoint';

const ACCESS_KEY_ID = 'LTAI5tCheckTestKey0001';
const ACCESS_KEY_SECRET = 'check-test-secret-7d2f9a1c';
const SIGNED_HASH = 'feedfacefeedfacefeedfacefeedface';

describe('caster-carousel check (the built binary)', () => {
  let endpoint: SignatureCheckingEndpoint;
  let workDir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    endpoint = await startSignatureCheckingEndpoint(ACCESS_KEY_ID, ACCESS_KEY_SECRET);
    workDir = await mkdtemp(join(tmpdir(), 'cli-check-'));
    env = {
      LIVE_ENDPOINT: endpoint.url,
      ALIBABA_CLOUD_ACCESS_KEY_ID: ACCESS_KEY_ID,
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: ACCESS_KEY_SECRET,
      CASTER_ID: 'LIVEPRODUCER_POST-cn-check0001',
    };
  });
  afterAll(async () => {
    await endpoint?.close();
    await rm(workDir, { recursive: true, force: true });
  });

  async function planFile(name: string, content: string): Promise<string> {
    const path = join(workDir, name);
    await writeFile(path, content, 'utf8');
    return path;
  }

  it('exits 0 for a valid plan with an offset and a BOM, printing the UTC StartTime and the ClientToken as JSON, and sends nothing', async () => {
    // Prepare
    const path = await planFile('valid.json', `\uFEFF${JSON.stringify(samplePlan({ StartTime: '2031-03-07T03:00:00+08:00' }), null, 2)}`);

    // Act
    const run = await runBuiltCli(['check', path, '--json'], env);

    // Assess
    expect(run.exitCode).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      valid: true,
      StartTime: '2031-03-06T19:00:00Z',
      ClientToken: expect.any(String),
      warnings: [],
    });
    expect(endpoint.received).toHaveLength(0);
    expect(run.stdout + run.stderr).not.toContain(SAMPLE_AUTH_KEY);
  });

  it('exits 2 for an invalid plan, naming each field and rule on stderr without the values', async () => {
    // Prepare
    const plan = samplePlan({
      StartTime: '1970-01-01T00:00:00Z',
      Items: [{ ItemName: 'Bad\u202ename', VodUrl: 'https://cdn.example.com:99999/a.mp4' }],
    });
    const path = await planFile('invalid.json', JSON.stringify(plan));

    // Act
    const run = await runBuiltCli(['check', path], env);

    // Assess
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('StartTime: is in the past');
    expect(run.stderr).toContain('Items[0].ItemName: must not contain control characters');
    expect(run.stderr).toContain('Items[0].VodUrl: must have a port from 1 to 65535');
    expect(run.stderr).not.toContain('Bad');
    expect(endpoint.received).toHaveLength(0);
  });

  it('exits 2 with the line and column for a file that is not JSON', async () => {
    // Prepare
    const path = await planFile('broken.json', '{\n  "StartTime": "2031-03-06T19:00:00Z",\n  "auth_key": secret\n}');

    // Act
    const run = await runBuiltCli(['check', path], env);

    // Assess
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('is not valid JSON (line 3, column 15)');
    expect(run.stderr).not.toContain('secret');
  });

  it('with AUTH_KEY_VALIDITY_S, exits 2 for a URL whose signature expires before StartTime, and warns for a loop it does not outlast', async () => {
    // Prepare: signed an hour before the start; valid 30 minutes, then 2 hours
    const signedAtS = Date.parse('2031-03-06T18:00:00Z') / 1000;
    const vodUrl = `https://cdn.example.com/a.mp4?auth_key=${signedAtS}-0-0-${SIGNED_HASH}`;
    const path = await planFile('signed.json', JSON.stringify(samplePlan({ RepeatNum: -1, Items: [{ ItemName: 'E', VodUrl: vodUrl }] })));

    // Act
    const refused = await runBuiltCli(['check', path, '--utc'], { ...env, AUTH_KEY_VALIDITY_S: '1800' });
    const warned = await runBuiltCli(['check', path, '--json'], { ...env, AUTH_KEY_VALIDITY_S: '7200' });

    // Assess
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain('Items[0].VodUrl: its URL signature (type A) expires at 2031-03-06T18:30:00Z, before StartTime');
    expect(warned.exitCode).toBe(0);
    expect(JSON.parse(warned.stdout).warnings).toEqual([
      { field: 'Items[0].VodUrl', message: expect.stringContaining('expires at 2031-03-06T20:00:00Z while the group loops') },
    ]);
    expect(refused.stderr + warned.stdout).not.toContain(SIGNED_HASH);
  });

  it('exits 2 for a studio not on ALLOWED_CASTER_IDS', async () => {
    // Prepare
    const path = await planFile('other-studio.json', JSON.stringify(samplePlan({ CasterId: 'LIVEPRODUCER_POST-cn-other0002' })));

    // Act
    const run = await runBuiltCli(['check', path], { ...env, ALLOWED_CASTER_IDS: 'LIVEPRODUCER_POST-cn-check0001' });

    // Assess
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('CasterId: is not a studio this function may schedule for (ALLOWED_CASTER_IDS)');
  });
});
