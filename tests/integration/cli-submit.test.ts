import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type CliRun, runBuiltCli } from '../support/run-built-cli';
import { type SignatureCheckingEndpoint, startSignatureCheckingEndpoint } from '../support/signature-checking-endpoint';

const ACCESS_KEY_ID = 'STS.NUgYrLnoC37mZZCNnAbez';
const ACCESS_KEY_SECRET = 'cli-test-secret-8f3a9c2d71';
const SECURITY_TOKEN = 'CAIS-cli-test-security-token-55e1b0';
const VOD_AUTH_KEY = '1700000000-0-0-vodsecretvalue1234';
const SECRETS = [ACCESS_KEY_SECRET, SECURITY_TOKEN, VOD_AUTH_KEY, 'studiocallbacksecret', 'sideoutputsecret'];

const plan = {
  CasterId: 'LIVEPRODUCER_POST-cn-0pp1czt0001',
  StartTime: '2031-03-06T19:00:00Z',
  RepeatNum: -1,
  Items: [
    { ItemName: 'Episode 1', VodUrl: `https://cdn.example.com/ep1.mp4?auth_key=${VOD_AUTH_KEY}` },
    { ItemName: 'Episode 2', VodUrl: `https://cdn.example.com/ep2.flv?auth_key=${VOD_AUTH_KEY}` },
  ],
};
const planWithStudioFields = {
  ...plan,
  CallbackUrl: 'http://callback.example.com/caster/abc?auth_key=1700000000-0-0-studiocallbacksecret',
  DomainName: 'studio.example.com',
};

