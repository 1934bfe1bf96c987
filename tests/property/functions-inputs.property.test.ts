/**
 * Property-based invariants of the three functions, whatever reaches them (HTTP events, timer ticks, CloudEvents
 * and batches, with the hostile strings validation exists for). The handlers are imported from
 * functions/<name>/index.ts and invoked in-process as FC does (a Buffer event and an FC context) against the
 * Live API emulator on loopback. The properties do not restate the acceptance rules; they assert:
 *
 * 1. The HTTP function always answers with a status below 500 (the API is healthy, so a 5xx is a crash or a
 *    request the API refused that validation let through).
 * 2. A timer or event invocation either resolves or fails with client reasons only (InvalidPlan, InvalidEvent,
 *    StartTimeInPast, Forbidden), as the project's own AsyncInvocationError.
 * 3. Every AddCasterEpisodeGroup the emulator received is a plan validation accepts: the request is rebuilt
 *    from what the emulator recorded and validated again.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DEMO_STUDIO, type RequestLogEntry, type RunningEmulator, startEmulator } from '../../emulator/index';
import { handler as eventFunction } from '../../functions/event/index';
import { handler as httpFunction } from '../../functions/http/index';
import { handler as timerFunction } from '../../functions/timer/index';
import { AsyncInvocationError } from '../../shared/src/fc/async-invocation-error';
import type { FcHttpResponse } from '../../shared/src/fc/fc-types';
import { validatePlan } from '../../shared/src/plan/validate-plan';
import { cloudEvent, fcContext, httpEvent, TEST_STS_CREDENTIALS } from '../support/fc-events';
import { SAMPLE_AUTH_KEY } from '../support/plan-fixtures';

const RUNS = 80;
const PROPERTY_TIMEOUT_MS = 240_000;
const CLIENT_REASONS = ['InvalidPlan', 'InvalidEvent', 'StartTimeInPast', 'Forbidden'];
const OTHER_STUDIO = 'LIVEPRODUCER_POST-cn-other0002';

type Handler = (event: Buffer, context: unknown) => Promise<unknown>;
const invokeHttp = httpFunction as unknown as Handler;
const invokeTimer = timerFunction as unknown as Handler;
const invokeEvent = eventFunction as unknown as Handler;

// ---------------------------------------------------------------------------------------------------------
// Inputs: plans with hostile pieces in every field, and the envelopes that carry them.

/** One UTF-16 code unit of any value: lone surrogates, controls and bidi controls included. */
const anyCodeUnit = fc.integer({ min: 0, max: 0xffff }).map((unit) => String.fromCharCode(unit));

const hostilePiece: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '\uD83C',
    '\uDC00',
    '\u{1F3AC}',
    '\r\n',
    '\u0000',
    '\u0085',
    '\u009b',
    '\u007f',
    '\u202e',
    '\u2066',
    '\u200f',
    '\u061c',
    '\uFEFF',
    '%',
    '%zz',
    '&x=1',
    '"',
    '\\',
    '..',
    '-',
    'é',
    '',
  ),
  fc.string({ unit: anyCodeUnit, maxLength: 8 }),
  fc.string({ maxLength: 12 }),
);

const hostName = fc.oneof(
  fc.constantFrom('cdn.example.com', 'localhost', '192.0.2.10', '[2001:db8::1]', 'xn--r8jz45g.jp', '10.0.0.256', '-a.example.com'),
  fc.tuple(hostilePiece, fc.constantFrom('.example.com', '')).map(([piece, suffix]) => `cdn${piece}${suffix}`),
);
const port = fc.oneof(
  fc.constant(''),
  fc.constantFrom(':0', ':1', ':443', ':65535', ':65536', ':99999', ':'),
  fc.nat(70_000).map((n) => `:${n}`),
);

/** A VOD URL assembled from pieces, often with an auth_key of any age. */
const vodUrl = fc
  .tuple(
    fc.constantFrom('https', 'http', 'rtmp'),
    hostName,
    port,
    hostilePiece,
    fc.constantFrom('.mp4', '.flv', '.ts', '.avi'),
    fc.oneof(
      fc.constant(''),
      fc.constant(`?auth_key=${SAMPLE_AUTH_KEY}`),
      fc.integer({ min: 0, max: 4_102_444_800 }).map((seconds) => `?auth_key=${seconds}-0-0-0123456789abcdef0123456789abcdef`),
    ),
  )
  .map(([scheme, host, portText, path, extension, query]) => `${scheme}://${host}${portText}/carousel/${path}${extension}${query}`);

