import { describe, expect, it } from 'vitest';
import { PLAN_LIMITS } from '../../../shared/src/plan/plan-limits';
import { describeFieldErrors, validatePlan } from '../../../shared/src/plan/validate-plan';

const START_TIME_MESSAGE = 'must be yyyy-MM-ddTHH:mm:ss followed by Z or an offset such as +08:00';
const VOD_URL_MESSAGE = 'must be an http(s) URL whose path ends in .mp4, .flv or .ts';
const NOT_REAL_MESSAGE = 'is not a real calendar date/time';

function fullPlan(): Record<string, unknown> {
  return {
    CasterId: 'LIVEPRODUCER_POST-cn-0pp1czt****',
    CallbackUrl:
      'http://learn.aliyundoc.com/caster/4a82a3d1b7f0462ea37348366201****?auth_key=1608953344-0-0-53f0758162964516ac850f2ddc3f****',
    DomainName: 'example.com',
    SideOutputUrl: 'rtmp://sophon-developer.aliyundoc.com/caster/4a82a3d1b7f0462ea37348366201****?auth_key=1608953344-0-0-ac8c6280',
    StartTime: '2031-03-06T19:00:00Z',
    RepeatNum: -1,
    Items: [
      { ItemName: 'Episode 1', VodUrl: 'https://cdn.example.com/ep1.mp4?auth_key=1608953344-0-0-abc' },
      { ItemName: 'Episode 2', VodUrl: 'http://cdn.example.com/shows/ep2.flv' },
    ],
    ClientToken: '8751ad99-2ddb-4aac-ad44-84b21102****',
  };
}

function minimalPlan(): Record<string, unknown> {
  return { StartTime: '2031-03-06T19:00:00Z', RepeatNum: 0, Items: [{ ItemName: 'Episode 1', VodUrl: 'https://cdn.example.com/ep1.mp4' }] };
}

function planWithItem(item: Record<string, unknown>): Record<string, unknown> {
  return { ...minimalPlan(), Items: [item] };
}

function planWithVodUrl(vodUrl: unknown): Record<string, unknown> {
  return planWithItem({ ItemName: 'Episode 1', VodUrl: vodUrl });
}

function itemsOfCount(count: number): Array<Record<string, unknown>> {
  return Array.from({ length: count }, (_, index) => ({
    ItemName: `Episode ${index + 1}`,
    VodUrl: `https://cdn.example.com/ep${index + 1}.ts`,
  }));
}

/** The field errors of a rejected input; fails the test when the input was accepted. */
function fieldErrorsOf(input: unknown): Record<string, string[]> {
  const result = validatePlan(input);
  if (result.ok) throw new Error('expected the input to be rejected');
  return result.fieldErrors;
}