describe('caster-carousel submit against an endpoint that checks signatures', () => {
  let endpoint: SignatureCheckingEndpoint;
  let workDir: string;
  const outputs: CliRun[] = [];

  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'cli-submit-'));
  });
  afterAll(async () => {
    await rm(workDir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    endpoint = await startSignatureCheckingEndpoint(ACCESS_KEY_ID, ACCESS_KEY_SECRET, SECURITY_TOKEN);
  });
  afterEach(async () => {
    await endpoint.close();
  });

  const environment = (overrides: Record<string, string> = {}): Record<string, string> => ({
    ALIBABA_CLOUD_ACCESS_KEY_ID: ACCESS_KEY_ID,
    ALIBABA_CLOUD_ACCESS_KEY_SECRET: ACCESS_KEY_SECRET,
    ALIBABA_CLOUD_SECURITY_TOKEN: SECURITY_TOKEN,
    LIVE_ENDPOINT: endpoint.url,
    LOG_LEVEL: 'debug',
    ...overrides,
  });
  const submit = async (content: unknown, args: string[] = [], env = environment()): Promise<CliRun> => {
    const file = join(workDir, `plan-${outputs.length}.json`);
    await writeFile(file, typeof content === 'string' ? content : JSON.stringify(content));
    const run = await runBuiltCli(['submit', file, ...args], env);
    outputs.push(run);
    return run;
  };
  const addRequests = () => endpoint.received.filter((request) => request.action === 'AddCasterEpisodeGroup');

  it('reads the studio configuration before submitting, and prints the scheduled group', async () => {
    // Act
    const run = await submit(plan);

    // Assess
    expect(run.exitCode, run.stderr).toBe(0);
    expect(endpoint.received.map((request) => request.action)).toEqual(['DescribeCasterConfig', 'AddCasterEpisodeGroup']);
    const sent = addRequests()[0]!.params;
    expect(sent['CallbackUrl']).toContain('studiocallbacksecret');
    expect(sent['DomainName']).toBe('studio.example.com');
    expect(sent['Item.2.VodUrl']).toBe(plan.Items[1]!.VodUrl);
    const result = JSON.parse(run.stdout);
    expect(result).toEqual({
      ProgramId: 'program-1',
      ItemIds: ['item-1-1', 'item-1-2'],
      RequestId: expect.any(String),
      ClientToken: sent['ClientToken'],
      State: 'scheduled',
      // The plan's URLs are signed at a time before its StartTime: scheduled, with a warning for each.
      warnings: [
        { field: 'Items[0].VodUrl', message: expect.stringContaining('before StartTime') },
        { field: 'Items[1].VodUrl', message: expect.stringContaining('before StartTime') },
      ],
    });
  });

  it('retries a throttled submission with the same ClientToken and fresh nonces until it is accepted', async () => {
    // Prepare
    const throttled = { status: 400, body: { Code: 'Throttling.User', Message: 'Request was denied due to user flow control.' } };
    endpoint.script('AddCasterEpisodeGroup', [throttled, throttled]);

    // Act
    const run = await submit(planWithStudioFields);

    // Assess
    expect(run.exitCode, run.stderr).toBe(0);
    const attempts = addRequests();
    expect(attempts.map((request) => request.answeredStatus)).toEqual([400, 400, 200]);
    expect(attempts.every((request) => request.signatureValid)).toBe(true);
    expect(new Set(attempts.map((request) => request.params['ClientToken'])).size).toBe(1);
    expect(new Set(attempts.map((request) => request.params['SignatureNonce'])).size).toBe(3);
    expect(JSON.parse(run.stdout).ClientToken).toBe(attempts[0]!.params['ClientToken']);
  });

  it('retries a 503 ServiceUnavailable', async () => {
    // Prepare
    endpoint.script('AddCasterEpisodeGroup', [{ status: 503, body: { Code: 'ServiceUnavailable', Message: 'temporary failure' } }]);

    // Act
    const run = await submit(planWithStudioFields);

    // Assess
    expect(run.exitCode, run.stderr).toBe(0);
    expect(addRequests().map((request) => request.answeredStatus)).toEqual([503, 200]);
  });

  it('reports SignatureDoesNotMatch with its Code and RequestId, exits 1 and does not retry', async () => {
    // Act
    const run = await submit(planWithStudioFields, [], environment({ ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'a-wrong-secret-value-000' }));

    // Assess
    expect(run.exitCode).toBe(1);
    expect(addRequests()).toHaveLength(1);
    expect(run.stderr).toContain('Code: SignatureDoesNotMatch');
    expect(run.stderr).toMatch(/RequestId: [0-9A-F]{32}/);
    expect(run.stderr).not.toContain('a-wrong-secret-value-000');
  });

  it('rejects an invalid plan with exit 2, names the fields, and sends nothing', async () => {
    // Act
    const run = await submit({
      ...plan,
      StartTime: '2031-03-06 19:00:00',
      Items: [{ ItemName: 'x', VodUrl: `ftp://cdn.example.com/a.mp3?auth_key=${VOD_AUTH_KEY}` }],
    });

    // Assess
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('StartTime');
    expect(run.stderr).toContain('Items[0].VodUrl');
    expect(endpoint.received).toHaveLength(0);
  });

  it('rejects a file that is not JSON with exit 2 and sends nothing', async () => {
    // Act
    const run = await submit(`{"StartTime": "oops", "auth_key=${VOD_AUTH_KEY}`);

    // Assess
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('is not valid JSON');
    expect(endpoint.received).toHaveLength(0);
  });

  it('refuses to run without credentials, before anything is sent', async () => {
    // Act
    const run = await submit(planWithStudioFields, [], { LIVE_ENDPOINT: endpoint.url });

    // Assess
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('ALIBABA_CLOUD_ACCESS_KEY_ID');
    expect(endpoint.received).toHaveLength(0);
  });

  it('shows the exact parameters with --dry-run, secrets redacted, and sends nothing', async () => {
    // Act
    const run = await submit(planWithStudioFields, ['--dry-run']);

    // Assess
    expect(run.exitCode, run.stderr).toBe(0);
    const shown = JSON.parse(run.stdout);
    expect(shown.params).toMatchObject({
      Action: 'AddCasterEpisodeGroup',
      Version: '2016-11-01',
      Format: 'JSON',
      AccessKeyId: ACCESS_KEY_ID,
      SignatureMethod: 'HMAC-SHA1',
      SecurityToken: '<redacted>',
      Signature: '<redacted>',
      'Item.1.ItemName': 'Episode 1',
      'Item.1.VodUrl': 'https://cdn.example.com/ep1.mp4?auth_key=<redacted>',
      StartTime: '2031-03-06T19:00:00Z',
      RepeatNum: '-1',
    });
    expect(endpoint.received).toHaveLength(0);
  });

  it('accepts the plan on standard input', async () => {
    // Act
    const run = await runBuiltCli(['submit', '-'], environment(), JSON.stringify(planWithStudioFields));
    outputs.push(run);

    // Assess
    expect(run.exitCode, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).ProgramId).toBe('program-1');
  });

  it('gives the same ClientToken to the same plan, so a repeated submit cannot create a second group', async () => {
    // Act
    const first = await submit(planWithStudioFields);
    const second = await submit({ ...planWithStudioFields, Items: [...planWithStudioFields.Items] });

    // Assess
    expect(JSON.parse(first.stdout).ClientToken).toBe(JSON.parse(second.stdout).ClientToken);
  });

  it('shows a studio configuration and deletes a group', async () => {
    // Act
    const config = await runBuiltCli(['config', plan.CasterId], environment());
    const deletion = await runBuiltCli(['delete', 'program-9'], environment());
    outputs.push(config, deletion);

    // Assess
    expect(config.exitCode, config.stderr).toBe(0);
    expect(JSON.parse(config.stdout)).toMatchObject({
      DomainName: 'studio.example.com',
      CallbackUrl: 'http://callback.example.com/caster/abc?auth_key=<redacted>',
    });
    expect(deletion.exitCode, deletion.stderr).toBe(0);
    expect(JSON.parse(deletion.stdout)).toMatchObject({ ProgramId: 'program-9' });
    expect(endpoint.received.find((request) => request.action === 'DeleteCasterEpisodeGroup')?.params['ProgramId']).toBe('program-9');
  });

  it('never prints a secret, in any output of any run above', () => {
    // Assess
    expect(outputs.length).toBeGreaterThan(8);
    const everything = outputs.map((run) => run.stdout + run.stderr).join('\n');
    expect(everything).toContain('"level"'); // debug logs were on, so log lines were checked too
    for (const secret of SECRETS) expect(everything).not.toContain(secret);
    expect(everything).not.toMatch(/Signature=(?!<redacted>)/);
  });
});
