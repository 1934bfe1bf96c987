import { afterAll, describe, expect, it } from 'vitest';
import { httpRequestClientToken, planClientToken } from '../../shared/src/idempotency/trigger-tokens';
import type { Plan } from '../../shared/src/plan/plan';
import { MAX_BODY_BYTES } from '../../shared/src/triggers/http/http-plan-request';
import { fcContext, type HttpEventOptions, httpEventBuffer, ROTATED_STS_CREDENTIALS } from '../support/fc-events';
import {
  captureLogLines,
  type FcFunctionModule,
  parseLogLines,
  secretLeaksIn,
  startFunctionInstance,
  useFunction,
  withFunction,
} from '../support/fc-testbed';
import { samplePlan } from '../support/plan-fixtures';

interface HttpResult {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly isBase64Encoded: boolean;
  readonly body: string;
}

/** Invokes the HTTP function as FC does and parses the JSON body. */
async function call(fn: FcFunctionModule, request: HttpEventOptions, context: Parameters<typeof fcContext>[0] = {}) {
  const result = (await fn.handler(httpEventBuffer(request), fcContext(context))) as HttpResult;
  return { ...result, json: JSON.parse(result.body) as Record<string, unknown> };
}

const logs = captureLogLines();
afterAll(() => logs.restore());

