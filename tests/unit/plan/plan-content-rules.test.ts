import { describe, expect, it } from 'vitest';
import { validatePlan } from '../../../shared/src/plan/validate-plan';
import { samplePlan } from '../../support/plan-fixtures';

// A fixed clock five days before the sample StartTime (2031-03-06T19:00:00Z).
const NOW_MS = Date.parse('2031-03-01T12:00:00Z');

function errorsOf(input: unknown, options: Parameters<typeof validatePlan>[1] = {}): Record<string, string[]> {
  const result = validatePlan(input, { nowMs: NOW_MS, ...options });
  if (result.ok) throw new Error('expected the plan to be refused');
  return result.fieldErrors;
}

function withItem(item: Record<string, unknown>): Record<string, unknown> {
  return samplePlan({ Items: [item] });
}

describe('plan strings must be well-formed Unicode', () => {
  it.each([
    ['a lone high surrogate in ItemName', { ItemName: 'Episode \uD83C', VodUrl: 'https://cdn.example.com/a.mp4' }, 'Items[0].ItemName'],
    ['a lone low surrogate in ItemName', { ItemName: '\uDFAC Episode', VodUrl: 'https://cdn.example.com/a.mp4' }, 'Items[0].ItemName'],
    ['a lone surrogate in VodUrl', { ItemName: 'Episode', VodUrl: 'https://cdn.example.com/\uD83C.mp4' }, 'Items[0].VodUrl'],
  ])('refuses %s, naming the field and never the value', (_name, item, field) => {
    // Act
    const fieldErrors = errorsOf(withItem(item));

    // Assess
    expect(fieldErrors[field]).toContain('must be well-formed Unicode (it has a lone surrogate)');
    expect(JSON.stringify(fieldErrors)).not.toContain('Episode');
  });

  it('accepts a name of astral characters in proper pairs', () => {
    // Act
    const result = validatePlan(withItem({ ItemName: '\u{1F3AC} 第一集', VodUrl: 'https://cdn.example.com/a.mp4' }), { nowMs: NOW_MS });

    // Assess
    expect(result.ok).toBe(true);
  });
});

describe('ItemName must not hold control or bidi-control characters', () => {
  it.each([
    ['NUL', '\u0000'],
    ['CR', '\r'],
    ['LF', '\n'],
    ['TAB', '\t'],
    ['DEL', '\u007f'],
    ['C1 NEL', '\u0085'],
    ['C1 CSI', '\u009b'],
    ['RLO U+202E', '\u202e'],
    ['LRE U+202A', '\u202a'],
    ['FSI U+2068', '\u2068'],
    ['PDI U+2069', '\u2069'],
    ['LRM U+200E', '\u200e'],
    ['RLM U+200F', '\u200f'],
    ['ALM U+061C', '\u061c'],
  ])('refuses %s', (_name, character) => {
    // Act
    const fieldErrors = errorsOf(withItem({ ItemName: `Episode${character}1`, VodUrl: 'https://cdn.example.com/a.mp4' }));

    // Assess
    expect(fieldErrors).toEqual({
      'Items[0].ItemName': ['must not contain control characters (C0, DEL, C1, CR, LF) or bidi controls'],
    });
  });

  it.each([
    ['Arabic letters', 'الحلقة ١'],
    ['Hebrew letters', 'פרק 1'],
    ['a no-break space', 'Episode\u00a01'],
    ['an emoji with a joiner', '\u{1F468}\u200d\u{1F469}'],
  ])('accepts %s', (_name, itemName) => {
    // Act
    const result = validatePlan(withItem({ ItemName: itemName, VodUrl: 'https://cdn.example.com/a.mp4' }), { nowMs: NOW_MS });

    // Assess
    expect(result.ok).toBe(true);
  });
});

