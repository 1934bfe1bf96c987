import { describe, expect, it } from 'vitest';
import { NonceCache } from '../../emulator/nonce-cache';
import { SlidingWindowRateLimiter } from '../../emulator/rate-limiter';
import { redactAuthKeys, redactParams } from '../../emulator/redact';
import { parseUtcSeconds } from '../../emulator/timestamp';

describe('redaction', () => {
  it.each([
    ['http://a/x?auth_key=1-0-0-abc&b=2', 'http://a/x?auth_key=<redacted>&b=2'],
    ['rtmp://a/x?AUTH_KEY=1-0-0-abc', 'rtmp://a/x?AUTH_KEY=<redacted>'],
    ['{"VodUrl":"http://a/x.mp4?auth_key=1-0-0-abc"}', '{"VodUrl":"http://a/x.mp4?auth_key=<redacted>"}'],
    ['CallbackUrl=http%3A%2F%2Fa%2Fx%3Fauth_key%3D1-0-0-abc%26b%3D2', 'CallbackUrl=http%3A%2F%2Fa%2Fx%3Fauth_key%3D<redacted>%26b%3D2'],
    ['%3Fauth_key%253D1-0-0-abc%2526b', '%3Fauth_key%253D<redacted>%2526b'],
  ])('redacts the auth_key value in %s', (text, expected) => {
    // Act / Assess
    expect(redactAuthKeys(text)).toBe(expected);
  });

  it('drops Signature and SecurityToken and masks values equal to a known secret', () => {
    // Prepare
    const params = { AccessKeyId: 'the-secret', Signature: 'sig', SecurityToken: 'tok', ClientToken: 'keep-me' };
    // Act
    const shown = redactParams(params, new Set(['the-secret']));
    // Assess
    expect(shown).toEqual({ AccessKeyId: '<redacted>', ClientToken: 'keep-me' });
  });
});

describe('timestamps', () => {
  it.each([
    ['2018-03-06T19:00:00Z', Date.UTC(2018, 2, 6, 19, 0, 0)],
    ['2024-02-29T23:59:59Z', Date.UTC(2024, 1, 29, 23, 59, 59)],
  ])('parses %s', (text, epochMs) => {
    // Act / Assess
    expect(parseUtcSeconds(text)).toBe(epochMs);
  });

  it.each([
    '2023-02-29T00:00:00Z',
    '2018-03-06T24:00:00Z',
    '2018-03-06T19:00:00.000Z',
    '2018-03-06t19:00:00z',
    '2018-03-06T19:00:00+00:00',
    '0099-01-01T00:00:00Z',
  ])('refuses %s', (text) => {
    // Act / Assess
    expect(parseUtcSeconds(text)).toBeUndefined();
  });
});

describe('sliding window rate limiter', () => {
  it('frees a slot exactly windowMs after the admission that filled it', () => {
    // Prepare
    const limiter = new SlidingWindowRateLimiter(1000);
    limiter.tryAdmit('k', 2, 0);
    limiter.tryAdmit('k', 2, 300);
    // Act
    const at999 = limiter.tryAdmit('k', 2, 999);
    const at1000 = limiter.tryAdmit('k', 2, 1000);
    const at1001 = limiter.tryAdmit('k', 2, 1001);
    // Assess
    expect([at999, at1000, at1001]).toEqual([false, true, false]);
  });
});

describe('nonce cache', () => {
  it('keeps nonces per AccessKey for the TTL only', () => {
    // Prepare
    const nonces = new NonceCache(1000);
    nonces.claim('a', 'n', 0);
    // Act
    const sameKey = nonces.claim('a', 'n', 999);
    const otherKey = nonces.claim('b', 'n', 999);
    const afterTtl = nonces.claim('a', 'n', 1000);
    // Assess
    expect([sameKey, otherKey, afterTtl]).toEqual([false, true, true]);
  });
});