describe('validatePlan accepts valid plans unchanged', () => {
  it.each([
    ['a plan with every property', fullPlan],
    ['a plan with only the required properties', minimalPlan],
  ])('returns %s with the same content and no defaults injected', (_name, makePlan) => {
    // Prepare
    const input = makePlan();
    const before = structuredClone(input);

    // Act
    const result = validatePlan(input);

    // Assess
    expect(result).toEqual({ ok: true, plan: before, warnings: expect.any(Array) });
    expect(Object.keys(result.ok ? result.plan : {})).toEqual(Object.keys(before));
    expect(input).toEqual(before);
  });

  it.each([-1, 0, 3, PLAN_LIMITS.repeatNumMax])('accepts RepeatNum %d', (repeatNum) => {
    // Prepare
    const input = { ...minimalPlan(), RepeatNum: repeatNum };

    // Act
    const result = validatePlan(input);

    // Assess
    expect(result.ok).toBe(true);
  });

  it.each([
    ['a valid leap day', '2032-02-29T00:00:00Z'],
    ['the last second of a day', '2031-12-31T23:59:59Z'],
    ['midnight', '2031-01-01T00:00:00Z'],
    ['a year below 100, which Date.UTC would misread', '0099-06-15T12:00:00Z'],
  ])('accepts StartTime on %s', (_name, startTime) => {
    // Prepare: a clock an hour before the StartTime, so only the calendar rule is under test
    const input = { ...minimalPlan(), StartTime: startTime };
    const nowMs = Date.parse(startTime) - 3_600_000;

    // Act
    const result = validatePlan(input, { nowMs });

    // Assess
    expect(result.ok).toBe(true);
  });

  it.each([
    ['an uppercase extension and an auth_key', 'https://cdn.example.com/a/ep1.MP4?auth_key=1-0-0-abc'],
    ['.flv', 'http://cdn.example.com/ep.flv'],
    ['.ts in mixed case', 'https://cdn.example.com/live/seg.Ts'],
    ['a port', 'https://cdn.example.com:8443/ep.mp4'],
    ['an IPv6 host', 'http://[2001:db8::1]/ep.mp4'],
    ['a query and a fragment', 'https://cdn.example.com/ep.mp4?auth_key=1-0-0-abc&x=1#t=30'],
    ['percent-encoded non-ASCII in the path', 'https://cdn.example.com/%E5%89%A7/ep.mp4'],
  ])('accepts a VodUrl with %s', (_name, vodUrl) => {
    // Prepare
    const input = planWithVodUrl(vodUrl);

    // Act
    const result = validatePlan(input);

    // Assess
    expect(result.ok).toBe(true);
  });

  it.each([
    'rtmp://guide.example.com/caster/x',
    'rtmps://guide.example.com/caster/x',
    'http://guide.example.com',
    'https://guide.example.com/x?auth_key=1',
  ])('accepts SideOutputUrl %s', (sideOutputUrl) => {
    // Prepare
    const input = { ...minimalPlan(), SideOutputUrl: sideOutputUrl };

    // Act
    const result = validatePlan(input);

    // Assess
    expect(result.ok).toBe(true);
  });

  it.each(['example.com', 'EXAMPLE.com', 'live-1.example.com', 'localhost', `${'a'.repeat(63)}.com`])(
    'accepts DomainName %s',
    (domainName) => {
      // Prepare
      const input = { ...minimalPlan(), DomainName: domainName };

      // Act
      const result = validatePlan(input);

      // Assess
      expect(result.ok).toBe(true);
    },
  );

  it('accepts exactly the maximum number of items and the longest names and tokens', () => {
    // Prepare
    const items = itemsOfCount(PLAN_LIMITS.itemsMaxCount);
    items[0] = { ItemName: 'n'.repeat(PLAN_LIMITS.itemNameMaxChars), VodUrl: 'https://cdn.example.com/ep.mp4' };
    const input = {
      ...minimalPlan(),
      Items: items,
      ClientToken: '~'.repeat(PLAN_LIMITS.clientTokenMaxChars),
      CasterId: 'C'.repeat(PLAN_LIMITS.casterIdMaxChars),
    };

    // Act
    const result = validatePlan(input);

    // Assess
    expect(result.ok).toBe(true);
  });
});

describe('validatePlan rejects the top level', () => {
  it.each([
    ['an array', []],
    ['null', null],
    ['a string', '{"StartTime":"2031-03-06T19:00:00Z"}'],
    ['a number', 42],
  ])('reports %s under (root)', (_name, input) => {
    // Act
    const fieldErrors = fieldErrorsOf(input);

    // Assess
    expect(fieldErrors).toEqual({ '(root)': ['must be an object'] });
  });

  it.each(['StartTime', 'RepeatNum', 'Items'])('reports a missing %s under its own name', (field) => {
    // Prepare
    const input = minimalPlan();
    delete input[field];

    // Act
    const fieldErrors = fieldErrorsOf(input);

    // Assess
    expect(fieldErrors).toEqual({ [field]: ['is required'] });
  });

  it('names an unknown top-level property', () => {
    // Prepare
    const input = { ...minimalPlan(), Foo: 1 };

    // Act
    const fieldErrors = fieldErrorsOf(input);

    // Assess
    expect(fieldErrors).toEqual({ '(root)': ['unknown property "Foo"'] });
  });

  it('does not print an unknown property name that could carry a secret', () => {
    // Prepare
    const input = { ...minimalPlan(), 'https://x/y?auth_key=SECRETVALUE': 1 };

    // Act
    const fieldErrors = fieldErrorsOf(input);

    // Assess
    expect(fieldErrors).toEqual({ '(root)': ['has an unknown property (name not shown)'] });
  });

  it('rejects an object with more properties than the work bound with a single error', () => {
    // Prepare
    const input: Record<string, unknown> = minimalPlan();
    for (let index = 0; index < 100_000; index += 1) input[`Extra${index}`] = index;

    // Act
    const fieldErrors = fieldErrorsOf(input);

    // Assess
    expect(fieldErrors).toEqual({ '(root)': [`must have at most ${PLAN_LIMITS.planMaxProperties} properties`] });
  });

  it('reports every broken field at once', () => {
    // Prepare
    const input = { StartTime: '2031-03-06 19:00:00', RepeatNum: -5, Items: [{ ItemName: '' }], Extra: true };

    // Act
    const fieldErrors = fieldErrorsOf(input);

    // Assess
    expect(fieldErrors).toEqual({
      '(root)': ['unknown property "Extra"'],
      StartTime: [START_TIME_MESSAGE],
      RepeatNum: ['must be an integer >= -1'],
      'Items[0].ItemName': ['must not be empty'],
      'Items[0].VodUrl': ['is required'],
    });
  });
});