describe('URLs must have a real host and port', () => {
  it.each([
    ['port 99999', 'https://cdn.example.com:99999/a.mp4', 'must have a port from 1 to 65535'],
    ['port 0', 'https://cdn.example.com:0/a.mp4', 'must have a port from 1 to 65535'],
    ['a bidi override in the host', 'https://cdn\u202eexample.com/a.mp4', expect.stringMatching(/valid host name/)],
    ['a label starting with a hyphen', 'https://-cdn.example.com/a.mp4', expect.stringMatching(/valid host name/)],
    ['an empty label', 'https://cdn..example.com/a.mp4', expect.stringMatching(/valid host name/)],
    ['a label of 64 characters', `https://${'a'.repeat(64)}.example.com/a.mp4`, expect.stringMatching(/valid host name/)],
    ['an IPv4 address out of range', 'https://10.0.0.256/a.mp4', expect.stringMatching(/valid host name/)],
    ['an underscore', 'https://cdn_1.example.com/a.mp4', expect.stringMatching(/valid host name/)],
    ['a non-ASCII host', 'https://例え.jp/a.mp4', expect.stringMatching(/valid host name/)],
    ['a malformed IPv6 literal', 'https://[1:2:3]/a.mp4', expect.stringMatching(/valid host name/)],
  ])('refuses a VodUrl with %s', (_name, vodUrl, message) => {
    // Act
    const fieldErrors = errorsOf(withItem({ ItemName: 'Episode', VodUrl: vodUrl }));

    // Assess
    expect(fieldErrors['Items[0].VodUrl']).toEqual([message]);
  });

  it.each([
    ['port 65535', 'https://cdn.example.com:65535/a.mp4'],
    ['port 1', 'http://cdn.example.com:1/a.mp4'],
    ['an IPv4 address', 'http://192.0.2.10/a.mp4'],
    ['an IPv6 literal', 'http://[2001:db8::1]:8080/a.mp4'],
    ['an IPv6 literal with an IPv4 tail', 'http://[::ffff:192.0.2.1]/a.mp4'],
    ['an IDN in xn-- form', 'https://xn--r8jz45g.jp/a.mp4'],
    ['a single-label host', 'http://localhost/a.mp4'],
  ])('accepts a VodUrl with %s', (_name, vodUrl) => {
    // Act
    const result = validatePlan(withItem({ ItemName: 'Episode', VodUrl: vodUrl }), { nowMs: NOW_MS });

    // Assess
    expect(result.ok).toBe(true);
  });

  it.each(['CallbackUrl', 'SideOutputUrl'])('refuses a %s with port 99999', (field) => {
    // Act
    const fieldErrors = errorsOf(samplePlan({ [field]: 'http://live.example.com:99999/cb' }));

    // Assess
    expect(fieldErrors[field]).toEqual(['must have a port from 1 to 65535']);
  });
});

describe('StartTime must lie between now (less the grace) and ten years ahead', () => {
  it.each([
    ['year 0000', '0000-01-01T00:00:00Z'],
    ['1970', '1970-01-01T00:00:00Z'],
    ['2001', '2001-09-09T01:46:40Z'],
    ['61 seconds ago', '2031-03-01T11:58:59Z'],
  ])('refuses %s as in the past', (_name, startTime) => {
    // Act
    const result = validatePlan(samplePlan({ StartTime: startTime }), { nowMs: NOW_MS });

    // Assess
    expect(result).toMatchObject({
      ok: false,
      onlyStartTimeInPast: true,
      fieldErrors: { StartTime: [expect.stringMatching(/in the past/)] },
    });
  });

  it('accepts a StartTime within the grace', () => {
    // Act
    const result = validatePlan(samplePlan({ StartTime: '2031-03-01T11:59:00Z' }), { nowMs: NOW_MS });

    // Assess
    expect(result.ok).toBe(true);
  });

  it('honours a configured grace', () => {
    // Act
    const tight = validatePlan(samplePlan({ StartTime: '2031-03-01T11:59:59Z' }), { nowMs: NOW_MS, startTimeGraceS: 0 });
    const loose = validatePlan(samplePlan({ StartTime: '2031-03-01T11:00:00Z' }), { nowMs: NOW_MS, startTimeGraceS: 3600 });

    // Assess
    expect(tight.ok).toBe(false);
    expect(loose.ok).toBe(true);
  });

  it('refuses a StartTime more than ten years ahead and accepts one just inside', () => {
    // Act
    const tooFar = errorsOf(samplePlan({ StartTime: '2041-03-01T12:00:01Z' }));
    const inside = validatePlan(samplePlan({ StartTime: '2041-03-01T12:00:00Z' }), { nowMs: NOW_MS });

    // Assess
    expect(tooFar).toEqual({ StartTime: ['must be at most 10 years ahead'] });
    expect(inside.ok).toBe(true);
  });

  it('marks a plan as more than late when StartTime is not its only fault', () => {
    // Act
    const result = validatePlan(samplePlan({ StartTime: '2001-01-01T00:00:00Z', RepeatNum: -2 }), { nowMs: NOW_MS });

    // Assess
    expect(result).toMatchObject({ ok: false, onlyStartTimeInPast: false });
  });
});

describe('StartTime with an explicit offset', () => {
  it.each([
    ['+08:00', '2031-03-07T03:00:00+08:00', '2031-03-06T19:00:00Z'],
    ['-05:00', '2031-03-06T14:00:00-05:00', '2031-03-06T19:00:00Z'],
    ['+00:00', '2031-03-06T19:00:00+00:00', '2031-03-06T19:00:00Z'],
    ['+05:45 across midnight', '2031-03-07T00:45:00+05:45', '2031-03-06T19:00:00Z'],
  ])('is normalised to UTC Z (%s)', (_name, startTime, utc) => {
    // Prepare
    const input = samplePlan({ StartTime: startTime });

    // Act
    const result = validatePlan(input, { nowMs: NOW_MS });

    // Assess
    expect(result).toMatchObject({ ok: true, plan: { StartTime: utc } });
    expect(input['StartTime']).toBe(startTime);
  });

  it('is refused when the local date does not exist, with one error', () => {
    // Act
    const fieldErrors = errorsOf(samplePlan({ StartTime: '2031-02-30T03:00:00+08:00' }));

    // Assess
    expect(fieldErrors).toEqual({ StartTime: ['is not a real calendar date/time'] });
  });
});

