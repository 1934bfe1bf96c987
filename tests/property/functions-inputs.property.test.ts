/**
 * Property-based: whatever bytes reach a function, it answers like a product, never like a crash. The three
 * handlers are imported from functions/<name>/index.ts and invoked in-process as FC does (a Buffer event and an
 * FC context), against the Live API emulator on loopback.
 *
 * - HTTP always resolves to a response with a statusCode; invalid input gets a 4xx JSON error.
 * - Timer and event either resolve (only for input that really is valid) or reject with the project's own typed
 *   error whose reasons are InvalidPlan / InvalidEvent, after logging an error line with the same reasons.
 * - Invalid input never reaches the API: the emulator's request log does not grow.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DEMO_STUDIO, type RunningEmulator, startEmulator } from '../../emulator/index';
import { handler as eventFunction } from '../../functions/event/index';
import { handler as httpFunction } from '../../functions/http/index';
import { handler as timerFunction } from '../../functions/timer/index';
import { CasterCarouselError } from '../../shared/src/errors';
import { AsyncInvocationError } from '../../shared/src/fc/async-invocation-error';
import type { FcHttpResponse } from '../../shared/src/fc/fc-types';
import { validatePlan } from '../../shared/src/plan/validate-plan';
import { cloudEvent, fcContext, httpEvent, TEST_STS_CREDENTIALS } from '../support/fc-events';
import { describeFindings, findSecrets, findUnredactedSecrets, registerTestSecret } from '../support/secret-scan';

const RUNS = 200;
const PROPERTY_TIMEOUT_MS = 180_000;
const AUTH_KEY = '1893456000-0-0-9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b';
registerTestSecret('plan auth_key', AUTH_KEY);
/** What a trigger failure of invalid input may be called; anything else (InternalError...) is a crash in disguise. */
const INPUT_REASONS = ['InvalidPlan', 'InvalidEvent'];

type Handler = (event: Buffer, context: unknown) => Promise<unknown>;
const invokeHttp = httpFunction as unknown as Handler;
const invokeTimer = timerFunction as unknown as Handler;
const invokeEvent = eventFunction as unknown as Handler;

// ---------------------------------------------------------------------------------------------------------
// Inputs.

const BASE_PLAN = {
  CasterId: DEMO_STUDIO.CasterId,
  StartTime: '2031-03-06T19:00:00Z',
  RepeatNum: -1,
  Items: [
    { ItemName: 'Episode 1', VodUrl: `https://cdn.example.com/ep1.mp4?auth_key=${AUTH_KEY}` },
    { ItemName: 'Episode 2', VodUrl: 'https://cdn.example.com/ep2.flv' },
  ],
};

/**
 * What the envelope properties carry: mostly a plan that is invalid (RepeatNum -2), so that every outcome must be
 * a refusal and none may reach the API, at no cost; sometimes the valid plan, so that an envelope that stays
 * well-formed is seen to schedule it (each of those costs a paced API call, hence the weights).
 */
const INVALID_PLAN = { ...BASE_PLAN, RepeatNum: -2 };
const carriedPlan = fc.oneof(
  { weight: 1, arbitrary: fc.constant<Record<string, unknown>>(BASE_PLAN) },
  { weight: 4, arbitrary: fc.constant<Record<string, unknown>>(INVALID_PLAN) },
);

type Path = readonly (string | number)[];
type Mutation =
  | { readonly op: 'remove'; readonly path: Path }
  | { readonly op: 'replace'; readonly path: Path; readonly value: unknown }
  | { readonly op: 'add'; readonly at: Path; readonly key: string; readonly value: unknown };

/** Values close to a rule's edge, and plain arbitrary ones. */
const fieldValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(
    '',
    ' ',
    null,
    true,
    0,
    -1,
    -2,
    1.5,
    10_000,
    10_001,
    '0',
    '2031-03-06T19:00:00+08:00',
    '2031-03-06t19:00:00z',
    '2031-02-30T19:00:00Z',
    '2031-03-06T19:00:00.000Z',
    'ftp://cdn.example.com/a.mp4',
    'https://cdn.example.com/a.avi',
    'https://cdn.example.com/a.mp4',
    'x'.repeat(129),
    'é'.repeat(65),
    [],
    {},
    [{}],
  ),
  fc.jsonValue({ maxDepth: 2 }),
  fc.string({ maxLength: 40 }),
);

