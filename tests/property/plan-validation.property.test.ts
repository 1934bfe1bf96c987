import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PlanValidationError } from '../../shared/src/errors';
import { planClientToken } from '../../shared/src/idempotency/trigger-tokens';
import { findJsonSyntaxErrorOffset } from '../../shared/src/plan/json-syntax-position';
import type { Plan } from '../../shared/src/plan/plan';
import { PLAN_LIMITS } from '../../shared/src/plan/plan-limits';
import { parsePlanJson } from '../../shared/src/plan/require-valid-plan';
import { scanText } from '../../shared/src/plan/text-scan';
import { describeFieldErrors, validatePlan } from '../../shared/src/plan/validate-plan';
import { percentEncode } from '../../shared/src/signing/percent-encode';

const NUM_RUNS = 500;

const label = fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,10}[a-z0-9])?$/);
// A host name's last label is never all digits (that would be an IPv4 address).
const hostname = fc.array(label, { minLength: 1, maxLength: 4 }).map((labels) => `${labels.join('.')}x`);
const urlPath = fc.array(fc.webSegment(), { maxLength: 3 }).map((segments) => segments.map((segment) => `${segment}/`).join(''));
const videoExtension = fc.constantFrom('.mp4', '.MP4', '.Mp4', '.flv', '.FLV', '.ts', '.TS');
const secret = fc.stringMatching(/^[A-Za-z0-9]{12,40}$/).map((random) => `Sx9${random}`);
const authQuery = fc.option(
  secret.map((value) => `?auth_key=1700000000-0-0-${value}`),
  { nil: '' },
);
const fragment = fc.option(
  fc.webFragments().map((text) => `#${text}`),
  { nil: '' },
);

/** A VOD URL the schema must accept, with an optional auth_key secret and fragment. */
const vodUrl = fc
  .tuple(
    fc.constantFrom('http', 'https'),
    hostname,
    urlPath,
    fc.stringMatching(/^[A-Za-z0-9_-]{1,20}$/),
    videoExtension,
    authQuery,
    fragment,
  )
  .map(([scheme, host, path, name, extension, query, hash]) => `${scheme}://${host}/${path}${name}${extension}${query}${hash}`);

/** An instant from now to ten years ahead: the StartTimes validation accepts. */
const startTime = fc
  .date({ min: new Date(Date.now() + 3_600_000), max: new Date(Date.now() + 9 * 365 * 86_400_000), noInvalidDate: true })
  .map((date) => date.toISOString().replace(/\.\d{3}Z$/, 'Z'));

/** Control and bidi-control characters, which ItemName refuses. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what the rule under test refuses
const NAME_FORBIDDEN = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;

const item = fc.record({
  // 'binary' units are whole code points, so maxLength bounds characters exactly as JSON Schema counts them.
  ItemName: fc
    .string({ unit: 'binary', minLength: 1, maxLength: PLAN_LIMITS.itemNameMaxChars })
    .map((name) => name.replace(NAME_FORBIDDEN, '_')),
  VodUrl: vodUrl,
});

/** Plans the validator must accept: every optional property may be present or absent. */
const validPlan: fc.Arbitrary<Plan> = fc.record(
  {
    CasterId: fc.stringMatching(/^[A-Za-z0-9_*-]{1,64}$/),
    CallbackUrl: fc
      .tuple(fc.constantFrom('http', 'https'), hostname, urlPath, authQuery)
      .map(([scheme, host, path, query]) => `${scheme}://${host}/${path}${query}`),
    DomainName: hostname,
    SideOutputUrl: fc
      .tuple(fc.constantFrom('rtmp', 'rtmps', 'http', 'https'), hostname, urlPath, authQuery)
      .map(([scheme, host, path, query]) => `${scheme}://${host}/${path}${query}`),
    StartTime: startTime,
    RepeatNum: fc.integer({ min: PLAN_LIMITS.repeatNumMin, max: PLAN_LIMITS.repeatNumMax }),
    Items: fc.array(item, { minLength: 1, maxLength: PLAN_LIMITS.itemsMaxCount }),
    ClientToken: fc.string({
      unit: fc.integer({ min: 0x21, max: 0x7e }).map((code) => String.fromCharCode(code)),
      minLength: 1,
      maxLength: PLAN_LIMITS.clientTokenMaxChars,
    }),
  },
  { requiredKeys: ['StartTime', 'RepeatNum', 'Items'] },
);

