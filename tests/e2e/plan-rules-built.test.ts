/**
 * The plan rules end to end: the built functions laid out as FC lays them out, one process each, against the
 * emulator over loopback HTTP. What is refused is never sent; what is sent is what validation accepts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_STUDIO } from '../../emulator/index';
import { type FcFunctionHost, type HostCredentials, type InvocationOutcome, startFcFunction } from '../../local/fc-host';
import { cloudEvent, cloudEventBuffer, httpEventBuffer, TEST_STS_CREDENTIALS, timerEventBuffer } from '../support/fc-events';
import { ensureBuilt, layOutBuiltFunction } from '../support/fc-layout';
import { type FcTestbed, secretLeaksIn, startFcTestbed } from '../support/fc-testbed';
import { samplePlan } from '../support/plan-fixtures';

const OTHER_STUDIO = 'LIVEPRODUCER_POST-cn-other0002';
const VALIDITY_S = 3600;
const WIDEST = '\u{1F3AC}';

/** A type A auth_key signed at `signedAtIso`, its hash a fixed fake. */
function signedVodUrl(signedAtIso: string): string {
  return `https://cdn.example.com/carousel/ep.mp4?auth_key=${Date.parse(signedAtIso) / 1000}-0-0-feedfacefeedfacefeedfacefeedface`;
}

function jsonOf(outcome: InvocationOutcome): { statusCode: number; body: Record<string, unknown> } {
  if (!outcome.ok) throw new Error(`the HTTP function failed: ${outcome.error.errorMessage}`);
  const result = outcome.result as { statusCode: number; body: string };
  return { statusCode: result.statusCode, body: JSON.parse(result.body) as Record<string, unknown> };
}