describe('validatePlan rejects RepeatNum', () => {
  it.each([
    ['a numeric string, since nothing is coerced', '3', 'must be an integer'],
    ['a fraction', 1.5, 'must be an integer'],
    ['null', null, 'must be an integer'],
    ['a value below -1', -2, 'must be an integer >= -1'],
    ['a value above the maximum', PLAN_LIMITS.repeatNumMax + 1, `must be an integer <= ${PLAN_LIMITS.repeatNumMax}`],
  ])('that is %s', (_name, repeatNum, message) => {
    // Prepare
    const input = { ...minimalPlan(), RepeatNum: repeatNum };

    // Act
    const fieldErrors = fieldErrorsOf(input);

    // Assess
    expect(fieldErrors).toEqual({ RepeatNum: [message] });
  });
});

describe('validatePlan rejects StartTime', () => {
  it.each([
    ['with a lowercase t', '2031-03-06t19:00:00Z', START_TIME_MESSAGE],
    ['with a lowercase z', '2031-03-06T19:00:00z', START_TIME_MESSAGE],
    ['with a space separator', '2031-03-06 19:00:00Z', START_TIME_MESSAGE],
    ['without a zone', '2031-03-06T19:00:00', START_TIME_MESSAGE],
    ['as a date only', '2031-03-06', START_TIME_MESSAGE],
    ['with full-width digits', '２０３１-03-06T19:00:00Z', START_TIME_MESSAGE],
    ['on February 30', '2031-02-30T19:00:00Z', NOT_REAL_MESSAGE],
    ['on February 29 of a common year', '2030-02-29T19:00:00Z', NOT_REAL_MESSAGE],
    ['on month 13', '2031-13-01T00:00:00Z', NOT_REAL_MESSAGE],
    ['on day 0', '2031-03-00T00:00:00Z', NOT_REAL_MESSAGE],
    ['at hour 24', '2031-03-06T24:00:00Z', NOT_REAL_MESSAGE],
    ['at hour 25', '2031-03-06T25:00:00Z', NOT_REAL_MESSAGE],
    ['at minute 60', '2031-03-06T19:60:00Z', NOT_REAL_MESSAGE],
    ['at a leap second', '2031-03-06T23:59:60Z', NOT_REAL_MESSAGE],
    ['with fractional seconds', '2031-03-06T19:00:00.000Z', START_TIME_MESSAGE],
    ['with an offset without a colon', '2031-03-06T19:00:00+0800', START_TIME_MESSAGE],
    ['with an offset of 24 hours', '2031-03-06T19:00:00+24:00', NOT_REAL_MESSAGE],
  ])('%s', (_name, startTime, message) => {
    // Prepare
    const input = { ...minimalPlan(), StartTime: startTime };

    // Act
    const fieldErrors = fieldErrorsOf(input);

    // Assess
    expect(fieldErrors).toEqual({ StartTime: [message] });
  });

  it.each([
    ['with fractional seconds and an offset', '2031-03-06T19:00:00.000+08:00'],
    ['with fractional seconds in microseconds', '2031-03-06T19:00:00.000000Z'],
  ])('%s, naming both the length and the format rule', (_name, startTime) => {
    // Prepare
    const input = { ...minimalPlan(), StartTime: startTime };

    // Act
    const fieldErrors = fieldErrorsOf(input);

    // Assess
    expect(fieldErrors).toEqual({ StartTime: [`must be at most ${PLAN_LIMITS.startTimeMaxChars} characters`, START_TIME_MESSAGE] });
  });

  it('that is a number', () => {
    // Prepare
    const input = { ...minimalPlan(), StartTime: 1_900_000_000 };

    // Act
    const fieldErrors = fieldErrorsOf(input);

    // Assess
    expect(fieldErrors).toEqual({ StartTime: ['must be a string'] });
  });
});

