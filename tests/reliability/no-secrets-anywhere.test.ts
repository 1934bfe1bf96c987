/**
 * No secret anywhere a person or a log pipeline can see: this file runs the representative end-to-end flows
 * itself (the BUILT CLI with debug logs; each BUILT function on the local FC host with debug logs through
 * success, retry, throttling, a signature failure and invalid input; the emulator's CLI banner, request log and
 * inspection endpoints), captures every stdout/stderr chunk, log line, handler result, error message and HTTP
 * response body, and proves none holds a secret in any encoding: AccessKey secrets (the right and the wrong
 * ones), STS tokens, every signature actually sent (V1 base64 and ACS3 hex, recorded on the wire by a proxy in
 * front of the emulator) and `auth_key` values.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FaultSpec, type RunningEmulator, startEmulator } from '../../emulator/index';
import { cloudEvent, cloudEventBuffer, httpEventBuffer, timerEventBuffer } from '../support/fc-events';
import { type Fleet, type FleetInstance, type FunctionName, type InvocationOutcome, startFleet } from '../support/reliability-fleet';
import { type RecordingProxy, startRecordingProxy } from '../support/reliability-recording-proxy';
import { CLI_PATH, type CliRun, runBuiltCli } from '../support/run-built-cli';
import { describeFindings, findSecrets, OutputRecorder, registerTestSecret } from '../support/secret-scan';

// Secrets with '+', '/' and '=' in them, so that every encoding of them is exercised.
const base64Secret = (bytes: number): string => randomBytes(bytes).toString('base64');
const CLI_KEYS = {
  accessKeyId: `STS.Cli${randomBytes(6).toString('hex')}`,
  accessKeySecret: base64Secret(21),
  securityToken: `CAIS+${base64Secret(40)}`,
};
const FUNCTION_KEYS = {
  accessKeyId: `STS.Fn${randomBytes(6).toString('hex')}`,
  accessKeySecret: base64Secret(21),
  securityToken: `CAIS/${base64Secret(40)}`,
};
const WRONG_CLI_SECRET = base64Secret(21);
const WRONG_FUNCTION_SECRET = base64Secret(21);
const VOD_AUTH_KEY = `1893456000-0-0-${randomBytes(16).toString('hex')}`;
const STUDIO = {
  CasterId: 'LIVEPRODUCER_POST-cn-secrets0001',
  CasterName: 'secret-scan-studio',
  CallbackUrl: `http://secrets.example.com/caster/c1?auth_key=1893456000-0-0-${randomBytes(16).toString('hex')}`,
  DomainName: 'secrets.example.com',
  SideOutputUrl: `rtmp://secrets.example.com/caster/c1?auth_key=1893456000-0-0-${randomBytes(16).toString('hex')}`,
};
const STATIC_SECRETS = {
  'CLI AccessKey secret': CLI_KEYS.accessKeySecret,
  'CLI STS token': CLI_KEYS.securityToken,
  'function AccessKey secret': FUNCTION_KEYS.accessKeySecret,
  'function STS token': FUNCTION_KEYS.securityToken,
  'wrong CLI AccessKey secret': WRONG_CLI_SECRET,
  'wrong function AccessKey secret': WRONG_FUNCTION_SECRET,
  'VOD auth_key': VOD_AUTH_KEY,
  'studio CallbackUrl auth_key': STUDIO.CallbackUrl.split('auth_key=')[1]!,
  'studio SideOutputUrl auth_key': STUDIO.SideOutputUrl.split('auth_key=')[1]!,
};

for (const [label, value] of Object.entries(STATIC_SECRETS)) registerTestSecret(label, value);

type Endpoint = 'clean' | 'flaky' | 'throttling';
const ENDPOINT_FAULTS: Record<Endpoint, FaultSpec | undefined> = {
  clean: undefined,
  // Four attempts in ten fail: calls see retries, and few run out of attempts (that is a flow worth scanning too).
  flaky: { error500: 0.15, error503: 0.1, reset: 0.05, throttle: 0.1, lost: 0.03, latency: { minMs: 5, maxMs: 30, probability: 0.3 } },
  throttling: { throttle: 1 },
};

let planCounter = 0;
/** A plan whose VOD URL carries the auth_key, unique per call. */
function plan(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  planCounter += 1;
  return {
    CasterId: STUDIO.CasterId,
    StartTime: `2031-06-${String(1 + (planCounter % 28)).padStart(2, '0')}T10:00:00Z`,
    RepeatNum: 0,
    Items: [
      { ItemName: `secret scan ${planCounter}`, VodUrl: `https://vod.example.com/secret-scan/${planCounter}.mp4?auth_key=${VOD_AUTH_KEY}` },
      { ItemName: `secret scan ${planCounter} outro`, VodUrl: `https://vod.example.com/secret-scan/outro.flv?auth_key=${VOD_AUTH_KEY}` },
    ],
    ...overrides,
  };
}
const INVALID_PLAN = () =>
  plan({
    StartTime: '2031-06-01T10:00:00+08:00',
    Items: [{ ItemName: 'bad', VodUrl: `ftp://vod.example.com/a.avi?auth_key=${VOD_AUTH_KEY}` }],
  });

