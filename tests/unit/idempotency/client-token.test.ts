import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CLIENT_TOKEN_MAX_LENGTH, canonicalJson, deriveClientToken } from '../../../shared/src/idempotency/client-token';

const PRINTABLE_ASCII = /^[\x21-\x7e]+$/;

describe('deriveClientToken', () => {
  it('gives the same token for the same identity, so every retry of a trigger is recognised by the API', () => {
    // Prepare
    const identity = 'timer:caster-1:2031-03-06T19:00:00Z';

    // Act
    const first = deriveClientToken(identity);
    const second = deriveClientToken(identity);

    // Assess
    expect(second).toBe(first);
  });

  it('gives different tokens for different identities', () => {
    // Prepare
    const identities = ['event:1', 'event:2', 'event:1 ', 'Event:1', ''];

    // Act
    const tokens = identities.map(deriveClientToken);

    // Assess
    expect(new Set(tokens).size).toBe(identities.length);
  });

  it('fits the API rule: ASCII only, at most 64 characters (a versioned prefix plus base64url SHA-256)', () => {
    // Prepare
    const identity = 'plan:{"Items":[{"ItemName":"中文 😀","VodUrl":"https://x/y.mp4"}]}';

    // Act
    const token = deriveClientToken(identity);

    // Assess
    expect(token).toMatch(/^cc1-[A-Za-z0-9_-]{43}$/);
    expect(token.length).toBeLessThanOrEqual(CLIENT_TOKEN_MAX_LENGTH);
  });

  it('is stable across releases for a known identity (changing it would break idempotency of in-flight retries)', () => {
    // Prepare
    const identity = 'abc';

    // Act
    const token = deriveClientToken(identity);

    // Assess: base64url of SHA-256("abc") = ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0
    expect(token).toBe('cc1-ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0');
  });

  it('always yields at most 64 printable ASCII characters, whatever the identity (property)', () => {
    // Prepare
    const identities = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 500 }),
      fc.string({ unit: 'binary', maxLength: 500 }),
      fc.string({ maxLength: 5_000 }),
    );

    // Act + Assess
    fc.assert(
      fc.property(identities, (identity) => {
        const token = deriveClientToken(identity);
        expect(token.length).toBeLessThanOrEqual(CLIENT_TOKEN_MAX_LENGTH);
        expect(token).toMatch(PRINTABLE_ASCII);
      }),
      { numRuns: 1_000 },
    );
  });
});

describe('canonicalJson', () => {
  it('writes equal objects identically whatever their key order, at every depth', () => {
    // Prepare
    const a = { StartTime: 't', Items: [{ ItemName: 'n', VodUrl: 'u' }], RepeatNum: 0, Nested: { z: 1, a: { y: 2, b: 3 } } };
    const b = { Nested: { a: { b: 3, y: 2 }, z: 1 }, RepeatNum: 0, Items: [{ VodUrl: 'u', ItemName: 'n' }], StartTime: 't' };

    // Act
    const textA = canonicalJson(a);
    const textB = canonicalJson(b);

    // Assess
    expect(textA).toBe(textB);
    expect(textA).toBe('{"Items":[{"ItemName":"n","VodUrl":"u"}],"Nested":{"a":{"b":3,"y":2},"z":1},"RepeatNum":0,"StartTime":"t"}');
  });

  it('keeps a "__proto__" key from parsed JSON, so inputs that differ only there never share a token', () => {
    // Prepare
    const withKey = JSON.parse('{"__proto__":{"a":1},"b":2}') as unknown;
    const withoutKey = JSON.parse('{"b":2}') as unknown;

    // Act
    const [one, two] = [canonicalJson(withKey), canonicalJson(withoutKey)];

    // Assess
    expect(one).toBe('{"__proto__":{"a":1},"b":2}');
    expect(one).not.toBe(two);
  });

  it('keeps array order, since the order of episodes matters', () => {
    // Prepare
    const forward = { Items: ['a', 'b'] };
    const backward = { Items: ['b', 'a'] };

    // Act
    const [one, two] = [canonicalJson(forward), canonicalJson(backward)];

    // Assess
    expect(one).not.toBe(two);
  });

  it('gives key-order-insensitive output for any JSON object (property)', () => {
    // Prepare
    const objects = fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 12 });

    // Act + Assess
    fc.assert(
      fc.property(objects, (value) => {
        const reversed = Object.fromEntries(Object.entries(value).reverse());
        expect(canonicalJson(reversed)).toBe(canonicalJson(value));
        expect(JSON.parse(canonicalJson(value))).toEqual(JSON.parse(JSON.stringify(value)));
      }),
      { numRuns: 1_000 },
    );
  });
});