describe('validatePlan rejects Items', () => {
  it.each([
    ['an empty list', [], 'must have at least 1 item'],
    ['a list over the maximum', itemsOfCount(PLAN_LIMITS.itemsMaxCount + 1), `must have at most ${PLAN_LIMITS.itemsMaxCount} items`],
    ['an object', { ItemName: 'a', VodUrl: 'https://cdn.example.com/a.mp4' }, 'must be an array'],
  ])('that is %s', (_name, items, message) => {
    // Prepare
    const input = { ...minimalPlan(), Items: items };

    // Act
    const fieldErrors = fieldErrorsOf(input);

    // Assess
    expect(fieldErrors).toEqual({ Items: [message] });
  });

  it('that is huge and full of broken items with a single error, without checking each item', () => {
    // Prepare
    const input = { ...minimalPlan(), Items: Array.from({ length: 200_000 }, () => ({})) };

    // Act
    const fieldErrors = fieldErrorsOf(input);

    // Assess
    expect(fieldErrors).toEqual({ Items: [`must have at most ${PLAN_LIMITS.itemsMaxCount} items`] });
  });

  it('reports an item that is not an object by its index', () => {
    // Prepare
    const input = { ...minimalPlan(), Items: [...itemsOfCount(2), 'https://cdn.example.com/a.mp4'] };

    // Act
    const fieldErrors = fieldErrorsOf(input);

    // Assess
    expect(fieldErrors).toEqual({ 'Items[2]': ['must be an object'] });
  });

  it('names an unknown property of an item', () => {
    // Prepare
    const input = planWithItem({ ItemName: 'Episode 1', VodUrl: 'https://cdn.example.com/ep1.mp4', Duration: 30 });

    // Act
    const fieldErrors = fieldErrorsOf(input);

    // Assess
    expect(fieldErrors).toEqual({ 'Items[0]': ['unknown property "Duration"'] });
  });

  it.each([
    ['a missing ItemName', { VodUrl: 'https://cdn.example.com/ep1.mp4' }, 'Items[0].ItemName', 'is required'],
    ['a missing VodUrl', { ItemName: 'Episode 1' }, 'Items[0].VodUrl', 'is required'],
    ['an empty ItemName', { ItemName: '', VodUrl: 'https://cdn.example.com/ep1.mp4' }, 'Items[0].ItemName', 'must not be empty'],
    [
      'a too long ItemName',
      { ItemName: 'n'.repeat(PLAN_LIMITS.itemNameMaxChars + 1), VodUrl: 'https://cdn.example.com/ep1.mp4' },
      'Items[0].ItemName',
      `must be at most ${PLAN_LIMITS.itemNameMaxChars} characters`,
    ],
    ['a numeric ItemName', { ItemName: 1, VodUrl: 'https://cdn.example.com/ep1.mp4' }, 'Items[0].ItemName', 'must be a string'],
  ])('with %s', (_name, item, path, message) => {
    // Prepare
    const input = planWithItem(item);

    // Act
    const fieldErrors = fieldErrorsOf(input);

    // Assess
    expect(fieldErrors).toEqual({ [path]: [message] });
  });
});