describe('HTTP function against a healthy Live API', () => {
  const subject = useFunction('http');

  it('answers 201 with the episode group and schedules it with the STS keys from the context', async () => {
    // Prepare
    const plan = samplePlan();

    // Act
    const response = await call(subject.fn, { body: plan });

    // Assess
    expect(response.statusCode).toBe(201);
    expect(response.isBase64Encoded).toBe(false);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.json).toEqual({
      ProgramId: expect.any(String),
      ItemIds: [expect.any(String), expect.any(String)],
      RequestId: expect.any(String),
      ClientToken: planClientToken(plan as unknown as Plan),
      State: 'scheduled',
    });
    const group = (await subject.testbed.episodeGroups()).find((candidate) => candidate.ProgramId === response.json['ProgramId']);
    expect(group?.ClientToken).toBe(response.json['ClientToken']);
    expect(group?.StartTime).toBe(plan['StartTime']);
  });

  it('returns the same episode group when the same request is delivered again', async () => {
    // Prepare
    const plan = samplePlan();

    // Act
    const first = await call(subject.fn, { body: plan });
    const second = await call(subject.fn, { body: plan });

    // Assess
    expect(second.statusCode).toBe(201);
    expect(second.json['ProgramId']).toBe(first.json['ProgramId']);
    expect(second.json['ClientToken']).toBe(first.json['ClientToken']);
    const groups = (await subject.testbed.episodeGroups()).filter((group) => group.ClientToken === first.json['ClientToken']);
    expect(groups).toHaveLength(1);
  });

  it('fixes the ClientToken from the Idempotency-Key header, whatever its length or header casing', async () => {
    // Prepare
    const key = `order-${'x'.repeat(300)}`;
    const plan = samplePlan();

    // Act
    const first = await call(subject.fn, { body: plan, headers: { 'IDEMPOTENCY-KEY': key } });
    const retry = await call(subject.fn, { body: plan, headers: { 'idempotency-key': key } });

    // Assess
    expect(first.statusCode).toBe(201);
    expect(first.json['ClientToken']).toBe(httpRequestClientToken(plan as unknown as Plan, key));
    expect(retry.json['ProgramId']).toBe(first.json['ProgramId']);
  });

  it('uses the plan’s own ClientToken when no Idempotency-Key is given', async () => {
    // Prepare
    const plan = samplePlan({ ClientToken: 'client-chosen-token-0001' });

    // Act
    const response = await call(subject.fn, { body: plan });

    // Assess
    expect(response.statusCode).toBe(201);
    expect(response.json['ClientToken']).toBe('client-chosen-token-0001');
  });

  it('accepts a Base64-encoded body and a JSON content type with parameters', async () => {
    // Act
    const response = await call(subject.fn, {
      body: samplePlan(),
      base64: true,
      headers: { 'Content-Type': 'application/json; charset=utf-8' },
    });

    // Assess
    expect(response.statusCode).toBe(201);
  });

  it('answers 409 when an Idempotency-Key is reused with another plan', async () => {
    // Prepare
    const headers = { 'Idempotency-Key': 'reused-key-409' };
    await call(subject.fn, { body: samplePlan(), headers });

    // Act
    const response = await call(subject.fn, { body: samplePlan(), headers });

    // Assess
    expect(response.statusCode).toBe(409);
    expect(response.json).toMatchObject({
      error: 'IdempotencyConflict',
      code: 'IdempotentParameterMismatch',
      requestId: expect.any(String),
    });
  });

  it('answers 502 with the API’s Code and RequestId for a studio that does not exist', async () => {
    // Act
    const response = await call(subject.fn, { body: samplePlan({ CasterId: 'LIVEPRODUCER_POST-cn-nosuchstudio' }) });

    // Assess
    expect(response.statusCode).toBe(502);
    expect(response.json).toMatchObject({ error: 'LiveApiError', code: 'InvalidCaster.NotFound', requestId: expect.any(String) });
  });

  it('signs each invocation with that invocation’s credentials, so rotated STS keys are used at once', async () => {
    // Act
    const response = await call(subject.fn, { body: samplePlan() }, { credentials: ROTATED_STS_CREDENTIALS });

    // Assess
    expect(response.statusCode).toBe(201);
    const request = (await subject.testbed.addRequests()).find((entry) => entry.ClientToken === response.json['ClientToken']);
    expect(request?.AccessKeyId).toBe(ROTATED_STS_CREDENTIALS.accessKeyId);
  });

  it('falls back to the ALIBABA_CLOUD_* variables when the function has no role', async () => {
    // Prepare
    Object.assign(process.env, {
      ALIBABA_CLOUD_ACCESS_KEY_ID: ROTATED_STS_CREDENTIALS.accessKeyId,
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: ROTATED_STS_CREDENTIALS.accessKeySecret,
      ALIBABA_CLOUD_SECURITY_TOKEN: ROTATED_STS_CREDENTIALS.securityToken,
    });

    // Act
    const response = await call(subject.fn, { body: samplePlan() }, { credentials: null }).finally(() => {
      delete process.env['ALIBABA_CLOUD_ACCESS_KEY_ID'];
      delete process.env['ALIBABA_CLOUD_ACCESS_KEY_SECRET'];
      delete process.env['ALIBABA_CLOUD_SECURITY_TOKEN'];
    });

    // Assess
    expect(response.statusCode).toBe(201);
  });

  it('answers 500 InvalidConfiguration when there are no credentials at all', async () => {
    // Act
    const response = await call(subject.fn, { body: samplePlan() }, { credentials: null });

    // Assess
    expect(response.statusCode).toBe(500);
    expect(response.json['error']).toBe('InvalidConfiguration');
  });

  it.each([
    ['LIVE_SIGNATURE_ALGORITHM', 'md5'],
    ['REDIS_URL', 'notaurl'],
    ['LOG_LEVEL', 'loud'],
  ])('fails the initializer loudly and answers 500 InvalidConfiguration when %s is %s', async (variable, value) => {
    // Prepare
    const misconfigured = await startFunctionInstance('http', { ...subject.testbed.env, [variable]: value }, { initialize: false });

    // Act
    const initialization = misconfigured.initialize(fcContext());
    const response = await call(misconfigured, { body: samplePlan() });

    // Assess
    await expect(initialization).rejects.toThrow(new RegExp(`^${variable} must`));
    expect(response.statusCode).toBe(500);
    expect(response.json).toMatchObject({ error: 'InvalidConfiguration', message: expect.stringContaining(variable) });
  });

  it('turns an unexpected error into a 500 JSON body without details', async () => {
    // Prepare: a context that breaks when read is nothing FC sends, so nothing in the layer expects it.
    const context = fcContext();
    Object.defineProperty(context, 'credentials', {
      get() {
        throw new TypeError('credentials exploded at /somewhere/internal.js:1:1');
      },
    });

    // Act
    const result = (await subject.fn.handler(httpEventBuffer({ body: samplePlan() }), context)) as HttpResult;

    // Assess
    expect(result.statusCode).toBe(500);
    expect(JSON.parse(result.body)).toEqual({ error: 'InternalError', message: expect.any(String) });
    expect(result.body).not.toMatch(/TypeError|\bat \S+ \(/);
  });
});