const isoSeconds = (epochMs: number) => new Date(epochMs).toISOString().replace(/\.\d{3}Z$/, '');
/** A StartTime of any year, in UTC or with an offset, sometimes not a real time at all. */
const startTime = fc.oneof(
  fc
    .tuple(
      fc.integer({ min: Date.parse('0000-01-01T00:00:00Z'), max: Date.parse('9999-12-31T23:59:59Z') }),
      fc.constantFrom('Z', '+08:00', '-05:00', '+14:00', '+24:00', 'z', ''),
    )
    .map(([epochMs, zone]) => `${isoSeconds(epochMs)}${zone}`),
  fc.integer({ min: Date.now() + 3_600_000, max: Date.now() + 5 * 365 * 86_400_000 }).map((epochMs) => `${isoSeconds(epochMs)}Z`),
  fc.constantFrom('0000-01-01T00:00:00Z', '1970-01-01T00:00:00Z', '2031-02-30T03:00:00+08:00', '2031-03-06T19:00:00.000Z'),
);

/** A plan validation accepts, with future StartTimes (UTC or with an offset) and 1 to 3 plain items. */
const validPlan: fc.Arbitrary<Record<string, unknown>> = fc
  .record({
    StartTime: fc
      .tuple(fc.integer({ min: Date.now() + 3_600_000, max: Date.now() + 5 * 365 * 86_400_000 }), fc.constantFrom('Z', '+08:00', '-05:00'))
      .map(([epochMs, zone]) => {
        const offsetMs = zone === 'Z' ? 0 : (zone === '+08:00' ? 8 : -5) * 3_600_000;
        return `${isoSeconds(Math.floor(epochMs / 1000) * 1000 + offsetMs)}${zone}`;
      }),
    RepeatNum: fc.constantFrom(-1, 0, 3),
    Items: fc.array(
      fc.record({
        ItemName: fc.constantFrom('Episode 1', '第一集', 'الحلقة ١', '\u{1F3AC} Premiere'),
        VodUrl: fc.constantFrom(
          'https://cdn.example.com/ep1.mp4',
          `https://cdn.example.com/ep2.flv?auth_key=${SAMPLE_AUTH_KEY}`,
          'http://[2001:db8::1]:8080/a.ts',
        ),
      }),
      { minLength: 1, maxLength: 3 },
    ),
    ClientToken: fc.uuid(),
  })
  .map((plan) => plan as Record<string, unknown>);

/** One hostile change to a plan: a field given a value from a generator that is often invalid. */
type PlanChange = (plan: Record<string, unknown>) => Record<string, unknown>;
const hostileChange: fc.Arbitrary<PlanChange> = fc.oneof(
  startTime.map(
    (value): PlanChange =>
      (plan) => ({ ...plan, StartTime: value }),
  ),
  hostilePiece.map(
    (piece): PlanChange =>
      (plan) => ({ ...plan, Items: [{ ItemName: `Episode ${piece}`, VodUrl: 'https://cdn.example.com/a.mp4' }] }),
  ),
  vodUrl.map(
    (url): PlanChange =>
      (plan) => ({ ...plan, Items: [{ ItemName: 'Episode', VodUrl: url }] }),
  ),
  vodUrl.map(
    (url): PlanChange =>
      (plan) => ({ ...plan, SideOutputUrl: url.replace(/^https?/, 'rtmp') }),
  ),
  fc.constantFrom(-2, 10_001, 1.5).map(
    (value): PlanChange =>
      (plan) => ({ ...plan, RepeatNum: value }),
  ),
  fc.constant((plan: Record<string, unknown>) => ({ ...plan, CasterId: OTHER_STUDIO })),
  fc.constant((plan: Record<string, unknown>) => ({ ...plan, CallbackUrl: DEMO_STUDIO.CallbackUrl, DomainName: DEMO_STUDIO.DomainName })),
  fc.constant((plan: Record<string, unknown>) => ({
    ...plan,
    CallbackUrl: 'https://attacker.example.net/hook',
    DomainName: 'attacker.example.net',
  })),
  fc.integer({ min: 80, max: 100 }).map(
    (count): PlanChange =>
      (plan) => ({
        ...plan,
        Items: Array.from({ length: count }, () => ({
          ItemName: '\u{1F3AC}'.repeat(128),
          VodUrl: `https://cdn.example.com/${'\u{1F3AC}'.repeat(1000)}.mp4`,
        })),
      }),
  ),
);

/** A valid plan with no, one or two hostile changes. */
const planInput: fc.Arbitrary<Record<string, unknown>> = fc
  .tuple(validPlan, fc.array(hostileChange, { maxLength: 2 }))
  .map(([plan, changes]) => changes.reduce((changed, change) => change(changed), plan));