describe('validatePlan rejects VodUrl', () => {
  it.each([
    ['an ftp URL', 'ftp://cdn.example.com/ep1.mp4'],
    ['an .mp3 file', 'https://cdn.example.com/ep1.mp3'],
    ['.mp4 only in the query string', 'https://cdn.example.com/play?file=ep1.mp4'],
    ['.mp4 only in the fragment', 'https://cdn.example.com/play#ep1.mp4'],
    ['no host', 'https:///ep1.mp4'],
    ['no path', 'https://cdn.example.mp4'],
    ['no scheme', 'cdn.example.com/ep1.mp4'],
    ['an uppercase scheme', 'HTTPS://cdn.example.com/ep1.mp4'],
    ['a space in the path', 'https://cdn.example.com/my ep.mp4'],
    ['a newline in the query', 'https://cdn.example.com/ep.mp4?auth_key=1\n'],
    ['a control character', 'https://cdn.example.com/ep\u0000.mp4'],
    ['a backslash', 'https://cdn.example.com\\ep1.mp4'],
    ['user info', 'https://user:pass@cdn.example.com/ep1.mp4'],
    ['an extension that only starts with .mp4', 'https://cdn.example.com/ep1.mp4x'],
  ])('with %s', (_name, vodUrl) => {
    // Prepare
    const input = planWithVodUrl(vodUrl);

    // Act
    const fieldErrors = fieldErrorsOf(input);

    // Assess
    expect(fieldErrors).toEqual({ 'Items[0].VodUrl': [VOD_URL_MESSAGE] });
  });

  it('that is longer than the maximum', () => {
    // Prepare
    const vodUrl = `https://cdn.example.com/${'a'.repeat(PLAN_LIMITS.vodUrlMaxChars)}.mp4`;

    // Act
    const fieldErrors = fieldErrorsOf(planWithVodUrl(vodUrl));

    // Assess
    expect(fieldErrors).toEqual({ 'Items[0].VodUrl': [`must be at most ${PLAN_LIMITS.vodUrlMaxChars} characters`] });
  });

  it('that is megabytes long, quickly', () => {
    // Prepare
    const vodUrl = `https://cdn.example.com/${'a.mp4/'.repeat(500_000)}x.mp4 ?${'?'.repeat(500_000)}`;
    const startedAtMs = performance.now();

    // Act
    const fieldErrors = fieldErrorsOf(planWithVodUrl(vodUrl));

    // Assess
    expect(performance.now() - startedAtMs).toBeLessThan(1_000);
    expect(fieldErrors['Items[0].VodUrl']).toEqual([`must be at most ${PLAN_LIMITS.vodUrlMaxChars} characters`, VOD_URL_MESSAGE]);
  });

  it('on the item it belongs to', () => {
    // Prepare
    const items = itemsOfCount(5);
    items[3] = { ItemName: 'Episode 4', VodUrl: 'https://cdn.example.com/ep4.avi' };

    // Act
    const fieldErrors = fieldErrorsOf({ ...minimalPlan(), Items: items });

    // Assess
    expect(fieldErrors).toEqual({ 'Items[3].VodUrl': [VOD_URL_MESSAGE] });
  });
});