/**
 * Values for the fields of an event envelope: mostly of the wrong type or empty. (A fresh string there usually
 * leaves the event valid, and each valid event costs a paced API call; the plan properties cover those.)
 */
const envelopeValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>('', ' ', null, 0, -1, 1.5, true, [], {}, ['POST'], 'not a date'),
  fc.jsonValue({ maxDepth: 2 }),
);

/** One change to a valid value: a field removed, replaced or added (known optional names, near-misses, anything). */
function mutation(
  paths: readonly Path[],
  addAt: readonly Path[],
  keys: readonly string[],
  values: fc.Arbitrary<unknown> = fieldValue,
): fc.Arbitrary<Mutation> {
  return fc.oneof(
    fc.record({ op: fc.constant('remove' as const), path: fc.constantFrom(...paths) }),
    fc.record({ op: fc.constant('replace' as const), path: fc.constantFrom(...paths), value: values }),
    fc.record({
      op: fc.constant('add' as const),
      at: fc.constantFrom(...addAt),
      key: fc.oneof(fc.constantFrom(...keys), fc.string({ maxLength: 12 })),
      value: values,
    }),
  );
}

/** A deep copy of `value` with the mutation applied (an added `__proto__` becomes an own property, as JSON.parse makes it). */
function applyMutation(value: unknown, change: Mutation): unknown {
  const copy = structuredClone(value) as Record<string | number, unknown>;
  const path = change.op === 'add' ? change.at : change.path.slice(0, -1);
  let parent: Record<string | number, unknown> = copy;
  for (const step of path) parent = parent[step] as Record<string | number, unknown>;
  if (change.op === 'add') {
    Object.defineProperty(parent, change.key, { value: change.value, enumerable: true, writable: true, configurable: true });
  } else {
    const last = change.path[change.path.length - 1]!;
    if (change.op === 'replace') parent[last] = change.value;
    else if (Array.isArray(parent) && typeof last === 'number') parent.splice(last, 1);
    else delete parent[last];
  }
  return copy;
}

const PLAN_PATHS: Path[] = [
  ['CasterId'],
  ['StartTime'],
  ['RepeatNum'],
  ['Items'],
  ['Items', 0],
  ['Items', 1],
  ['Items', 0, 'ItemName'],
  ['Items', 0, 'VodUrl'],
  ['Items', 1, 'ItemName'],
  ['Items', 1, 'VodUrl'],
];
const PLAN_KEYS = [
  'ClientToken',
  'SideOutputUrl',
  'CallbackUrl',
  'DomainName',
  'StartOffset',
  'startTime',
  'items',
  'Extra',
  '__proto__',
  'constructor',
];

/** A valid plan with one field removed, replaced or added: the plan and what was done to it. */
const nearValidPlan = mutation(PLAN_PATHS, [[], ['Items', 0]], PLAN_KEYS).map((change) => ({
  change,
  plan: applyMutation(BASE_PLAN, change),
}));

/** Arbitrary bytes: anything at all, text, and JSON with one byte changed. */
const arbitraryBytes: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc.uint8Array({ maxLength: 512 }),
  fc.string({ unit: 'binary', maxLength: 200 }).map((text) => new Uint8Array(Buffer.from(text, 'utf8'))),
  fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })).map(([at, byte]) => {
    const bytes = Buffer.from(JSON.stringify(BASE_PLAN), 'utf8');
    bytes[at % bytes.length] = byte;
    return new Uint8Array(bytes);
  }),
);

const arbitraryJson = fc.jsonValue({ maxDepth: 4 });

const toBuffer = (bytes: Uint8Array): Buffer => Buffer.from(bytes);
const jsonBuffer = (value: unknown): Buffer => Buffer.from(JSON.stringify(value), 'utf8');

// ---------------------------------------------------------------------------------------------------------
// The world: an emulator, the function environment, captured log lines.

let emulator: RunningEmulator;
const emulatorErrors: unknown[] = [];
const logLines: string[] = [];
const savedEnvironment: Record<string, string | undefined> = {};
const FUNCTION_ENV = {
  LIVE_ENDPOINT: '',
  CASTER_ID: DEMO_STUDIO.CasterId,
  LOG_LEVEL: 'info',
  REDIS_URL: '',
  LIVE_TIMEOUT_MS: '5000',
  LIVE_SIGNATURE_ALGORITHM: 'v1',
};

