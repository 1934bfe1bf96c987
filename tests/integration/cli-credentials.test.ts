import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { samplePlan } from '../support/plan-fixtures';
import { type CliRun, runBuiltCli } from '../support/run-built-cli';
import { type SignatureCheckingEndpoint, startSignatureCheckingEndpoint } from '../support/signature-checking-endpoint';

// The pair the endpoint accepts, stored in a different place by each test; and decoys stored elsewhere.
const ACCESS_KEY_ID = 'LTAI5tCredChainKey7Q2m';
const ACCESS_KEY_SECRET = 'cred-chain-secret-1f0e9d8c7b';
const STS_ACCESS_KEY_ID = 'STS.NUcredChainTemp4X9z';
const STS_SECRET = 'cred-chain-sts-secret-6a5b4c3d';
const STS_TOKEN = 'CAIS-cred-chain-sts-token-e2f3a4b5c6';
const DECOY_ID = 'LTAI5tDecoyKeyNotUsed000';
const DECOY_SECRET = 'decoy-secret-never-used-9988';
const SECRETS = [ACCESS_KEY_SECRET, STS_SECRET, STS_TOKEN, DECOY_SECRET];

type Profile = Record<string, string>;
const akProfile = (name: string, id: string, secret: string): Profile => ({
  name,
  mode: 'AK',
  access_key_id: id,
  access_key_secret: secret,
  region_id: 'cn-shanghai',
});
const stsProfile = (name: string): Profile => ({
  name,
  mode: 'StsToken',
  access_key_id: STS_ACCESS_KEY_ID,
  access_key_secret: STS_SECRET,
  sts_token: STS_TOKEN,
  region_id: 'cn-shanghai',
});