describe('validatePlan rejects the optional properties', () => {
  it.each([
    ['CasterId', '', 'must not be empty'],
    ['CasterId', 'C'.repeat(PLAN_LIMITS.casterIdMaxChars + 1), `must be at most ${PLAN_LIMITS.casterIdMaxChars} characters`],
    ['CasterId', 'LIVEPRODUCER POST', 'must contain only letters, digits, "_", "-" and "*"'],
    [
      'CallbackUrl',
      'ftp://learn.aliyundoc.com/callBackLive',
      'must be an http(s) URL with a host, without whitespace, control characters or user info',
    ],
    ['CallbackUrl', 'http://', 'must be an http(s) URL with a host, without whitespace, control characters or user info'],
    [
      'CallbackUrl',
      'http://learn.aliyundoc.com/call back',
      'must be an http(s) URL with a host, without whitespace, control characters or user info',
    ],
    [
      'CallbackUrl',
      `http://learn.aliyundoc.com/${'c'.repeat(PLAN_LIMITS.callbackUrlMaxChars)}`,
      `must be at most ${PLAN_LIMITS.callbackUrlMaxChars} characters`,
    ],
    ['DomainName', '-example.com', 'must be a hostname of letters, digits, hyphens and dots'],
    ['DomainName', 'example..com', 'must be a hostname of letters, digits, hyphens and dots'],
    ['DomainName', 'example.com.', 'must be a hostname of letters, digits, hyphens and dots'],
    ['DomainName', 'exa_mple.com', 'must be a hostname of letters, digits, hyphens and dots'],
    ['DomainName', 'https://example.com', 'must be a hostname of letters, digits, hyphens and dots'],
    ['DomainName', `${'a'.repeat(64)}.com`, 'must be a hostname of letters, digits, hyphens and dots'],
    [
      'SideOutputUrl',
      'srt://guide.example.com/caster/x',
      'must be an rtmp, rtmps, http or https URL with a host, without whitespace, control characters or user info',
    ],
    ['ClientToken', '', 'must not be empty'],
    ['ClientToken', 't'.repeat(PLAN_LIMITS.clientTokenMaxChars + 1), `must be at most ${PLAN_LIMITS.clientTokenMaxChars} characters`],
    ['ClientToken', 'tökén', 'must contain only printable ASCII characters (0x21-0x7E)'],
    ['ClientToken', 'two words', 'must contain only printable ASCII characters (0x21-0x7E)'],
    ['ClientToken', 42, 'must be a string'],
  ])('%s %j', (field, value, message) => {
    // Prepare
    const input = { ...minimalPlan(), [field]: value };

    // Act
    const fieldErrors = fieldErrorsOf(input);

    // Assess
    expect(fieldErrors).toEqual({ [field]: [message] });
  });

  it('that is a too long DomainName, by its length', () => {
    // Prepare
    const domainName = `${'a.'.repeat(127)}com`;

    // Act
    const fieldErrors = fieldErrorsOf({ ...minimalPlan(), DomainName: domainName });

    // Assess
    expect(fieldErrors).toEqual({ DomainName: [`must be at most ${PLAN_LIMITS.domainNameMaxChars} characters`] });
  });
});

describe('validatePlan error output', () => {
  it('never echoes secrets from the URLs', () => {
    // Prepare
    const input = {
      ...minimalPlan(),
      CallbackUrl: 'ftp://learn.aliyundoc.com/caster?auth_key=SECRETVALUE',
      SideOutputUrl: 'srt://guide.aliyundoc.com/caster?auth_key=SECRETVALUE',
      Items: [{ ItemName: 'Episode 1', VodUrl: 'https://cdn.example.com/ep1.mp3?auth_key=SECRETVALUE' }],
    };

    // Act
    const result = validatePlan(input);

    // Assess
    expect(result.ok).toBe(false);
    expect(JSON.stringify(result)).not.toContain('SECRETVALUE');
    expect(describeFieldErrors(result.ok ? {} : result.fieldErrors)).not.toContain('SECRETVALUE');
  });

  it('lists each rule at most once per field', () => {
    // Prepare
    const items = [{ ItemName: '', VodUrl: 'ftp://a/b.mp3', X: 1, Y: 2 }, ...itemsOfCount(3)];
    const input = { StartTime: '2031-02-30T00:00:00.000Z', RepeatNum: '1', Items: items, A: 1, B: 2 };

    // Act
    const fieldErrors = fieldErrorsOf(input);

    // Assess
    for (const messages of Object.values(fieldErrors)) expect(new Set(messages).size).toBe(messages.length);
    expect(fieldErrors['(root)']).toEqual(['unknown property "A"', 'unknown property "B"']);
  });
});

describe('describeFieldErrors', () => {
  it('renders one path: message line per message', () => {
    // Prepare
    const fieldErrors = { StartTime: [START_TIME_MESSAGE], 'Items[2].VodUrl': ['is required', VOD_URL_MESSAGE] };

    // Act
    const text = describeFieldErrors(fieldErrors);

    // Assess
    expect(text).toBe(`StartTime: ${START_TIME_MESSAGE}\nItems[2].VodUrl: is required\nItems[2].VodUrl: ${VOD_URL_MESSAGE}`);
  });

  it('renders nothing for no errors', () => {
    // Act
    const text = describeFieldErrors({});

    // Assess
    expect(text).toBe('');
  });
});
