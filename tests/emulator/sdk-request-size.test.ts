import { connect } from 'node:net';
import OpenApiClient, { Config, OpenApiRequest, Params } from '@alicloud/openapi-client';
import OpenApiUtil from '@alicloud/openapi-util';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_REQUEST_BYTES, DEMO_CREDENTIALS, type RunningEmulator } from '../../emulator/index';
import { createLiveClient } from '../../shared/src/live/live-client';
import { addCasterEpisodeGroup } from '../../shared/src/live/operations';
import { PLAN_LIMITS } from '../../shared/src/plan/plan-limits';
import { validatePlan } from '../../shared/src/plan/validate-plan';
import { startLoopbackServer } from '../support/loopback-server';
import { samplePlan } from '../support/plan-fixtures';
import { listEpisodeGroups, useEmulators } from './support';

const start = useEmulators();
// What the docs' snippets pass: no runtime options (the JS client reads every one as optional).
const NO_RUNTIME_OPTIONS = {} as Parameters<OpenApiClient['callApi']>[2];

// One code point that takes four bytes in UTF-8 (twelve characters once percent-encoded), the widest there is.
const WIDEST = '\u{1F3AC}';

function widestUrl(prefix: string, lengthChars: number, suffix: string): string {
  return prefix + WIDEST.repeat(lengthChars - prefix.length - suffix.length) + suffix;
}

/** The largest valid plan: every bounded field at its limit, in the widest characters its rule allows. */
function largestValidPlan(itemCount: number = PLAN_LIMITS.itemsMaxCount): Record<string, unknown> {
  return samplePlan({
    CallbackUrl: widestUrl('https://cb.example.com/', PLAN_LIMITS.callbackUrlMaxChars, ''),
    DomainName: `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`,
    SideOutputUrl: widestUrl('rtmp://side.example.com/', PLAN_LIMITS.sideOutputUrlMaxChars, ''),
    RepeatNum: PLAN_LIMITS.repeatNumMax,
    Items: Array.from({ length: itemCount }, () => ({
      ItemName: WIDEST.repeat(PLAN_LIMITS.itemNameMaxChars),
      VodUrl: widestUrl('https://vod.example.com/', PLAN_LIMITS.vodUrlMaxChars, '.mp4'),
    })),
    ClientToken: '~'.repeat(PLAN_LIMITS.clientTokenMaxChars),
  });
}

/** The studio those URLs belong to, so the emulator accepts the group. */
function studioOf(plan: Record<string, unknown>): { CasterId: string; CallbackUrl: string; DomainName: string } {
  return {
    CasterId: 'LIVEPRODUCER_POST-cn-largest01',
    CallbackUrl: plan['CallbackUrl'] as string,
    DomainName: plan['DomainName'] as string,
  };
}

/** The generated SDK's AddCasterEpisodeGroup call, through the configuration docs/emulator.md gives. */
function sdkAdd(endpointHostPort: string, signatureAlgorithm: 'v2' | undefined, plan: Record<string, unknown>) {
  const client = new OpenApiClient(
    new Config({
      accessKeyId: DEMO_CREDENTIALS.accessKeyId,
      accessKeySecret: DEMO_CREDENTIALS.accessKeySecret,
      endpoint: endpointHostPort,
      protocol: 'http',
      ...(signatureAlgorithm ? { signatureAlgorithm } : {}),
    }),
  );
  const query = {
    CallbackUrl: plan['CallbackUrl'],
    ClientToken: plan['ClientToken'],
    DomainName: plan['DomainName'],
    Item: plan['Items'],
    RepeatNum: plan['RepeatNum'],
    SideOutputUrl: plan['SideOutputUrl'],
    StartTime: plan['StartTime'],
  };
  return client.callApi(
    new Params({
      action: 'AddCasterEpisodeGroup',
      version: '2016-11-01',
      protocol: 'HTTPS',
      pathname: '/',
      method: 'POST',
      authType: 'AK',
      style: 'RPC',
      reqBodyType: 'formData',
      bodyType: 'json',
    }),
    new OpenApiRequest({ query: OpenApiUtil.query(query) }),
    NO_RUNTIME_OPTIONS,
  );
}

function hostPort(emulator: RunningEmulator): string {
  return `127.0.0.1:${emulator.port}`;
}