/** The plan as the text a caller sends: compact, pretty, BOM-prefixed, or broken. */
const planText = fc.tuple(planInput, fc.constantFrom('compact', 'pretty', 'bom', 'truncated')).map(([plan, form]) => {
  const text = form === 'pretty' ? JSON.stringify(plan, null, 2) : JSON.stringify(plan);
  if (form === 'bom') return `\uFEFF${text}`;
  return form === 'truncated' ? text.slice(0, Math.max(1, text.length - 3)) : text;
});

const contentType = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'application/json ; charset=utf-8',
  'Application/JSON',
  'text/plain',
  'application/x-www-form-urlencoded',
  '',
);

const httpInput = fc.record({
  method: fc.constantFrom('POST', 'POST', 'POST', 'GET', 'PUT'),
  contentType,
  body: fc.oneof({ weight: 4, arbitrary: planText }, { weight: 1, arbitrary: fc.string({ unit: anyCodeUnit, maxLength: 64 }) }),
  base64: fc.boolean(),
  idempotencyKey: fc.option(fc.string({ unit: anyCodeUnit, maxLength: 20 }), { nil: undefined }),
});

const timerInput = fc.record({
  triggerName: fc.oneof(fc.constant('every-morning'), fc.string({ unit: anyCodeUnit, maxLength: 12 })),
  triggerTime: fc.oneof(
    fc.constant(new Date().toISOString()),
    fc.constant('2001-01-01T00:00:00Z'),
    fc.constant('not a time'),
    fc.integer({ min: 0, max: Date.parse('2100-01-01T00:00:00Z') }).map((epochMs) => new Date(epochMs).toISOString()),
  ),
  payload: fc.oneof(
    planText,
    planInput.map((plan) => {
      const { StartTime: _absolute, ...rest } = plan;
      return JSON.stringify({ ...rest, StartOffset: 'PT30M' });
    }),
    fc.string({ unit: anyCodeUnit, maxLength: 40 }),
  ),
});

const cloudEventInput = fc.record({
  id: fc.oneof(fc.uuid(), fc.string({ unit: anyCodeUnit, maxLength: 12 })),
  source: fc.oneof(fc.constant('acs.caster-carousel.test'), fc.string({ unit: anyCodeUnit, maxLength: 12 })),
  data: fc.oneof(planInput, planText, fc.jsonValue({ maxDepth: 2 })),
});
const delivery = fc.oneof(
  cloudEventInput.map((event) => cloudEvent(event)),
  fc.array(
    cloudEventInput.map((event) => cloudEvent(event)),
    { maxLength: 3 },
  ),
);

// ---------------------------------------------------------------------------------------------------------
// The world: an emulator, the function environment.

let emulator: RunningEmulator;
const savedEnvironment: Record<string, string | undefined> = {};

function functionEnvironment(): Record<string, string> {
  return {
    LIVE_ENDPOINT: emulator.url,
    CASTER_ID: DEMO_STUDIO.CasterId,
    ALLOWED_CASTER_IDS: DEMO_STUDIO.CasterId,
    AUTH_KEY_VALIDITY_S: '86400',
    LOG_LEVEL: 'error',
    LIVE_TIMEOUT_MS: '5000',
  };
}

let invocation = 0;
function context(): unknown {
  invocation += 1;
  return fcContext({ credentials: TEST_STS_CREDENTIALS, timeoutSeconds: 20, requestId: `property-${invocation}` });
}

beforeAll(async () => {
  emulator = await startEmulator({
    host: '127.0.0.1',
    port: 0,
    env: {},
    credentials: [TEST_STS_CREDENTIALS],
    requestLogSize: 100_000,
    onInternalError: () => undefined,
  });
  for (const [name, value] of Object.entries({ ...functionEnvironment(), REDIS_URL: '', START_TIME_GRACE_S: '', ALLOWED_DOMAINS: '' })) {
    savedEnvironment[name] = process.env[name];
    if (value === '') delete process.env[name];
    else process.env[name] = value;
  }
  // The functions' JSON log lines are not under test here.
  const original = process.stdout.write.bind(process.stdout);
  vi.spyOn(process.stdout, 'write').mockImplementation(((chunk: string | Uint8Array, ...rest: unknown[]) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return text.startsWith('{"time"') ? true : (original as (...args: unknown[]) => boolean)(chunk, ...rest);
  }) as typeof process.stdout.write);
});