async function apiRequestCount(): Promise<number> {
  const answer = (await (await fetch(`${emulator.url}/_emulator/requests`)).json()) as { Requests: unknown[] };
  return answer.Requests.length;
}

let invocation = 0;
function context(): unknown {
  invocation += 1;
  return fcContext({ credentials: TEST_STS_CREDENTIALS, timeoutSeconds: 10, requestId: `property-${invocation}` });
}

/** The captured log lines written since `from`, parsed. */
function linesSince(from: number): Record<string, unknown>[] {
  return logLines.slice(from).map((line) => JSON.parse(line) as Record<string, unknown>);
}

beforeAll(async () => {
  emulator = await startEmulator({
    host: '127.0.0.1',
    port: 0,
    env: {},
    credentials: [TEST_STS_CREDENTIALS],
    requestLogSize: 100_000,
    onInternalError: (error) => void emulatorErrors.push(error),
  });
  // The instance state (pacer, logger, environment) is created on the first invocation, from these variables.
  for (const [name, value] of Object.entries({ ...FUNCTION_ENV, LIVE_ENDPOINT: emulator.url })) {
    savedEnvironment[name] = process.env[name];
    if (value === '') delete process.env[name];
    else process.env[name] = value;
  }
  const original = process.stdout.write.bind(process.stdout);
  vi.spyOn(process.stdout, 'write').mockImplementation(((chunk: string | Uint8Array, ...rest: unknown[]) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    if (!text.startsWith('{"time"')) return (original as (...args: unknown[]) => boolean)(chunk, ...rest);
    logLines.push(...text.split('\n').filter((line) => line !== ''));
    return true;
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
// The oracles.

/** Whether `plan` is a plan the function may legitimately schedule; undefined input is never one. */
function isValidPlan(plan: unknown): boolean {
  return plan !== undefined && validatePlan(plan).ok;
}

/**
 * HTTP: resolves to a JSON response with a statusCode. Input that is not a valid plan gets a 4xx (`expectedError`
 * when given) and never reaches the API; a valid plan gets 201, or a classified API error, never InternalError.
 */
async function assessHttp(event: Buffer, plan: unknown, expectedError?: string): Promise<void> {
  const before = await apiRequestCount();
  const response = (await invokeHttp(event, context())) as FcHttpResponse;
  expect(typeof response.statusCode).toBe('number');
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  const body = JSON.parse(response.body) as Record<string, unknown>;
  if (isValidPlan(plan)) {
    if (response.statusCode !== 201) expect(body['error']).not.toBe('InternalError');
    return;
  }
  expect(response.statusCode, `${response.statusCode} ${response.body}`).toBeGreaterThanOrEqual(400);
  expect(response.statusCode, `${response.statusCode} ${response.body}`).toBeLessThan(500);
  expect(body).toEqual(expect.objectContaining({ error: expect.any(String), message: expect.any(String) }));
  if (expectedError) {
    expect(body['error']).toBe(expectedError);
    expect(Object.keys((body['fieldErrors'] ?? {}) as object).length).toBeGreaterThan(0);
  }
  expect(await apiRequestCount()).toBe(before);
}

/**
 * Timer and event: either resolve (only when `mayResolve`) or reject with an AsyncInvocationError (one of the
 * project's own errors) naming each failure's reason, after logging exactly one error line with the same reasons.
 * Invalid input fails as InvalidPlan / InvalidEvent and never reaches the API.
 */
async function assessAsync(handler: Handler, event: Buffer, options: { mayResolve: boolean; inputIsInvalid: boolean }): Promise<void> {
  const before = await apiRequestCount();
  const firstLine = logLines.length;
  let thrown: unknown;
  let resolved = false;
  try {
    await handler(event, context());
    resolved = true;
  } catch (error) {
    thrown = error;
  }
  if (resolved) {
    expect(options.mayResolve, 'resolved for input that cannot be scheduled').toBe(true);
  } else {
    expect(thrown).toBeInstanceOf(CasterCarouselError);
    expect(thrown).toBeInstanceOf(AsyncInvocationError);
    const failures = (thrown as AsyncInvocationError).failures;
    expect(failures.length).toBeGreaterThan(0);
    for (const failure of failures) {
      expect(failure.reason).toMatch(/^[A-Za-z]+$/);
      expect((thrown as Error).message).toContain(failure.reason);
      if (options.inputIsInvalid) expect(INPUT_REASONS, `${failure.reason}: ${failure.message}`).toContain(failure.reason);
      else expect(failure.reason, failure.message).not.toBe('InternalError');
    }
    const errorLines = linesSince(firstLine).filter((line) => line['level'] === 'error' && Array.isArray(line['failures']));
    expect(errorLines).toHaveLength(1);
    const loggedReasons = (errorLines[0]!['failures'] as { reason: string }[]).map((failure) => failure.reason);
    expect(loggedReasons).toEqual(failures.map((failure) => failure.reason));
  }
  if (options.inputIsInvalid) expect(await apiRequestCount()).toBe(before);
}

// ---------------------------------------------------------------------------------------------------------

describe('the HTTP function answers every request with a status, and invalid ones with a 4xx', () => {
  it(
    'refuses arbitrary bytes as the body with 400 InvalidPlan, sent as text or Base64',
    async () => {
      await fc.assert(
        fc.asyncProperty(arbitraryBytes, fc.boolean(), async (bytes, base64) => {
          // Prepare: bytes FC would pass as text, or Base64-encoded with isBase64Encoded.
          const event = httpEvent({ body: '' });
          const body = base64 ? Buffer.from(bytes).toString('base64') : Buffer.from(bytes).toString('utf8');
          // Act + Assess
          await assessHttp(
            jsonBuffer({ ...event, body, isBase64Encoded: base64 }),
            tryParse(Buffer.from(bytes).toString('utf8')),
            'InvalidPlan',
          );
        }),
        { numRuns: RUNS },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'refuses any JSON value as the body with 400 InvalidPlan',
    async () => {
      await fc.assert(
        fc.asyncProperty(arbitraryJson, async (value) => {
          await assessHttp(jsonBuffer(httpEvent({ body: JSON.stringify(value) })), value, 'InvalidPlan');
        }),
        { numRuns: RUNS },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'refuses a near-valid plan with 400 and its field errors, and schedules it only when it is still valid',
    async () => {
      await fc.assert(
        fc.asyncProperty(nearValidPlan, async ({ plan }) => {
          await assessHttp(jsonBuffer(httpEvent({ body: JSON.stringify(plan) })), plan, 'InvalidPlan');
        }),
        { numRuns: RUNS },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'answers 4xx when the whole event is arbitrary bytes or any JSON value',
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.oneof(arbitraryBytes.map(toBuffer), arbitraryJson.map(jsonBuffer)), async (event) => {
          await assessHttp(event, undefined);
        }),
        { numRuns: RUNS },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'never crashes on a near-valid HTTP trigger event (one envelope field removed, replaced or added)',
    async () => {
      const paths: Path[] = [
        ['body'],
        ['isBase64Encoded'],
        ['headers'],
        ['headers', 'Content-Type'],
        ['requestContext'],
        ['requestContext', 'http'],
        ['requestContext', 'http', 'method'],
        ['rawPath'],
        ['version'],
      ];
      const envelope = carriedPlan.map((plan) => httpEvent({ body: plan }));
      // A body that is not a string is left to the known-bug property below.
      const changes = mutation(paths, [[], ['headers']], ['Idempotency-Key', 'content-type', 'x-extra'], envelopeValue).filter(
        (change) => !makesBodyNonString(change),
      );
      await fc.assert(
        fc.asyncProperty(envelope, changes, async (event, change) => {
          const mutated = applyMutation(event, change) as Record<string, unknown>;
          // A request still well-formed and carrying the valid plan may be scheduled; anything else gets a 4xx.
          await assessHttp(jsonBuffer(mutated), isWellFormedHttpEvent(mutated) ? BASE_PLAN : undefined);
        }),
        { numRuns: RUNS },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'answers 4xx, not 500, when the body of an otherwise valid HTTP event is not a string',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          envelopeValue.filter((value) => typeof value !== 'string'),
          async (body) => {
            await assessHttp(jsonBuffer({ ...httpEvent({ body: BASE_PLAN }), body }), undefined);
          },
        ),
        { numRuns: RUNS },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );
});

describe('the timer function fails invalid ticks with a logged, typed reason and never calls the API for them', () => {
  const tick = (payload: string): Buffer => jsonBuffer({ triggerTime: '2031-03-01T08:00:00Z', triggerName: 'property-timer', payload });

  it(
    'fails a payload of arbitrary bytes as InvalidPlan',
    async () => {
      await fc.assert(
        fc.asyncProperty(arbitraryBytes, async (bytes) => {
          const text = Buffer.from(bytes).toString('utf8');
          await assessAsync(invokeTimer, tick(text), {
            mayResolve: isValidPlan(tryParse(text)),
            inputIsInvalid: !isValidPlan(tryParse(text)),
          });
        }),
        { numRuns: RUNS },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'fails a payload holding any JSON value as InvalidPlan',
    async () => {
      await fc.assert(
        fc.asyncProperty(arbitraryJson, async (value) => {
          await assessAsync(invokeTimer, tick(JSON.stringify(value)), { mayResolve: false, inputIsInvalid: true });
        }),
        { numRuns: RUNS },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'fails a near-valid plan as InvalidPlan, and schedules it only when it is still valid',
    async () => {
      await fc.assert(
        fc.asyncProperty(nearValidPlan, async ({ plan }) => {
          const valid = isValidPlan(plan);
          await assessAsync(invokeTimer, tick(JSON.stringify(plan)), { mayResolve: valid, inputIsInvalid: !valid });
        }),
        { numRuns: RUNS },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'fails a whole event of arbitrary bytes or any JSON value as InvalidEvent or InvalidPlan',
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.oneof(arbitraryBytes.map(toBuffer), arbitraryJson.map(jsonBuffer)), async (event) => {
          await assessAsync(invokeTimer, event, { mayResolve: false, inputIsInvalid: true });
        }),
        { numRuns: RUNS },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'never crashes on a near-valid tick (triggerName, triggerTime or payload removed, replaced or added)',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          carriedPlan,
          mutation([['triggerTime'], ['triggerName'], ['payload']], [[]], ['payload', 'triggerTime', 'triggerName'], envelopeValue),
          async (plan, change) => {
            const event = { triggerTime: '2031-03-01T08:00:00Z', triggerName: 'property-timer', payload: JSON.stringify(plan) };
            const mutated = applyMutation(event, change) as Record<string, unknown>;
            const stillValid = isWellFormedTick(mutated);
            await assessAsync(invokeTimer, jsonBuffer(mutated), { mayResolve: stillValid, inputIsInvalid: !stillValid });
          },
        ),
        { numRuns: RUNS },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );
});

describe('the event function fails invalid CloudEvents with a logged, typed reason and never calls the API for them', () => {
  let eventCounter = 0;
  /** A CloudEvent with a fresh id, so a valid plan is never refused as a reused ClientToken. */
  const envelope = (data: unknown): Record<string, unknown> =>
    cloudEvent({ id: `property-event-${(eventCounter += 1)}`, source: 'acs.caster-carousel.property', data });

  it(
    'fails data of arbitrary bytes (as a string) as InvalidPlan',
    async () => {
      await fc.assert(
        fc.asyncProperty(arbitraryBytes, async (bytes) => {
          const text = Buffer.from(bytes).toString('utf8');
          const valid = isValidPlan(tryParse(text));
          await assessAsync(invokeEvent, jsonBuffer(envelope(text)), { mayResolve: valid, inputIsInvalid: !valid });
        }),
        { numRuns: RUNS },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'fails data holding any JSON value, as an object or as a string, as InvalidPlan',
    async () => {
      await fc.assert(
        fc.asyncProperty(arbitraryJson, fc.boolean(), async (value, asString) => {
          await assessAsync(invokeEvent, jsonBuffer(envelope(asString ? JSON.stringify(value) : value)), {
            mayResolve: false,
            inputIsInvalid: true,
          });
        }),
        { numRuns: RUNS },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'fails a near-valid plan as InvalidPlan, and schedules it only when it is still valid',
    async () => {
      await fc.assert(
        fc.asyncProperty(nearValidPlan, fc.boolean(), async ({ plan }, asString) => {
          const valid = isValidPlan(plan);
          await assessAsync(invokeEvent, jsonBuffer(envelope(asString ? JSON.stringify(plan) : plan)), {
            mayResolve: valid,
            inputIsInvalid: !valid,
          });
        }),
        { numRuns: RUNS },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'fails a whole delivery of arbitrary bytes or any JSON value as InvalidEvent or InvalidPlan (an empty batch does nothing)',
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.oneof(arbitraryBytes.map(toBuffer), arbitraryJson.map(jsonBuffer)), async (event) => {
          // An empty batch holds no event, so resolving with no outcomes is the right answer to it.
          const emptyBatch = event.toString('utf8').trim() === '[]';
          await assessAsync(invokeEvent, event, { mayResolve: emptyBatch, inputIsInvalid: true });
        }),
        { numRuns: RUNS },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'never crashes on a near-valid CloudEvent or batch (an envelope field removed, replaced or added)',
    async () => {
      // The fields the function reads: a change elsewhere would only schedule the plan again.
      const paths: Path[] = [['id'], ['source'], ['data']];
      await fc.assert(
        fc.asyncProperty(
          carriedPlan,
          mutation(paths, [[]], ['data', 'id', 'source'], envelopeValue),
          fc.boolean(),
          async (plan, change, batch) => {
            const event = envelope(plan);
            const mutated = applyMutation(event, change) as Record<string, unknown>;
            const valid =
              typeof mutated['id'] === 'string' &&
              mutated['id'] !== '' &&
              typeof mutated['source'] === 'string' &&
              mutated['source'] !== '' &&
              isValidPlan(typeof mutated['data'] === 'string' ? tryParse(mutated['data']) : mutated['data']);
            await assessAsync(invokeEvent, jsonBuffer(batch ? [mutated] : mutated), { mayResolve: valid, inputIsInvalid: !valid });
          },
        ),
        { numRuns: RUNS },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );
});

describe('what the functions logged while refusing all that input', () => {
  it('holds no auth_key value, AccessKey secret, STS token or signature', () => {
    expect(emulatorErrors).toEqual([]);
    const text = logLines.join('\n');
    expect(logLines.length).toBeGreaterThan(0);
    const secrets = {
      'plan auth_key': AUTH_KEY,
      'STS secret': TEST_STS_CREDENTIALS.accessKeySecret,
      'STS token': TEST_STS_CREDENTIALS.securityToken,
    };
    expect(describeFindings([...findSecrets(text, secrets), ...findUnredactedSecrets(text)])).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------------------

function tryParse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Whether a mutation of an HTTP event leaves it with a `body` that is not a string (see the known-bug property). */
function makesBodyNonString(change: Mutation): boolean {
  const touchesBody =
    change.op === 'add' ? change.at.length === 0 && change.key === 'body' : change.path.length === 1 && change.path[0] === 'body';
  return touchesBody && change.op !== 'remove' && typeof change.value !== 'string';
}

/** An HTTP trigger event that still asks to schedule a valid plan: POST, a JSON content type, the plan as the body. */
function isWellFormedHttpEvent(event: Record<string, unknown>): boolean {
  const context = event['requestContext'] as { http?: { method?: unknown } } | undefined;
  const headers = event['headers'] as Record<string, unknown> | undefined;
  const contentType =
    headers && typeof headers === 'object'
      ? Object.entries(headers).find(([name]) => name.toLowerCase() === 'content-type')?.[1]
      : undefined;
  if (typeof context?.http?.method !== 'string' || context.http.method.toUpperCase() !== 'POST') return false;
  if (typeof contentType !== 'string' || !/^application\/(?:[a-z0-9.+-]+\+)?json(?:;|$)/i.test(contentType.trim())) return false;
  if (typeof event['body'] !== 'string') return false;
  const text = event['isBase64Encoded'] === true ? Buffer.from(event['body'], 'base64').toString('utf8') : event['body'];
  return isValidPlan(tryParse(text));
}

/** A timer tick that still carries a valid plan: string triggerName, a parseable triggerTime, the plan as payload. */
function isWellFormedTick(event: Record<string, unknown>): boolean {
  return (
    typeof event['triggerName'] === 'string' &&
    typeof event['triggerTime'] === 'string' &&
    !Number.isNaN(Date.parse(event['triggerTime'])) &&
    typeof event['payload'] === 'string' &&
    isValidPlan(tryParse(event['payload']))
  );
}