describe.each([
  ['V1', 'v2'],
  ['ACS3', undefined],
] as const)('the largest valid plan from a generated SDK (%s, every parameter in the URL)', (_label, algorithm) => {
  it('fits the emulator’s default URL-and-headers limit, and is accepted', async () => {
    // Prepare
    const plan = largestValidPlan();
    expect(validatePlan(plan).ok).toBe(true);
    const capture = await startLoopbackServer(undefined, { maxHeaderSize: 64 * 1024 * 1024 });
    const emulator = await start({ casters: [studioOf(plan)] });
    try {
      await sdkAdd(capture.url.replace('http://', ''), algorithm, plan);
      const urlBytes = Buffer.byteLength(`${capture.requests[0]!.path}?${capture.requests[0]!.rawQuery}`);
      // Act
      const answer = (await sdkAdd(hostPort(emulator), algorithm, plan)) as { statusCode: number; body: { ProgramId: string } };
      // Assess
      console.info(`largest valid plan from a generated SDK: a ${urlBytes}-byte URL; limit ${DEFAULT_MAX_REQUEST_BYTES}`);
      expect(urlBytes).toBeLessThan(DEFAULT_MAX_REQUEST_BYTES);
      expect(answer.statusCode).toBe(200);
      const [group] = await listEpisodeGroups(emulator);
      expect(group).toMatchObject({ ProgramId: answer.body.ProgramId, CasterId: 'LIVEPRODUCER_POST-cn-largest01' });
      expect(group?.['Items']).toHaveLength(PLAN_LIMITS.itemsMaxCount);
    } finally {
      await capture.close();
    }
  });

  it('over the limit, gets a JSON error the client reads (code, status, RequestId), and nothing is created', async () => {
    // Prepare: twice the item limit makes a URL beyond 4 MiB.
    const plan = largestValidPlan(2 * PLAN_LIMITS.itemsMaxCount);
    const emulator = await start({ casters: [studioOf(plan)] });
    // Act
    const error = (await sdkAdd(hostPort(emulator), algorithm, plan).catch((thrown: unknown) => thrown)) as {
      code: string;
      statusCode: number;
      data: Record<string, unknown>;
    };
    // Assess
    expect(error.code).toBe('RequestHeaderFieldsTooLarge');
    expect(error.statusCode).toBe(431);
    expect(error.data).toMatchObject({ Code: 'RequestHeaderFieldsTooLarge', RequestId: expect.stringMatching(/^[0-9A-F-]{36}$/) });
    expect(String(error.data['Message'])).toContain(String(DEFAULT_MAX_REQUEST_BYTES));
    expect(await listEpisodeGroups(emulator)).toEqual([]);
  });
});

describe('the largest valid plan from the project Live client (a POST form body)', () => {
  it('fits the emulator’s default body limit, and is accepted', async () => {
    // Prepare
    const plan = largestValidPlan();
    const emulator = await start({ casters: [studioOf(plan)] });
    const client = createLiveClient({
      endpoint: emulator.url,
      regionId: 'cn-shanghai',
      credentials: DEMO_CREDENTIALS,
      signatureAlgorithm: 'v1',
      timeoutMs: 30_000,
      retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 5 },
    });
    // Act
    const added = await addCasterEpisodeGroup(client, {
      CallbackUrl: plan['CallbackUrl'] as string,
      DomainName: plan['DomainName'] as string,
      SideOutputUrl: plan['SideOutputUrl'] as string,
      StartTime: plan['StartTime'] as string,
      RepeatNum: plan['RepeatNum'] as number,
      Items: plan['Items'] as Array<{ ItemName: string; VodUrl: string }>,
      ClientToken: plan['ClientToken'] as string,
    });
    // Assess
    expect(added.ItemIds).toHaveLength(PLAN_LIMITS.itemsMaxCount);
  });
});

describe('HTTP the parser refuses', () => {
  it('is answered with a JSON BadRequest body, not a bare status line', async () => {
    // Prepare
    const emulator = await start();
    // Act
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(emulator.port, '127.0.0.1', () => socket.end('NOT-HTTP \u0001\r\n\r\n'));
      let text = '';
      socket.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      socket.on('close', () => resolve(text));
      socket.on('error', reject);
    });
    // Assess
    const [head, body] = answer.split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(head).toContain('content-type: application/json');
    expect(JSON.parse(body ?? '')).toMatchObject({ Code: 'BadRequest', RequestId: expect.stringMatching(/^[0-9A-F-]{36}$/) });
  });
});