type Mutation = { readonly pathIn: (plan: Plan) => string; readonly apply: (plan: Record<string, unknown>) => void };

/** Sets a top-level field to a broken value; the error belongs under the field's own name. */
function topLevel(field: string, invalid: fc.Arbitrary<unknown>): fc.Arbitrary<Mutation> {
  return invalid.map((value) => ({ pathIn: () => field, apply: (plan) => void (plan[field] = value) }));
}

/** Breaks one field of one item, chosen by a fraction so it lands inside whatever list the plan has. */
function inItem(field: 'ItemName' | 'VodUrl', invalid: fc.Arbitrary<unknown>): fc.Arbitrary<Mutation> {
  return fc.tuple(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), invalid).map(([fraction, value]) => {
    const indexOf = (plan: Plan) => Math.floor(fraction * plan.Items.length);
    return {
      pathIn: (plan: Plan) => `Items[${indexOf(plan)}].${field}`,
      apply: (plan: Record<string, unknown>) => {
        const items = (plan.Items as Array<Record<string, unknown>>).map((entry) => ({ ...entry }));
        const target = items[indexOf(plan as unknown as Plan)];
        if (target) target[field] = value;
        plan.Items = items;
      },
    };
  });
}

/** True when a field path is the given one or one nested in it (`Items[0]` is under `Items`). */
function isAtOrUnder(path: string, ancestor: string): boolean {
  return path === ancestor || path.startsWith(`${ancestor}[`) || path.startsWith(`${ancestor}.`);
}

const tooLong = (maxChars: number) => fc.integer({ min: maxChars + 1, max: maxChars + 50 }).map((length) => 'x'.repeat(length));
const nonString = fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.string(), { maxLength: 2 }));