afterAll(async () => {
  vi.restoreAllMocks();
  for (const [name, value] of Object.entries(savedEnvironment)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  await emulator?.close();
});

// ---------------------------------------------------------------------------------------------------------
// The invariants.

async function requestLog(): Promise<RequestLogEntry[]> {
  return ((await (await fetch(`${emulator.url}/_emulator/requests`)).json()) as { Requests: RequestLogEntry[] }).Requests;
}

/** The plan an AddCasterEpisodeGroup request stands for, rebuilt from its form parameters. */
function planOfRequest(params: Readonly<Record<string, string>>): Record<string, unknown> {
  const items: { ItemName: string; VodUrl: string }[] = [];
  for (let number = 1; params[`Item.${number}.VodUrl`] !== undefined; number += 1) {
    items.push({ ItemName: params[`Item.${number}.ItemName`] ?? '', VodUrl: params[`Item.${number}.VodUrl`] ?? '' });
  }
  return {
    CallbackUrl: params['CallbackUrl'],
    DomainName: params['DomainName'],
    ...(params['SideOutputUrl'] !== undefined ? { SideOutputUrl: params['SideOutputUrl'] } : {}),
    StartTime: params['StartTime'],
    RepeatNum: Number(params['RepeatNum']),
    Items: items,
    ClientToken: params['ClientToken'],
  };
}

/** Invariant 3 for the requests received since `from`: each one re-validates. Returns how many there were. */
async function expectEverySentPlanValid(from: number): Promise<number> {
  const sent = (await requestLog()).slice(from).filter((entry) => entry.Action === 'AddCasterEpisodeGroup');
  for (const entry of sent) {
    const validation = validatePlan(planOfRequest(entry.Params));
    expect(validation.ok, `sent a plan validation refuses: ${JSON.stringify(validation.ok ? {} : validation.fieldErrors)}`).toBe(true);
    expect(entry.Verdict, 'the emulator refused a plan validation accepted').toMatch(/^(ok|IdempotentParameterMismatch)$/);
  }
  return sent.length;
}

/** Invariant 2: resolves, or fails as AsyncInvocationError with client reasons only. */
async function expectClientFailuresOnly(handler: Handler, event: Buffer): Promise<void> {
  try {
    await handler(event, context());
  } catch (error) {
    expect(error).toBeInstanceOf(AsyncInvocationError);
    for (const failure of (error as AsyncInvocationError).failures) {
      expect(CLIENT_REASONS, `${failure.reason}: ${failure.message}`).toContain(failure.reason);
      expect(failure.retryable).toBe(false);
    }
  }
}

const asBuffer = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8');

describe('the functions hold their invariants for inputs of any shape', () => {
  it(
    'the HTTP function never answers 5xx, and sends only plans validation accepts',
    async () => {
      let sentCount = 0;
      await fc.assert(
        fc.asyncProperty(httpInput, async (input) => {
          // Prepare
          const from = (await requestLog()).length;
          const headers: Record<string, string> = { 'Content-Type': input.contentType };
          if (input.idempotencyKey !== undefined) headers['Idempotency-Key'] = input.idempotencyKey;
          const event = httpEvent({ method: input.method, body: input.body, base64: input.base64, headers });

          // Act
          const response = (await invokeHttp(asBuffer(event), context())) as FcHttpResponse;

          // Assess
          expect(response.statusCode, response.body).toBeLessThan(500);
          expect(() => JSON.parse(response.body)).not.toThrow();
          sentCount += await expectEverySentPlanValid(from);
        }),
        { numRuns: RUNS },
      );
      // The inputs are not all refusals: some plans did reach the API and were re-validated.
      expect(sentCount).toBeGreaterThan(0);
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'the timer function fails only for client reasons, and sends only plans validation accepts',
    async () => {
      let sentCount = 0;
      await fc.assert(
        fc.asyncProperty(timerInput, async (tick) => {
          // Prepare
          const from = (await requestLog()).length;

          // Act and Assess
          await expectClientFailuresOnly(invokeTimer, asBuffer(tick));
          sentCount += await expectEverySentPlanValid(from);
        }),
        { numRuns: RUNS },
      );
      // The inputs are not all refusals: some plans did reach the API and were re-validated.
      expect(sentCount).toBeGreaterThan(0);
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'the event function fails only for client reasons, and sends only plans validation accepts',
    async () => {
      let sentCount = 0;
      await fc.assert(
        fc.asyncProperty(delivery, async (events) => {
          // Prepare
          const from = (await requestLog()).length;

          // Act and Assess
          await expectClientFailuresOnly(invokeEvent, asBuffer(events));
          sentCount += await expectEverySentPlanValid(from);
        }),
        { numRuns: RUNS },
      );
      // The inputs are not all refusals: some plans did reach the API and were re-validated.
      expect(sentCount).toBeGreaterThan(0);
    },
    PROPERTY_TIMEOUT_MS,
  );
});