describe('HTTP function refusing bad requests', () => {
  const subject = useFunction('http');

  it('answers 405 with Allow: POST for another method', async () => {
    // Act
    const response = await call(subject.fn, { method: 'GET' });

    // Assess
    expect(response.statusCode).toBe(405);
    expect(response.headers['allow']).toBe('POST');
    expect(response.json['error']).toBe('MethodNotAllowed');
  });

  it('answers 413 for a body over the 1 MiB cap, before parsing it', async () => {
    // Prepare: not even JSON, so only the size check can answer.
    const body = 'x'.repeat(MAX_BODY_BYTES + 1);

    // Act
    const response = await call(subject.fn, { body });

    // Assess
    expect(response.statusCode).toBe(413);
    expect(response.json['error']).toBe('PayloadTooLarge');
  });

  it('measures the cap on the decoded body, so a Base64 body just under it passes the size check', async () => {
    // Prepare: 900 KiB decoded is about 1.2 MiB once Base64-encoded.
    const body = JSON.stringify({ ...samplePlan(), padding: 'p'.repeat(900 * 1024) });

    // Act
    const response = await call(subject.fn, { body, base64: true });

    // Assess: refused for the unknown property, not for its size.
    expect(response.statusCode).toBe(400);
  });

  it('answers 415 for a content type that is not JSON', async () => {
    // Act
    const response = await call(subject.fn, { body: samplePlan(), headers: { 'Content-Type': 'text/plain' } });

    // Assess
    expect(response.statusCode).toBe(415);
    expect(response.json['error']).toBe('UnsupportedMediaType');
  });

  it('answers 400 for a body that is not JSON, with the line and column and without quoting it', async () => {
    // Act
    const response = await call(subject.fn, { body: '{"StartTime": "2031-03-06T19:00:00Z",\n auth_key=secret' });

    // Assess
    expect(response.statusCode).toBe(400);
    expect(response.json).toEqual({
      error: 'InvalidPlan',
      message: expect.any(String),
      fieldErrors: { '(body)': ['is not valid JSON (line 2, column 2)'] },
    });
    expect(JSON.stringify(response.json)).not.toContain('secret');
  });

  it('answers 400 with field errors for an invalid plan', async () => {
    // Act
    const response = await call(subject.fn, { body: { RepeatNum: 'forever', Items: [] } });

    // Assess
    expect(response.statusCode).toBe(400);
    expect(response.json['error']).toBe('InvalidPlan');
    expect(Object.keys(response.json['fieldErrors'] as object)).toEqual(expect.arrayContaining(['StartTime', 'RepeatNum', 'Items']));
  });

  it('never sends invalid input to the Live API', async () => {
    // Assess: every test of this group was refused before any AddCasterEpisodeGroup.
    expect(await subject.testbed.addRequests()).toEqual([]);
  });
});

describe('HTTP function when the Live API is in trouble', () => {
  it('answers 429 with Retry-After when the pacer cannot admit a request before the deadline', () =>
    // Prepare: a 1 s function leaves 750 ms; the pacer admits AddCasterEpisodeGroup every ~278 ms.
    withFunction('http', {}, async ({ fn, testbed }) => {
      // Act
      const responses = await Promise.all(Array.from({ length: 6 }, () => call(fn, { body: samplePlan() }, { timeoutSeconds: 1 })));

      // Assess
      const throttled = responses.filter((response) => response.statusCode === 429);
      const created = responses.filter((response) => response.statusCode === 201);
      expect(throttled.length).toBeGreaterThan(0);
      expect(created.length + throttled.length).toBe(6);
      for (const response of throttled) {
        expect(response.json['error']).toBe('Throttled');
        expect(Number(response.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      }
      // The throttled ones were refused here, not by the API.
      expect(await testbed.addRequests()).toHaveLength(created.length);
    }));

  it('answers 429 with Retry-After when the API keeps throttling', () =>
    // Prepare
    withFunction('http', { faults: { throttle: 1 } }, async ({ fn }) => {
      // Act
      const response = await call(fn, { body: samplePlan() }, { timeoutSeconds: 3 });

      // Assess
      expect(response.statusCode).toBe(429);
      expect(response.json).toMatchObject({ error: 'Throttled', code: 'Throttling.User' });
      expect(Number(response.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    }));

  it('answers 503 when the API stays unavailable after retries', () =>
    // Prepare
    withFunction('http', { faults: { error503: 1 } }, async ({ fn, testbed }) => {
      // Act
      const response = await call(fn, { body: samplePlan() }, { timeoutSeconds: 5 });

      // Assess
      expect(response.statusCode).toBe(503);
      expect(response.json).toMatchObject({ error: 'LiveApiUnavailable', code: 'ServiceUnavailable' });
      expect((await testbed.requests()).length).toBeGreaterThan(1);
    }));

  it('answers 504 when the API answers later than the function can wait', () =>
    // Prepare: 2.5 s of latency against a 2 s function (1.5 s once the margin is kept back).
    withFunction('http', { faults: { latency: { minMs: 2_500, maxMs: 2_500, probability: 1 } } }, async ({ fn }) => {
      // Act
      const startedAtMs = Date.now();
      const response = await call(fn, { body: samplePlan() }, { timeoutSeconds: 2 });

      // Assess: answered within the function's own timeout.
      expect(response.statusCode).toBe(504);
      expect(response.json['error']).toBe('LiveApiTimeout');
      expect(Date.now() - startedAtMs).toBeLessThan(2_000);
    }));
});

describe('HTTP function logs', () => {
  it('hold requestId, caster, ClientToken, attempt and latency, and no secret', () => {
    // Prepare
    const entries = parseLogLines(logs.lines);

    // Assess
    const scheduled = entries.find((entry) => entry['message'] === 'live call succeeded' && entry['action'] === 'AddCasterEpisodeGroup');
    expect(scheduled).toMatchObject({
      requestId: expect.any(String),
      caster: expect.any(String),
      ClientToken: expect.any(String),
      attempt: 1,
      latencyMs: expect.any(Number),
    });
    const text = logs.lines.join('\n');
    expect(secretLeaksIn(text)).toEqual([]);
  });
});