/** One broken value per rule, for every field of the format. */
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  topLevel('CasterId', fc.oneof(fc.constant(''), tooLong(PLAN_LIMITS.casterIdMaxChars), fc.constantFrom('a b', 'id/1', 'ïd'), nonString)),
  topLevel(
    'CallbackUrl',
    fc.oneof(
      vodUrl.map((url) => url.replace(/^https?/, 'ftp')),
      vodUrl.map((url) => url.replace('://', ':// ')),
      nonString,
    ),
  ),
  topLevel(
    'DomainName',
    fc.oneof(
      hostname.map((host) => `-${host}`),
      hostname.map((host) => `${host}.`),
      hostname.map((host) => `${host}_x`),
      nonString,
    ),
  ),
  topLevel(
    'SideOutputUrl',
    fc.oneof(
      vodUrl.map((url) => url.replace(/^https?/, 'srt')),
      fc.constant('rtmp://'),
      nonString,
    ),
  ),
  topLevel(
    'StartTime',
    fc.oneof(
      startTime.map((text) => text.replace('T', ' ')),
      startTime.map((text) => text.replace('Z', '.000Z')),
      startTime.map((text) => text.replace('Z', '+0800')),
      startTime.map((text) => text.replace('Z', '+24:00')),
      startTime.map((text) => text.toLowerCase()),
      fc.constantFrom('1970-01-01T00:00:00Z', '0000-01-01T00:00:00Z', '9999-12-31T23:59:59Z'),
      fc.constantFrom(
        '2031-02-30T00:00:00Z',
        '2030-02-29T00:00:00Z',
        '2031-01-01T24:00:00Z',
        '2031-01-01T23:59:60Z',
        '2031-04-31T00:00:00Z',
      ),
      nonString,
    ),
  ),
  topLevel(
    'RepeatNum',
    fc.oneof(
      fc.integer({ max: PLAN_LIMITS.repeatNumMin - 1 }),
      fc.integer({ min: PLAN_LIMITS.repeatNumMax + 1 }),
      fc.double({ noNaN: true, noDefaultInfinity: true }).filter((value) => !Number.isInteger(value)),
      fc.integer({ min: -1, max: 100 }).map(String),
      fc.constant(null),
    ),
  ),
  topLevel(
    'Items',
    fc.oneof(
      fc.constant([]),
      fc.array(item, { minLength: PLAN_LIMITS.itemsMaxCount + 1, maxLength: PLAN_LIMITS.itemsMaxCount + 5 }),
      item,
      nonString,
    ),
  ),
  topLevel(
    'ClientToken',
    fc.oneof(fc.constant(''), tooLong(PLAN_LIMITS.clientTokenMaxChars), fc.constantFrom('tök', 'a b', 'tab\t', '\u007f'), nonString),
  ),
  inItem('ItemName', fc.oneof(fc.constant(''), tooLong(PLAN_LIMITS.itemNameMaxChars), nonString)),
  inItem(
    'VodUrl',
    fc.oneof(
      vodUrl.map((url) => url.replace(/^https?/, 'ftp')),
      vodUrl.map((url) => url.replace(/\.(mp4|flv|ts)(?=[?#]|$)/i, '.mp3')),
      vodUrl.map((url) => url.replace(/^https?:\/\/[^/]+/, 'https://')),
      vodUrl.map((url) => url.replace('/', '/ ')),
      tooLong(PLAN_LIMITS.vodUrlMaxChars).map((filler) => `https://cdn.example.com/${filler}.mp4`),
      nonString,
    ),
  ),
  fc.constant<Mutation>({ pathIn: () => '(root)', apply: (plan) => void (plan.Unexpected = true) }),
);

describe('validatePlan on arbitrary input', () => {
  it.each([
    ['JSON values', fc.jsonValue()],
    [
      'any JavaScript values',
      fc.anything({
        withBoxedValues: true,
        withMap: true,
        withSet: true,
        withNullPrototype: true,
        withObjectString: true,
        withTypedArray: true,
        withSparseArray: true,
      }),
    ],
  ])('never throws on %s and always answers ok or with at least one message', (_name, arbitrary) => {
    fc.assert(
      fc.property(arbitrary, (input) => {
        // Act
        const result = validatePlan(input);

        // Assess
        if (result.ok) return;
        const entries = Object.entries(result.fieldErrors);
        expect(entries.length).toBeGreaterThan(0);
        for (const [, messages] of entries) {
          expect(messages.length).toBeGreaterThan(0);
          expect(new Set(messages).size).toBe(messages.length);
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });
});

describe('validatePlan on generated plans', () => {
  it('accepts every valid plan and returns it deep-equal', () => {
    fc.assert(
      fc.property(validPlan, (plan) => {
        // Prepare
        const before = structuredClone(plan);

        // Act
        const result = validatePlan(plan);

        // Assess
        expect(result).toEqual({ ok: true, plan: before, warnings: expect.any(Array) });
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('rejects a valid plan with one field broken, under that field path', () => {
    fc.assert(
      fc.property(validPlan, mutation, (plan, { pathIn, apply }) => {
        // Prepare
        const broken: Record<string, unknown> = { ...plan };
        apply(broken);
        const expectedPath = pathIn(plan);

        // Act
        const result = validatePlan(broken);

        // Assess
        expect(result.ok).toBe(false);
        const paths = Object.keys(result.ok ? {} : result.fieldErrors);
        expect(
          paths.some((path) => isAtOrUnder(path, expectedPath)),
          `${JSON.stringify(paths)} has nothing under ${expectedPath}`,
        ).toBe(true);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('never echoes an auth_key secret from any URL in its errors', () => {
    fc.assert(
      fc.property(validPlan, secret, fc.constantFrom('.mp3', '.mp4 x', '.avi'), (plan, auth, badExtension) => {
        // Prepare
        const query = `?auth_key=1700000000-0-0-${auth}`;
        const broken = {
          ...plan,
          CallbackUrl: `ftp://learn.example.com/cb${query}`,
          SideOutputUrl: `rtmp://guide.example.com/caster${query}`,
          Items: plan.Items.map((entry, index) => ({
            ...entry,
            VodUrl: index % 2 === 0 ? `https://cdn.example.com/ep${badExtension}${query}` : `https://cdn.example.com/ep.mp4${query}`,
          })),
        };

        // Act
        const result = validatePlan(broken);

        // Assess
        expect(result.ok).toBe(false);
        expect(JSON.stringify(result)).not.toContain(auth);
        expect(describeFieldErrors(result.ok ? {} : result.fieldErrors)).not.toContain(auth);
      }),
      { numRuns: NUM_RUNS },
    );
  });
});

// ---------------------------------------------------------------------------------------------------------
// The rules that match what the API signs and the air plays.

const NOW_MS = Date.parse('2031-01-01T00:00:00Z');
/** The independent oracle: encodeURIComponent throws on exactly the strings with a lone surrogate. */
function isWellFormedText(text: string): boolean {
  try {
    encodeURIComponent(text);
    return true;
  } catch {
    return false;
  }
}
/** One UTF-16 code unit of any value, lone surrogates included. */
const anyCodeUnit = fc.integer({ min: 0, max: 0xffff }).map((unit) => String.fromCharCode(unit));
const simplePlan = (overrides: Record<string, unknown>) => ({
  StartTime: '2031-03-06T19:00:00Z',
  RepeatNum: 0,
  Items: [{ ItemName: 'Episode', VodUrl: 'https://cdn.example.com/a.mp4' }],
  ...overrides,
});

describe('the text rules', () => {
  it('counts exactly the length percentEncode gives, and flags exactly the strings that are not well-formed', () => {
    fc.assert(
      fc.property(fc.string({ unit: anyCodeUnit, maxLength: 64 }), (text) => {
        // Act
        const scan = scanText(text, true);

        // Assess
        expect(scan.wellFormed).toBe(isWellFormedText(text));
        if (scan.wellFormed) expect(scan.encodedLength).toBe(percentEncode(text).length);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('refuses an ItemName exactly when it holds a lone surrogate or a control or bidi-control character', () => {
    fc.assert(
      fc.property(fc.string({ unit: anyCodeUnit, minLength: 1, maxLength: 40 }), (name) => {
        // Act
        const result = validatePlan(simplePlan({ Items: [{ ItemName: name, VodUrl: 'https://cdn.example.com/a.mp4' }] }), {
          nowMs: NOW_MS,
        });

        // Assess
        const forbidden = !isWellFormedText(name) || new RegExp(NAME_FORBIDDEN.source, 'u').test(name);
        expect(result.ok).toBe(!forbidden);
        if (!result.ok) expect(JSON.stringify(result.fieldErrors)).not.toContain(name);
      }),
      { numRuns: NUM_RUNS },
    );
  });
});

describe('the URL rules', () => {
  it('accepts a port exactly when it is 1 to 65535', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 99_999 }), (port) => {
        // Act
        const result = validatePlan(simplePlan({ Items: [{ ItemName: 'E', VodUrl: `https://cdn.example.com:${port}/a.mp4` }] }), {
          nowMs: NOW_MS,
        });

        // Assess
        expect(result.ok).toBe(port >= 1 && port <= 65_535);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('refuses a signed VodUrl exactly when its signature ends before StartTime plus a minute, and never shows it', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1_900_000_000, max: 2_000_000_000 }),
        fc.integer({ min: 0, max: 30 * 86_400 }),
        fc.stringMatching(/^[0-9a-f]{32}$/),
        (signedAtS, validityS, hash) => {
          // Prepare
          const plan = simplePlan({
            Items: [{ ItemName: 'E', VodUrl: `https://cdn.example.com/a.mp4?auth_key=${signedAtS}-0-0-${hash}` }],
          });
          const startMs = Date.parse('2031-03-06T19:00:00Z');

          // Act
          const result = validatePlan(plan, { nowMs: NOW_MS, authKeyValidityS: validityS });

          // Assess
          expect(result.ok).toBe((signedAtS + validityS) * 1000 >= startMs + 60_000);
          expect(JSON.stringify(result)).not.toContain(`-0-0-${hash}"]`);
          if (!result.ok) expect(JSON.stringify(result.fieldErrors)).not.toContain(hash);
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });
});

describe('the StartTime rules', () => {
  const pad = (value: number) => String(value).padStart(2, '0');

  it('normalises any offset to the same UTC instant, the same plan and the same ClientToken', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: NOW_MS / 1000 + 3600, max: NOW_MS / 1000 + 5 * 365 * 86_400 }),
        fc.integer({ min: -(23 * 60 + 59), max: 23 * 60 + 59 }),
        (epochS, offsetMinutes) => {
          // Prepare: the same instant written in UTC and in local time at the offset
          const utc = new Date(epochS * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
          const local = new Date(epochS * 1000 + offsetMinutes * 60_000).toISOString().slice(0, 19);
          const sign = offsetMinutes < 0 ? '-' : '+';
          const withOffset = `${local}${sign}${pad(Math.floor(Math.abs(offsetMinutes) / 60))}:${pad(Math.abs(offsetMinutes) % 60)}`;

          // Act
          const fromUtc = validatePlan(simplePlan({ StartTime: utc }), { nowMs: NOW_MS });
          const fromOffset = validatePlan(simplePlan({ StartTime: withOffset }), { nowMs: NOW_MS });

          // Assess
          expect(fromOffset).toEqual(fromUtc);
          if (fromUtc.ok && fromOffset.ok) expect(planClientToken(fromOffset.plan)).toBe(planClientToken(fromUtc.plan));
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });

  it('accepts a StartTime exactly from now less the grace to ten years ahead', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.parse('1970-01-01T00:00:00Z') / 1000, max: Date.parse('2045-01-01T00:00:00Z') / 1000 }),
        fc.integer({ min: 0, max: 3600 }),
        (epochS, graceS) => {
          // Prepare
          const text = new Date(epochS * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');

          // Act
          const result = validatePlan(simplePlan({ StartTime: text }), { nowMs: NOW_MS, startTimeGraceS: graceS });

          // Assess
          const latestMs = Date.parse('2041-01-01T00:00:00Z');
          expect(result.ok).toBe(epochS * 1000 >= NOW_MS - graceS * 1000 && epochS * 1000 <= latestMs);
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });
});

describe('plan JSON parsing', () => {
  /** JSON text, sometimes with one character removed, replaced or inserted. */
  const nearJson = fc
    .tuple(
      fc.jsonValue({ maxDepth: 3 }),
      fc.constantFrom(0, 2),
      fc.nat(),
      fc.constantFrom('delete', 'insert', 'none'),
      fc.constantFrom('"', '{', '}', ',', ':', 'x', '\n', '\\', ']'),
    )
    .map(([value, indent, at, edit, character]) => {
      const text = JSON.stringify(value, null, indent);
      const index = text.length === 0 ? 0 : at % text.length;
      if (edit === 'delete') return text.slice(0, index) + text.slice(index + 1);
      if (edit === 'insert') return text.slice(0, index) + character + text.slice(index);
      return text;
    });

  it('finds a syntax error exactly when JSON.parse fails, and reports it by line and column without the text', () => {
    fc.assert(
      fc.property(nearJson, fc.boolean(), (text, withBom) => {
        // Prepare
        let parses = true;
        try {
          JSON.parse(text);
        } catch {
          parses = false;
        }

        // Act
        const offset = findJsonSyntaxErrorOffset(text);
        let message: string | undefined;
        try {
          parsePlanJson(withBom ? `\uFEFF${text}` : text, '(body)', 'not JSON');
        } catch (error) {
          message = error instanceof PlanValidationError ? error.fieldErrors['(body)']?.[0] : 'another error';
        }

        // Assess
        expect(offset === -1).toBe(parses);
        expect(message === undefined).toBe(parses);
        if (message !== undefined) expect(message).toMatch(/^is not valid JSON \(line \d+, column \d+\)$/);
      }),
      { numRuns: NUM_RUNS },
    );
  });
});