describe('no secret in any output of the CLI, the functions or the emulator', () => {
  const recorder = new OutputRecorder();
  const emulators = {} as Record<Endpoint, RunningEmulator>;
  const proxies = {} as Record<Endpoint, RecordingProxy>;
  let workDir: string;
  let fleet: Fleet;

  /** Every secret known so far: the fixed ones, plus every signature and STS token that went over the wire. */
  const allSecrets = (): { label: string; value: string }[] => [
    ...Object.entries(STATIC_SECRETS).map(([label, value]) => ({ label, value })),
    ...Object.values(proxies).flatMap((proxy) => [
      ...proxy.requests
        .filter((request) => request.signature)
        .map((request) => ({ label: `${request.algorithm} signature sent`, value: request.signature! })),
      ...proxy.securityTokens().map((value) => ({ label: 'STS token sent', value })),
    ]),
  ];
  /** Each leak in the outputs recorded from sources whose name starts with `prefix`, described without the secret. */
  const leaks = (prefix = ''): string[] => describeFindings([...recorder.scan(allSecrets(), prefix), ...recorder.scanUnredacted(prefix)]);

  beforeAll(async () => {
    workDir = mkdtempSync(join(tmpdir(), 'no-secrets-'));
    for (const endpoint of Object.keys(ENDPOINT_FAULTS) as Endpoint[]) {
      const faults = ENDPOINT_FAULTS[endpoint];
      emulators[endpoint] = await startEmulator({
        host: '127.0.0.1',
        port: 0,
        env: {},
        credentials: [CLI_KEYS, FUNCTION_KEYS],
        casters: [STUDIO],
        ...(faults ? { faults, seed: 4242 } : {}),
        onInternalError: (error) => recorder.record(`emulator ${endpoint} internal error`, String(error)),
      });
      proxies[endpoint] = await startRecordingProxy(emulators[endpoint].url);
    }
    const env = (endpoint: Endpoint, algorithm: 'v1' | 'acs3' = 'v1') => ({
      LIVE_ENDPOINT: proxies[endpoint].url,
      CASTER_ID: STUDIO.CasterId,
      LOG_LEVEL: 'debug',
      LIVE_SIGNATURE_ALGORITHM: algorithm,
    });
    const wrongKeys = { ...FUNCTION_KEYS, accessKeySecret: WRONG_FUNCTION_SECRET };
    const members: { name: FunctionName; instance: string; env: Record<string, string>; credentials?: typeof FUNCTION_KEYS }[] = [];
    for (const name of ['http', 'timer', 'event'] as const) {
      members.push({ name, instance: `${name} clean v1`, env: env('clean') });
      members.push({ name, instance: `${name} clean acs3`, env: env('clean', 'acs3') });
      members.push({ name, instance: `${name} flaky`, env: env('flaky', name === 'event' ? 'acs3' : 'v1') });
      members.push({ name, instance: `${name} throttling`, env: env('throttling') });
      members.push({ name, instance: `${name} bad signature v1`, env: env('clean'), credentials: wrongKeys });
      members.push({ name, instance: `${name} bad signature acs3`, env: env('clean', 'acs3'), credentials: wrongKeys });
    }
    fleet = startFleet(members, {
      env: {},
      credentials: FUNCTION_KEYS,
      timeoutSeconds: 60,
      onLine: (line) => recorder.record(`function ${line.instance} ${line.stream}`, line.text),
    });
  }, 30_000);

  afterAll(async () => {
    await fleet?.close();
    for (const proxy of Object.values(proxies)) await proxy.close();
    for (const emulator of Object.values(emulators)) await emulator.close();
    rmSync(workDir, { recursive: true, force: true });
  }, 30_000);

  // ---------------------------------------------------------------------------------------------------------
  describe('the built CLI with LOG_LEVEL=debug', () => {
    const cliEnv = (endpoint: Endpoint, overrides: Record<string, string> = {}): Record<string, string> => ({
      ALIBABA_CLOUD_ACCESS_KEY_ID: CLI_KEYS.accessKeyId,
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: CLI_KEYS.accessKeySecret,
      ALIBABA_CLOUD_SECURITY_TOKEN: CLI_KEYS.securityToken,
      LIVE_ENDPOINT: proxies[endpoint].url,
      CASTER_ID: STUDIO.CasterId,
      LOG_LEVEL: 'debug',
      ...overrides,
    });
    const cli = async (name: string, args: string[], env: Record<string, string>, stdin?: string): Promise<CliRun> => {
      const run = await runBuiltCli(args, env, stdin);
      recorder.record(`cli ${name} stdout`, run.stdout);
      recorder.record(`cli ${name} stderr`, run.stderr);
      return run;
    };
    const planFile = (content: unknown): string => {
      const file = join(workDir, `plan-${(planCounter += 1)}.json`);
      writeFileSync(file, JSON.stringify(content));
      return file;
    };

    it('prints no secret while scheduling, looking up, deleting and dry-running, with V1 and ACS3 signatures', async () => {
      // Prepare
      const env = cliEnv('clean');

      // Act
      const submitted = await cli('submit v1', ['submit', planFile(plan())], env);
      const fromStdin = await cli(
        'submit acs3 stdin',
        ['submit', '-'],
        { ...env, LIVE_SIGNATURE_ALGORITHM: 'acs3' },
        JSON.stringify(plan()),
      );
      const dryRun = await cli('submit dry-run', ['submit', planFile(plan()), '--dry-run'], env);
      const config = await cli('config', ['config', STUDIO.CasterId], env);
      const deleted = await cli('delete', ['delete', String((JSON.parse(submitted.stdout) as { ProgramId: string }).ProgramId)], env);

      // Assess: the flows did what they say, and showed secrets only as <redacted>.
      expect([submitted, fromStdin, dryRun, config, deleted].map((run) => run.exitCode)).toEqual([0, 0, 0, 0, 0]);
      expect(proxies.clean.requests.some((request) => request.algorithm === 'acs3')).toBe(true);
      expect(dryRun.stdout).toMatch(/"Signature": "<redacted>"/);
      expect(dryRun.stdout).toMatch(/"SecurityToken": "<redacted>"/);
      expect(config.stdout).toContain('auth_key=<redacted>');
      expect(leaks('cli ')).toEqual([]);
    });

    it('prints no secret while retrying faults, giving up on throttling, failing a signature or refusing a plan', async () => {
      // Act
      // A few submissions, until one of them met a fault and retried (faults are drawn per request, ~40% of them).
      let flaky: CliRun | undefined;
      for (let submission = 1; submission <= 8 && !flaky?.stderr.includes('retrying'); submission += 1) {
        flaky = await cli(`submit flaky ${submission}`, ['submit', planFile(plan())], cliEnv('flaky'));
      }
      const throttled = await cli('submit throttled', ['submit', planFile(plan())], cliEnv('throttling'));
      const badV1 = await cli(
        'submit bad signature v1',
        ['submit', planFile(plan())],
        cliEnv('clean', { ALIBABA_CLOUD_ACCESS_KEY_SECRET: WRONG_CLI_SECRET }),
      );
      const badAcs3 = await cli(
        'submit bad signature acs3',
        ['submit', planFile(plan())],
        cliEnv('clean', { ALIBABA_CLOUD_ACCESS_KEY_SECRET: WRONG_CLI_SECRET, LIVE_SIGNATURE_ALGORITHM: 'acs3' }),
      );
      const invalid = await cli('submit invalid', ['submit', planFile(INVALID_PLAN())], cliEnv('clean'));

      // Assess
      expect(flaky?.stderr).toContain('retrying');
      expect(throttled.exitCode).toBe(1);
      expect(throttled.stderr).toContain('Throttling');
      expect([badV1.exitCode, badAcs3.exitCode]).toEqual([1, 1]);
      expect(badV1.stderr).toContain('SignatureDoesNotMatch');
      expect(badAcs3.stderr).toContain('SignatureDoesNotMatch');
      expect(invalid.exitCode).toBe(2);
      expect(leaks('cli ')).toEqual([]);
    }, 60_000);

    it('shows no secret from the environment in the emulator command banner', async () => {
      // Prepare: the emulator command with the keys in its environment and a studio file with auth_keys.
      const castersFile = join(workDir, 'casters.json');
      writeFileSync(castersFile, JSON.stringify([STUDIO]));
      const env = {
        PATH: process.env['PATH'] ?? '',
        ALIBABA_CLOUD_ACCESS_KEY_ID: CLI_KEYS.accessKeyId,
        ALIBABA_CLOUD_ACCESS_KEY_SECRET: CLI_KEYS.accessKeySecret,
        ALIBABA_CLOUD_SECURITY_TOKEN: CLI_KEYS.securityToken,
      };

      // Act: start it, wait for its banner, stop it.
      const child = spawn(
        process.execPath,
        [CLI_PATH, 'emulator', '--port', '0', '--casters', castersFile, '--faults', 'throttle=0.1,latency=5-10@0.5', '--seed', '7'],
        { env },
      );
      let stdout = '';
      let stderr = '';
      child.stderr.on('data', (chunk) => (stderr += chunk));
      const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
      const ready = new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (chunk) => {
          stdout += chunk;
          if (stdout.includes('Press Ctrl+C')) resolve();
        });
        child.on('close', () => reject(new Error(`emulator exited before its banner: ${stderr}`)));
      });
      await ready;
      // The banner is written just before the SIGTERM handler is installed, in the same synchronous run. Once the
      // emulator has answered a request, its event loop has turned since, so the handler is certainly in place.
      const url = /listening on (http:\/\/\S+?)\/?\n/.exec(stdout)?.[1];
      recorder.record('cli emulator health', await (await fetch(`${url}/_emulator/health`)).text());
      child.kill('SIGTERM'); // once: it stops on the first SIGTERM, and a second one would kill it outright
      const exitCode = await exited;
      recorder.record('cli emulator stdout', stdout);
      recorder.record('cli emulator stderr', stderr);

      // Assess
      expect(exitCode).toBe(0);
      expect(stdout).toContain('(secret not shown)');
      expect(stdout).toContain('Emulator stopped');
      expect(leaks('cli emulator')).toEqual([]);
    });
  });

  // ---------------------------------------------------------------------------------------------------------
  describe('each built function on the local FC host with LOG_LEVEL=debug', () => {
    const instance = (name: string): FleetInstance => {
      const found = fleet.instances.find((candidate) => candidate.instance === name);
      if (!found) throw new Error(`no instance ${name}`);
      return found;
    };
    const invoke = async (instanceName: string, event: Buffer): Promise<InvocationOutcome> => {
      const outcome = await instance(instanceName).invoke(event);
      recorder.recordJson(`function ${instanceName} outcome`, outcome);
      return outcome;
    };
    let tick = 0;
    /** One trigger of a function carrying `content` (a plan, or anything): an HTTP request, a tick, a CloudEvent. */
    const triggerOf = (name: FunctionName, content: unknown): Buffer => {
      tick += 1;
      if (name === 'http') return httpEventBuffer({ body: content, headers: { 'Idempotency-Key': `secret-scan-${tick}` } });
      if (name === 'timer')
        return timerEventBuffer({
          triggerName: 'secret-scan',
          triggerTime: new Date(Date.UTC(2031, 0, 1, 0, tick)).toISOString().replace(/\.\d{3}Z$/, 'Z'),
          payload: content,
        });
      return cloudEventBuffer(cloudEvent({ id: `secret-scan-${tick}`, source: 'acs.caster-carousel.secret-scan', data: content }));
    };
    /** What the outcome says about the trigger: `scheduled`, or the failure's reason. */
    const verdict = (name: FunctionName, outcome: InvocationOutcome): string => {
      if (name === 'http') {
        if (!outcome.ok) return `unhandled ${outcome.error.errorType}`;
        const response = outcome.result as { statusCode: number; body: string };
        return response.statusCode === 201 ? 'scheduled' : String((JSON.parse(response.body) as { error: string }).error);
      }
      if (outcome.ok) return 'scheduled';
      return /: (\w+)(?: [\w.]+)? \(/.exec(outcome.error.errorMessage)?.[1] ?? outcome.error.errorMessage;
    };

    it.each(['http', 'timer', 'event'] as const)(
      'the %s function logs and answers no secret through success, retries, throttling, a bad signature and invalid input',
      async (name) => {
        // Act
        const success = await invoke(`${name} clean v1`, triggerOf(name, plan()));
        const redelivered = triggerOf(name, plan());
        await invoke(`${name} clean acs3`, redelivered);
        const again = await invoke(`${name} clean v1`, redelivered);
        const flaky = [];
        for (let call = 0; call < 4; call += 1) flaky.push(await invoke(`${name} flaky`, triggerOf(name, plan())));
        const throttled = await invoke(`${name} throttling`, triggerOf(name, plan()));
        const badV1 = await invoke(`${name} bad signature v1`, triggerOf(name, plan()));
        const badAcs3 = await invoke(`${name} bad signature acs3`, triggerOf(name, plan()));
        const invalid = await invoke(`${name} clean v1`, triggerOf(name, INVALID_PLAN()));
        const notJson = await invoke(`${name} clean v1`, Buffer.from(`{"not json": auth_key=${VOD_AUTH_KEY}`));

        // Assess: each flow ended as it should...
        expect(verdict(name, success)).toBe('scheduled');
        expect(verdict(name, again)).toBe('scheduled');
        expect(
          flaky
            .map((outcome) => verdict(name, outcome))
            .filter((result) => result !== 'scheduled')
            .every((reason) => ['Throttled', 'LiveApiUnavailable'].includes(reason)),
        ).toBe(true);
        expect(verdict(name, throttled)).toBe('Throttled');
        expect([verdict(name, badV1), verdict(name, badAcs3)]).toEqual(['LiveApiError', 'LiveApiError']);
        expect(verdict(name, invalid)).toBe('InvalidPlan');
        expect(['InvalidEvent', 'InvalidPlan']).toContain(verdict(name, notJson));
        const logs = fleet.jsonLogs().filter((line) => line.instance.startsWith(`${name} `));
        expect(logs.some((line) => String(line['message']).includes('retrying'))).toBe(true);
        expect(logs.some((line) => JSON.stringify(line).includes('SignatureDoesNotMatch'))).toBe(true);
        // ...and nothing it logged or answered holds a secret.
        expect(leaks(`function ${name} `)).toEqual([]);
      },
      90_000,
    );
  });

  // ---------------------------------------------------------------------------------------------------------
  describe('the emulator', () => {
    it('shows no secret in its request log or its inspection endpoints', async () => {
      // Act
      for (const [endpoint, emulator] of Object.entries(emulators)) {
        for (const path of ['/_emulator/episode-groups', '/_emulator/requests', '/_emulator/health']) {
          const answer = await fetch(`${emulator.url}${path}`);
          recorder.record(`emulator ${endpoint} ${path}`, await answer.text());
        }
      }

      // Assess
      expect(recorder.textFrom('emulator clean /_emulator/requests')).toContain('SignatureDoesNotMatch');
      expect(leaks('emulator ')).toEqual([]);
    });
  });

  // ---------------------------------------------------------------------------------------------------------
  describe('everything captured above', () => {
    it('was scanned for secrets that really were on the wire, in the forms they took there', () => {
      // Assess: the scan is not vacuous. Signatures of both kinds and both STS tokens went out, and the scanner
      // finds them in the raw requests that carried them (percent-encoded, in query strings, bodies and headers).
      const requests = Object.values(proxies).flatMap((proxy) => proxy.requests);
      const v1 = requests.filter((request) => request.algorithm === 'v1');
      const acs3 = requests.filter((request) => request.algorithm === 'acs3');
      expect(v1.length).toBeGreaterThan(10);
      expect(acs3.length).toBeGreaterThan(5);
      expect(Object.values(proxies).flatMap((proxy) => proxy.securityTokens())).toEqual(
        expect.arrayContaining([CLI_KEYS.securityToken, FUNCTION_KEYS.securityToken]),
      );
      for (const request of [v1[0]!, acs3[0]!]) {
        const wire = `${request.url}\n${JSON.stringify(request.headers)}\n${request.body}`;
        expect(findSecrets(wire, [{ label: 'signature', value: request.signature! }]).length).toBeGreaterThan(0);
        expect(findSecrets(wire, { 'STS token': request.securityToken! }).length).toBeGreaterThan(0);
      }
      expect(findSecrets(requests.map((request) => request.body).join('\n'), { 'VOD auth_key': VOD_AUTH_KEY }).length).toBeGreaterThan(0);
      expect(recorder.charsFrom('cli ')).toBeGreaterThan(1_000);
      expect(recorder.charsFrom('function ')).toBeGreaterThan(10_000);
      expect(recorder.charsFrom('emulator ')).toBeGreaterThan(1_000);
    });

    it('holds no AccessKey secret, STS token, signature or auth_key value anywhere', () => {
      expect(leaks()).toEqual([]);
    });
  });
});
