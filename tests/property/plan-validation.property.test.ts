import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Plan } from '../../shared/src/plan/plan';
import { PLAN_LIMITS } from '../../shared/src/plan/plan-limits';
import { describeFieldErrors, validatePlan } from '../../shared/src/plan/validate-plan';

const NUM_RUNS = 500;

const label = fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,10}[a-z0-9])?$/);
const hostname = fc.array(label, { minLength: 1, maxLength: 4 }).map((labels) => labels.join('.'));
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

const startTime = fc
  .date({ min: new Date('0000-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true })
  .map((date) => date.toISOString().replace(/\.\d{3}Z$/, 'Z'));

const item = fc.record({
  // 'binary' units are whole code points, so maxLength bounds characters exactly as JSON Schema counts them.
  ItemName: fc.string({ unit: 'binary', minLength: 1, maxLength: PLAN_LIMITS.itemNameMaxChars }),
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
      startTime.map((text) => text.replace('Z', '+08:00')),
      startTime.map((text) => text.toLowerCase()),
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
        expect(result).toEqual({ ok: true, plan: before });
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