describe('URL signatures (auth_key) against StartTime', () => {
  // Signed 2031-03-06T18:00:00Z, an hour before the sample StartTime.
  const signedAtS = Date.parse('2031-03-06T18:00:00Z') / 1000;
  const typeA = `https://cdn.example.com/a.mp4?auth_key=${signedAtS}-0-0-0123456789abcdef0123456789abcdef`;

  it('refuses a type A VodUrl that expires before StartTime, naming the field and the expiry, never the signature', () => {
    // Act
    const fieldErrors = errorsOf(withItem({ ItemName: 'Episode', VodUrl: typeA }), { authKeyValidityS: 1800 });

    // Assess
    expect(fieldErrors).toEqual({
      'Items[0].VodUrl': ['its URL signature (type A) expires at 2031-03-06T18:30:00Z, before StartTime (AUTH_KEY_VALIDITY_S 1800 s)'],
    });
    expect(JSON.stringify(fieldErrors)).not.toContain('0123456789abcdef');
  });

  it('accepts the same URL when the validity outlasts StartTime', () => {
    // Act
    const result = validatePlan(withItem({ ItemName: 'Episode', VodUrl: typeA }), { nowMs: NOW_MS, authKeyValidityS: 7200 });

    // Assess
    expect(result).toEqual({ ok: true, plan: expect.any(Object), warnings: [] });
  });

  it('warns, without refusing, when AUTH_KEY_VALIDITY_S is unknown and the signature time is before StartTime', () => {
    // Act
    const result = validatePlan(withItem({ ItemName: 'Episode', VodUrl: typeA }), { nowMs: NOW_MS });

    // Assess
    expect(result).toMatchObject({
      ok: true,
      warnings: [{ field: 'Items[0].VodUrl', message: expect.stringMatching(/AUTH_KEY_VALIDITY_S/) }],
    });
  });

  it('warns about a looping group whose URL expires while it loops', () => {
    // Prepare
    const plan = samplePlan({ RepeatNum: -1, Items: [{ ItemName: 'Episode', VodUrl: typeA }] });

    // Act
    const result = validatePlan(plan, { nowMs: NOW_MS, authKeyValidityS: 86_400 });

    // Assess
    expect(result).toMatchObject({
      ok: true,
      warnings: [{ field: 'Items[0].VodUrl', message: expect.stringMatching(/expires at 2031-03-07T18:00:00Z while the group loops/) }],
    });
  });

  it.each([
    // 2031-03-07 02:00 in UTC+8 is 2031-03-06T18:00:00Z.
    ['type B', 'https://cdn.example.com/203103070200/0123456789abcdef0123456789abcdef/a.mp4', 'B'],
    ['type C', `https://cdn.example.com/0123456789abcdef0123456789abcdef/${signedAtS.toString(16)}/a.mp4`, 'C'],
  ])('reads a %s path signature', (_name, vodUrl, type) => {
    // Act
    const fieldErrors = errorsOf(withItem({ ItemName: 'Episode', VodUrl: vodUrl }), { authKeyValidityS: 1800 });

    // Assess
    expect(fieldErrors['Items[0].VodUrl']).toEqual([
      `its URL signature (type ${type}) expires at 2031-03-06T18:30:00Z, before StartTime (AUTH_KEY_VALIDITY_S 1800 s)`,
    ]);
  });

  it.each([
    ['a 12-digit auth_key timestamp', 'https://cdn.example.com/a.mp4?auth_key=203103061800-0-0-abc'],
    ['an auth_key with three parts', `https://cdn.example.com/a.mp4?auth_key=${signedAtS}-0-abc`],
    ['a different parameter ending in auth_key', `https://cdn.example.com/a.mp4?my_auth_key=${signedAtS}-0-0-abc`],
    ['a 12-digit path segment that is no date', 'https://cdn.example.com/203113070200/0123456789abcdef0123456789abcdef/a.mp4'],
  ])('does not take %s for a signature', (_name, vodUrl) => {
    // Act
    const result = validatePlan(withItem({ ItemName: 'Episode', VodUrl: vodUrl }), { nowMs: NOW_MS, authKeyValidityS: 1 });

    // Assess
    expect(result).toEqual({ ok: true, plan: expect.any(Object), warnings: [] });
  });

  it('checks SideOutputUrl as well', () => {
    // Act
    const fieldErrors = errorsOf(samplePlan({ SideOutputUrl: `rtmp://live.example.com/caster/c1?auth_key=${signedAtS}-0-0-abc` }), {
      authKeyValidityS: 60,
    });

    // Assess
    expect(Object.keys(fieldErrors)).toEqual(['SideOutputUrl']);
  });
});