describe('plan rules in the built functions', () => {
  let base: string;
  let testbed: FcTestbed;
  const output: string[] = [];
  const hosts: Record<'http' | 'timer' | 'event' | 'httpBadKey', FcFunctionHost> = {} as never;
  let addCountBefore = 0;

  beforeAll(async () => {
    ensureBuilt();
    base = mkdtempSync(join(tmpdir(), 'caster-carousel-rules-'));
    testbed = await startFcTestbed();
    const env = { ...testbed.env, ALLOWED_CASTER_IDS: DEMO_STUDIO.CasterId, AUTH_KEY_VALIDITY_S: String(VALIDITY_S) };
    const start = (name: 'http' | 'timer' | 'event', folder: string, credentials: HostCredentials = TEST_STS_CREDENTIALS) =>
      startFcFunction({
        name: `caster-carousel-${name}`,
        ...layOutBuiltFunction(base, name, folder),
        env,
        credentials,
        timeoutSeconds: 20,
        onOutput: (text) => output.push(text),
      });
    hosts.http = start('http', 'http');
    hosts.timer = start('timer', 'timer');
    hosts.event = start('event', 'event');
    hosts.httpBadKey = start('http', 'http-bad-key', { ...TEST_STS_CREDENTIALS, accessKeySecret: 'not-the-secret' });
  }, 180_000);

  afterAll(async () => {
    await Promise.all(Object.values(hosts).map((host) => host.close()));
    await testbed?.close();
    if (base) rmSync(base, { recursive: true, force: true });
  });

  beforeEach(async () => {
    addCountBefore = (await testbed.addRequests()).length;
  });

  const sentSince = async () => (await testbed.addRequests()).length - addCountBefore;
  // A throttled attempt is retried with the same ClientToken (four processes pace alone here), so groups are counted by token.
  const groupsSentSince = async () => new Set((await testbed.addRequests()).slice(addCountBefore).map((entry) => entry.ClientToken)).size;
  const post = async (body: unknown, headers: Record<string, string> = {}) =>
    jsonOf(await hosts.http.invoke(httpEventBuffer({ body, headers })));

  it.each([
    ['a lone surrogate in ItemName', { ItemName: 'Episode \uD83C', VodUrl: 'https://cdn.example.com/a.mp4' }, 'Items[0].ItemName'],
    ['a lone surrogate in VodUrl', { ItemName: 'Episode', VodUrl: 'https://cdn.example.com/\uDC00.mp4' }, 'Items[0].VodUrl'],
    ['CR LF in ItemName', { ItemName: 'Episode\r\n1', VodUrl: 'https://cdn.example.com/a.mp4' }, 'Items[0].ItemName'],
    ['a C1 control in ItemName', { ItemName: 'Episode\u00851', VodUrl: 'https://cdn.example.com/a.mp4' }, 'Items[0].ItemName'],
    ['a bidi override in ItemName', { ItemName: 'Episode \u202e4pm.exe', VodUrl: 'https://cdn.example.com/a.mp4' }, 'Items[0].ItemName'],
    ['port 99999 in VodUrl', { ItemName: 'Episode', VodUrl: 'https://cdn.example.com:99999/a.mp4' }, 'Items[0].VodUrl'],
    ['a bidi character in the VodUrl host', { ItemName: 'Episode', VodUrl: 'https://cdn\u202e.example.com/a.mp4' }, 'Items[0].VodUrl'],
  ])('HTTP answers 400 for %s, naming the field, and sends nothing', async (_name, item, field) => {
    // Act
    const response = await post(samplePlan({ Items: [item] }));

    // Assess
    expect(response.statusCode).toBe(400);
    expect(response.body).toMatchObject({ error: 'InvalidPlan', fieldErrors: { [field]: [expect.any(String)] } });
    expect(await sentSince()).toBe(0);
  });

  it.each([
    ['year 0000', '0000-01-01T00:00:00Z'],
    ['1970', '1970-01-01T00:00:00Z'],
    ['2001', '2001-01-01T00:00:00Z'],
  ])('HTTP answers 400 StartTimeInPast for a StartTime in %s and sends nothing', async (_name, startTime) => {
    // Act
    const response = await post(samplePlan({ StartTime: startTime }));

    // Assess
    expect(response.statusCode).toBe(400);
    expect(response.body).toMatchObject({ error: 'StartTimeInPast', fieldErrors: { StartTime: [expect.stringMatching(/in the past/)] } });
    expect(await sentSince()).toBe(0);
  });

  it('HTTP answers 400 for items within the character limits that exceed the request size once form-encoded', async () => {
    // Prepare: 4-byte characters are 4 bytes of JSON but 12 once percent-encoded, so the body fits and the request would not
    const prefix = 'https://cdn.example.com/';
    const items = Array.from({ length: 80 }, () => ({ ItemName: WIDEST.repeat(128), VodUrl: `${prefix}${WIDEST.repeat(2000)}.mp4` }));

    // Act
    const response = await post(samplePlan({ Items: items }));

    // Assess
    expect(response.statusCode).toBe(400);
    expect(response.body).toMatchObject({ fieldErrors: { Items: [expect.stringMatching(/once form-encoded/)] } });
    expect(await sentSince()).toBe(0);
  });

  it('HTTP answers 400 for a VodUrl whose signature expires before StartTime, naming the field and expiry but not the signature', async () => {
    // Prepare: signed two hours before the start, valid for one
    const plan = samplePlan({
      StartTime: '2031-03-06T19:00:00Z',
      Items: [{ ItemName: 'Episode', VodUrl: signedVodUrl('2031-03-06T17:00:00Z') }],
    });

    // Act
    const response = await post(plan);

    // Assess
    expect(response.statusCode).toBe(400);
    expect(response.body).toMatchObject({
      fieldErrors: { 'Items[0].VodUrl': [expect.stringContaining('expires at 2031-03-06T18:00:00Z, before StartTime')] },
    });
    expect(JSON.stringify(response.body)).not.toContain('feedface');
    expect(await sentSince()).toBe(0);
  });

  it('HTTP schedules a looping group whose URL expires while it loops, with a warning in the 201 body', async () => {
    // Prepare
    const plan = samplePlan({ RepeatNum: -1, Items: [{ ItemName: 'Episode', VodUrl: signedVodUrl('2031-03-06T18:59:00Z') }] });

    // Act
    const response = await post(plan);

    // Assess
    expect(response.statusCode).toBe(201);
    expect(response.body['warnings']).toEqual([
      { field: 'Items[0].VodUrl', message: expect.stringContaining('expires at 2031-03-06T19:59:00Z while the group loops') },
    ]);
    expect(await groupsSentSince()).toBe(1);
  });

  it('HTTP treats a StartTime with an offset as the same plan as its UTC form: one ClientToken, one group', async () => {
    // Prepare
    const utc = samplePlan({ StartTime: '2031-03-06T19:00:00Z' });
    const shanghai = { ...utc, StartTime: '2031-03-07T03:00:00+08:00' };

    // Act
    const first = await post(shanghai);
    const second = await post(utc);

    // Assess
    expect(first.statusCode).toBe(201);
    expect(second.body['ClientToken']).toBe(first.body['ClientToken']);
    expect(second.body['ProgramId']).toBe(first.body['ProgramId']);
    const group = (await testbed.episodeGroups()).find((entry) => entry.ProgramId === first.body['ProgramId']);
    expect(group?.StartTime).toBe('2031-03-06T19:00:00Z');
  });

  it('HTTP accepts a plan that starts with a UTF-8 byte order mark', async () => {
    // Act
    const response = await post(`\uFEFF${JSON.stringify(samplePlan())}`);

    // Assess
    expect(response.statusCode).toBe(201);
  });

  it('HTTP answers 403 for a studio not on ALLOWED_CASTER_IDS and never looks it up', async () => {
    // Prepare
    const requestsBefore = (await testbed.requests()).length;

    // Act
    const response = await post(samplePlan({ CasterId: OTHER_STUDIO }));

    // Assess
    expect(response.statusCode).toBe(403);
    expect(response.body).toMatchObject({ error: 'Forbidden', fieldErrors: { CasterId: [expect.any(String)] } });
    expect((await testbed.requests()).length).toBe(requestsBefore);
  });

  it('HTTP answers 403 for a CallbackUrl and DomainName given directly that are not the studio’s own', async () => {
    // Act
    const response = await post(samplePlan({ CallbackUrl: 'https://attacker.example.net/hook', DomainName: 'attacker.example.net' }));

    // Assess
    expect(response.statusCode).toBe(403);
    expect(response.body).toMatchObject({
      error: 'Forbidden',
      fieldErrors: { CallbackUrl: [expect.any(String)], DomainName: [expect.any(String)] },
    });
    expect(await sentSince()).toBe(0);
  });

  it('HTTP schedules a CallbackUrl and DomainName given directly when they are the allowed studio’s own', async () => {
    // Act
    const response = await post(samplePlan({ CallbackUrl: DEMO_STUDIO.CallbackUrl, DomainName: DEMO_STUDIO.DomainName }));

    // Assess
    expect(response.statusCode).toBe(201);
  });

  it('HTTP answers 502 with the API’s Code and RequestId but never its string-to-sign', async () => {
    // Act
    const response = jsonOf(await hosts.httpBadKey.invoke(httpEventBuffer({ body: samplePlan() })));

    // Assess
    expect(response.statusCode).toBe(502);
    expect(response.body).toMatchObject({ code: 'SignatureDoesNotMatch', requestId: expect.any(String) });
    const text = JSON.stringify(response.body);
    expect(text).not.toMatch(/string to sign|AccessKeyId|ClientToken|caster%2F|POST&/i);
    expect(text).not.toContain(TEST_STS_CREDENTIALS.accessKeyId);
  });

  it('the timer fails a retried tick whose StartTime has passed permanently, as StartTimeInPast, not retryable', async () => {
    // Prepare: the tick fired an hour ago with a start 5 minutes after it; FC redelivers it now
    const triggerTime = new Date(Date.now() - 3_600_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const { StartTime: _absolute, ...plan } = samplePlan();

    // Act
    const outcome = await hosts.timer.invoke(timerEventBuffer({ triggerTime, payload: { ...plan, StartOffset: 'PT5M' } }));

    // Assess
    expect(outcome).toMatchObject({
      ok: false,
      error: { errorType: 'AsyncInvocationError', errorMessage: expect.stringContaining('StartTimeInPast') },
    });
    expect(failureLogs()).toContainEqual(expect.objectContaining({ reason: 'StartTimeInPast', retryable: false }));
    expect(await sentSince()).toBe(0);
  });

  it('the timer fails a plan for a studio not allowed permanently, as Forbidden, not retryable', async () => {
    // Act
    const outcome = await hosts.timer.invoke(
      timerEventBuffer({
        triggerTime: '2031-03-01T00:00:00Z',
        triggerName: 'forbidden-tick',
        payload: samplePlan({ CasterId: OTHER_STUDIO }),
      }),
    );

    // Assess
    expect(outcome).toMatchObject({
      ok: false,
      error: { errorMessage: expect.stringContaining('forbidden-tick@2031-03-01T00:00:00Z: Forbidden') },
    });
    expect(failureLogs()).toContainEqual(expect.objectContaining({ reason: 'Forbidden', retryable: false }));
    expect(await sentSince()).toBe(0);
  });

  it('the timer result carries the warnings of a looping group', async () => {
    // Act
    const outcome = await hosts.timer.invoke(
      timerEventBuffer({
        triggerTime: '2031-03-01T00:00:00Z',
        triggerName: 'looping-tick',
        payload: samplePlan({ RepeatNum: -1, Items: [{ ItemName: 'Episode', VodUrl: signedVodUrl('2031-03-06T18:59:00Z') }] }),
      }),
    );

    // Assess
    // (These functions keep no ledger, so the tick also warns that its slot is not kept.)
    expect(outcome).toMatchObject({
      ok: true,
      result: { warnings: expect.arrayContaining([expect.objectContaining({ field: 'Items[0].VodUrl' })]) },
    });
  });

  it('the event function schedules the good events and fails a late one (StartTimeInPast) and a forbidden one (Forbidden)', async () => {
    // Prepare
    const batch = [
      cloudEvent({
        id: 'rules-good',
        data: samplePlan({ RepeatNum: -1, Items: [{ ItemName: 'E', VodUrl: signedVodUrl('2031-03-06T18:59:00Z') }] }),
      }),
      cloudEvent({ id: 'rules-late', data: samplePlan({ StartTime: '2001-01-01T00:00:00Z' }) }),
      cloudEvent({ id: 'rules-forbidden', data: samplePlan({ CasterId: OTHER_STUDIO }) }),
    ];

    // Act
    const outcome = await hosts.event.invoke(cloudEventBuffer(batch));

    // Assess
    expect(outcome).toMatchObject({
      ok: false,
      error: { errorMessage: expect.stringMatching(/^2 of 3 triggers failed: .*rules-late: StartTimeInPast.*rules-forbidden: Forbidden/) },
    });
    expect(failureLogs()).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: 'rules-late', reason: 'StartTimeInPast', retryable: false }),
        expect.objectContaining({ id: 'rules-forbidden', reason: 'Forbidden', retryable: false }),
      ]),
    );
    expect(await groupsSentSince()).toBe(1);
  });

  it('logs the warnings and no secret', () => {
    // Assess
    const text = output.join('');
    expect(text).toContain('"message":"episode group scheduled with warnings"');
    expect(secretLeaksIn(text)).toEqual([]);
  });

  /** The failures of every failed async invocation logged so far. */
  function failureLogs(): Record<string, unknown>[] {
    return output
      .join('')
      .split('\n')
      .filter((line) => line.startsWith('{') && line.includes('invocation failed'))
      .flatMap((line) => (JSON.parse(line) as { failures?: Record<string, unknown>[] }).failures ?? []);
  }
});