describe('caster-carousel credentials: the Alibaba Cloud default chain (the built binary)', () => {
  let workDir: string;
  let endpoint: SignatureCheckingEndpoint | undefined;
  const outputs: CliRun[] = [];

  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'cli-credentials-'));
  });
  afterAll(async () => {
    await rm(workDir, { recursive: true, force: true });
  });
  afterEach(async () => {
    await endpoint?.close();
    endpoint = undefined;
  });

  /** A fresh HOME holding the given aliyun CLI config and ~/.alibabacloud/credentials text. */
  const homeWith = async (files: { aliyunConfig?: unknown; credentialsIni?: string }): Promise<string> => {
    const home = await mkdtemp(join(workDir, 'home-'));
    if (files.aliyunConfig !== undefined) {
      await mkdir(join(home, '.aliyun'));
      const text = typeof files.aliyunConfig === 'string' ? files.aliyunConfig : JSON.stringify(files.aliyunConfig, null, 2);
      await writeFile(join(home, '.aliyun', 'config.json'), text);
    }
    if (files.credentialsIni !== undefined) {
      await mkdir(join(home, '.alibabacloud'));
      await writeFile(join(home, '.alibabacloud', 'credentials'), files.credentialsIni);
    }
    return home;
  };
  const accepting = async (id: string, secret: string, token?: string): Promise<SignatureCheckingEndpoint> => {
    endpoint = await startSignatureCheckingEndpoint(id, secret, token);
    return endpoint;
  };
  const cli = async (args: string[], env: Record<string, string>): Promise<CliRun> => {
    const result = await runBuiltCli(args, { LIVE_ENDPOINT: endpoint?.url ?? 'http://127.0.0.1:9', ...env });
    outputs.push(result);
    return result;
  };
  const submitPlan = async (env: Record<string, string>, args: string[] = []): Promise<CliRun> => {
    const file = join(workDir, `plan-${outputs.length}.json`);
    await writeFile(file, JSON.stringify(samplePlan({ CasterId: 'LIVEPRODUCER_POST-cn-0pp1czt0001' })));
    return cli(['submit', file, ...args], env);
  };

  it('takes the pair from ALIBABA_CLOUD_ACCESS_KEY_ID/_SECRET first, over any profile file', async () => {
    // Prepare
    const live = await accepting(ACCESS_KEY_ID, ACCESS_KEY_SECRET);
    const home = await homeWith({ aliyunConfig: { current: 'decoy', profiles: [akProfile('decoy', DECOY_ID, DECOY_SECRET)] } });
    const env = { HOME: home, ALIBABA_CLOUD_ACCESS_KEY_ID: ACCESS_KEY_ID, ALIBABA_CLOUD_ACCESS_KEY_SECRET: ACCESS_KEY_SECRET };

    // Act
    const whoami = await cli(['whoami'], env);
    const submit = await submitPlan(env);

    // Assess
    expect(whoami.exitCode, whoami.stderr).toBe(0);
    expect(whoami.stdout).toMatch(/^Credentials: +environment variables ALIBABA_CLOUD_ACCESS_KEY_ID/m);
    expect(whoami.stdout).toMatch(/^AccessKeyId: +\*{18}7Q2m$/m);
    expect(whoami.stdout).toMatch(/^STS token: +no$/m);
    expect(whoami.stdout).toContain(`Endpoint:    ${live.url}`);
    expect(whoami.stdout).toMatch(/^Region: +cn-shanghai$/m);
    expect(whoami.stdout).toMatch(/^Check: +accepted: /m);
    expect(submit.exitCode, submit.stderr).toBe(0);
    expect(live.received.every((request) => request.signatureValid && request.params['AccessKeyId'] === ACCESS_KEY_ID)).toBe(true);
  });

  it("uses the current AK profile of the aliyun CLI's ~/.aliyun/config.json", async () => {
    // Prepare
    const live = await accepting(ACCESS_KEY_ID, ACCESS_KEY_SECRET);
    const home = await homeWith({
      aliyunConfig: {
        current: 'main',
        profiles: [akProfile('other', DECOY_ID, DECOY_SECRET), akProfile('main', ACCESS_KEY_ID, ACCESS_KEY_SECRET)],
      },
    });

    // Act
    const whoami = await cli(['whoami'], { HOME: home });
    const submit = await submitPlan({ HOME: home });

    // Assess
    expect(whoami.exitCode, whoami.stderr).toBe(0);
    expect(whoami.stdout).toMatch(/^Credentials: +aliyun CLI profile "main" in .*\.aliyun\/config\.json \(static_ak\)$/m);
    expect(submit.exitCode, submit.stderr).toBe(0);
    expect(JSON.parse(submit.stdout).ProgramId).toBe('program-1');
    expect(live.received.map((request) => request.signatureValid)).toEqual([true, true, true]);
  });

  it('signs with the STS token of a StsToken profile', async () => {
    // Prepare
    const live = await accepting(STS_ACCESS_KEY_ID, STS_SECRET, STS_TOKEN);
    const home = await homeWith({ aliyunConfig: { current: 'temporary', profiles: [stsProfile('temporary')] } });

    // Act
    const whoami = await cli(['whoami'], { HOME: home });
    const submit = await submitPlan({ HOME: home });

    // Assess
    expect(whoami.exitCode, whoami.stderr).toBe(0);
    expect(whoami.stdout).toMatch(/^STS token: +yes \(not shown\)$/m);
    expect(whoami.stdout).toContain('(static_sts)');
    expect(submit.exitCode, submit.stderr).toBe(0);
    expect(live.received.every((request) => request.signatureValid && request.params['SecurityToken'] === STS_TOKEN)).toBe(true);
  });

  it('uses the profile named by --profile instead of the current one', async () => {
    // Prepare
    const live = await accepting(STS_ACCESS_KEY_ID, STS_SECRET, STS_TOKEN);
    const home = await homeWith({
      aliyunConfig: { current: 'decoy', profiles: [akProfile('decoy', DECOY_ID, DECOY_SECRET), stsProfile('deploy')] },
    });

    // Act
    const submit = await submitPlan({ HOME: home }, ['--profile', 'deploy']);
    const config = await cli(['config', 'LIVEPRODUCER_POST-cn-0pp1czt0001', '--profile=deploy'], { HOME: home });

    // Assess
    expect(submit.exitCode, submit.stderr).toBe(0);
    expect(config.exitCode, config.stderr).toBe(0);
    expect(live.received.length).toBeGreaterThanOrEqual(3);
    expect(live.received.every((request) => request.signatureValid)).toBe(true);
  });

  it('uses the profile named by ALIBABA_CLOUD_PROFILE', async () => {
    // Prepare
    const live = await accepting(ACCESS_KEY_ID, ACCESS_KEY_SECRET);
    const home = await homeWith({
      aliyunConfig: {
        current: 'decoy',
        profiles: [akProfile('decoy', DECOY_ID, DECOY_SECRET), akProfile('ci', ACCESS_KEY_ID, ACCESS_KEY_SECRET)],
      },
    });

    // Act
    const whoami = await cli(['whoami'], { HOME: home, ALIBABA_CLOUD_PROFILE: 'ci' });
    const deletion = await cli(['delete', 'program-7'], { HOME: home, ALIBABA_CLOUD_PROFILE: 'ci' });

    // Assess
    expect(whoami.exitCode, whoami.stderr).toBe(0);
    expect(whoami.stdout).toContain('aliyun CLI profile "ci"');
    expect(deletion.exitCode, deletion.stderr).toBe(0);
    expect(live.received.every((request) => request.signatureValid)).toBe(true);
  });

  it('reads the [default] access_key profile of ~/.alibabacloud/credentials, and another one by --profile', async () => {
    // Prepare
    const live = await accepting(ACCESS_KEY_ID, ACCESS_KEY_SECRET);
    const home = await homeWith({
      credentialsIni: [
        '[default]',
        'type = access_key',
        `access_key_id = ${ACCESS_KEY_ID}`,
        `access_key_secret = ${ACCESS_KEY_SECRET}`,
        '',
        '[staging]',
        'type = access_key',
        `access_key_id = ${ACCESS_KEY_ID}`,
        `access_key_secret = ${ACCESS_KEY_SECRET}`,
        '',
      ].join('\n'),
    });

    // Act
    const byDefault = await cli(['whoami'], { HOME: home });
    const byName = await cli(['whoami', '--profile', 'staging'], { HOME: home });
    const submit = await submitPlan({ HOME: home });

    // Assess
    expect(byDefault.exitCode, byDefault.stderr).toBe(0);
    expect(byDefault.stdout).toMatch(/^Credentials: +profile "default" in .*\.alibabacloud\/credentials \(static_ak\)$/m);
    expect(byName.exitCode, byName.stderr).toBe(0);
    expect(byName.stdout).toContain('profile "staging" in');
    expect(submit.exitCode, submit.stderr).toBe(0);
    expect(live.received.every((request) => request.signatureValid)).toBe(true);
  });

  it('fails with exit 2 naming every source tried when no source has credentials, and sends nothing', async () => {
    // Prepare
    const live = await accepting(ACCESS_KEY_ID, ACCESS_KEY_SECRET);
    const home = await homeWith({});

    // Act
    const result = await submitPlan({ HOME: home });

    // Assess
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('Missing credentials');
    expect(result.stderr).toContain('environment variables ALIBABA_CLOUD_ACCESS_KEY_ID');
    expect(result.stderr).toContain('.aliyun/config.json');
    expect(result.stderr).toContain('.alibabacloud/credentials');
    expect(result.stderr).toContain('ECS RAM role (instance metadata service): IMDS credentials is disabled');
    expect(live.received).toHaveLength(0);
  });

  it('fails with exit 2 when --profile names no profile, even with variables set', async () => {
    // Prepare
    const live = await accepting(ACCESS_KEY_ID, ACCESS_KEY_SECRET);
    const home = await homeWith({ aliyunConfig: { current: 'main', profiles: [akProfile('main', ACCESS_KEY_ID, ACCESS_KEY_SECRET)] } });

    // Act
    const result = await cli(['whoami', '--profile', 'nope'], {
      HOME: home,
      ALIBABA_CLOUD_ACCESS_KEY_ID: ACCESS_KEY_ID,
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: ACCESS_KEY_SECRET,
    });

    // Assess
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("unable to get profile with 'nope'");
    expect(result.stderr).toContain('No profile named "nope" supplied credentials.');
    expect(live.received).toHaveLength(0);
  });

  it('never quotes a broken config.json, which holds secrets', async () => {
    // Prepare
    await accepting(ACCESS_KEY_ID, ACCESS_KEY_SECRET);
    const home = await homeWith({ aliyunConfig: `{"current": "main", "profiles": [{"access_key_secret": "${DECOY_SECRET}",` });

    // Act
    const result = await cli(['whoami'], { HOME: home });

    // Assess
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('parse aliyun cli config from');
    expect(result.stderr).not.toContain(DECOY_SECRET);
  });

  it('tells keys the endpoint refuses from an endpoint that does not answer, exit 1 for both', async () => {
    // Prepare
    await accepting(ACCESS_KEY_ID, ACCESS_KEY_SECRET);
    const wrongSecret = { ALIBABA_CLOUD_ACCESS_KEY_ID: ACCESS_KEY_ID, ALIBABA_CLOUD_ACCESS_KEY_SECRET: DECOY_SECRET };

    // Act
    const refused = await cli(['whoami'], wrongSecret);
    const unreachable = await runBuiltCli(['whoami'], { ...wrongSecret, LIVE_ENDPOINT: 'http://127.0.0.1:9' });
    outputs.push(unreachable);

    // Assess
    expect(refused.exitCode).toBe(1);
    expect(refused.stdout).toMatch(
      /^Check: +rejected: the endpoint refused these credentials; DescribeCasterConfig .* answered SignatureDoesNotMatch/m,
    );
    expect(unreachable.exitCode).toBe(1);
    expect(unreachable.stdout).toMatch(/^Check: +unreachable: DescribeCasterConfig .* got no answer \(ConnectionFailed/m);
  });

  it('tells valid keys that lack a permission apart: denied, exit 1', async () => {
    // Prepare
    const live = await accepting(ACCESS_KEY_ID, ACCESS_KEY_SECRET);
    live.script('DescribeCasterConfig', [
      { status: 403, body: { Code: 'Forbidden.RAM', Message: 'User not authorized to operate on the specified resource.' } },
    ]);

    // Act
    const result = await cli(['whoami'], {
      ALIBABA_CLOUD_ACCESS_KEY_ID: ACCESS_KEY_ID,
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: ACCESS_KEY_SECRET,
    });

    // Assess
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(/^Check: +denied: the keys are valid but lack permission; .* answered Forbidden\.RAM/m);
  });

  it('shows a dry run with a placeholder AccessKeyId when no source has credentials, and sends nothing', async () => {
    // Prepare
    const live = await accepting(ACCESS_KEY_ID, ACCESS_KEY_SECRET);

    // Act
    const result = await submitPlan({ HOME: await homeWith({}) }, ['--dry-run']);

    // Assess
    expect(result.exitCode, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout).params.AccessKeyId).toBe('<ALIBABA_CLOUD_ACCESS_KEY_ID>');
    expect(live.received).toHaveLength(0);
  });

  it('never prints a secret, in any output of any run above', () => {
    // Assess
    expect(outputs.length).toBeGreaterThan(12);
    const everything = outputs.map((output) => output.stdout + output.stderr).join('\n');
    for (const secret of SECRETS) expect(everything).not.toContain(secret);
    expect(everything).not.toContain(ACCESS_KEY_ID);
  });
});
