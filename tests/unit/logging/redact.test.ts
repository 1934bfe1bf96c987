import { describe, expect, it } from 'vitest';
import { LiveApiError } from '../../../shared/src/errors';
import { REDACTED, redact, redactText, registerSecret } from '../../../shared/src/logging/redact';
import { percentEncode } from '../../../shared/src/signing/percent-encode';

describe('redact', () => {
  it.each([
    'AccessKeySecret',
    'SecurityToken',
    'x-acs-security-token',
    'Signature',
    'authorization',
    'Authorization',
    'password',
    'secret',
  ])('hides the value under the key %s whatever it holds', (key) => {
    // Prepare
    const value = { [key]: 'anything-at-all', kept: 'visible' };

    // Act
    const copy = redact(value);

    // Assess
    expect(copy).toEqual({ [key]: REDACTED, kept: 'visible' });
  });

  it('keeps ClientToken and AccessKeyId visible, since operators need them to trace a request', () => {
    // Prepare
    const value = { ClientToken: 'cc1-abc', AccessKeyId: 'LTAI-id' };

    // Act
    const copy = redact(value);

    // Assess
    expect(copy).toEqual(value);
  });

  it('hides auth_key values inside URLs at any depth, leaving the rest of the URL', () => {
    // Prepare
    const value = { plan: { Items: [{ VodUrl: 'https://cdn/x.mp4?auth_key=1-0-0-deadbeef&v=2' }] } };

    // Act
    const copy = redact(value);

    // Assess
    expect(copy).toEqual({ plan: { Items: [{ VodUrl: `https://cdn/x.mp4?auth_key=${REDACTED}&v=2` }] } });
  });

  it('does not modify its input', () => {
    // Prepare
    const value = { Signature: 's', nested: { url: 'http://x/?auth_key=1-0-0-a' } };
    const before = structuredClone(value);

    // Act
    redact(value);

    // Assess
    expect(value).toEqual(before);
  });

  it('reduces an error to its name, redacted message and known fields', () => {
    // Prepare
    const error = new LiveApiError({
      action: 'AddCasterEpisodeGroup',
      code: 'InvalidParameter',
      message: 'bad CallbackUrl http://x/?auth_key=1-0-0-secretvalue',
      requestId: 'R-1',
      httpStatus: 400,
      retryable: false,
    });

    // Act
    const copy = redact({ error }) as { error: Record<string, unknown> };

    // Assess
    expect(copy.error).toEqual({
      name: 'LiveApiError',
      message: `AddCasterEpisodeGroup failed: InvalidParameter: bad CallbackUrl http://x/?auth_key=${REDACTED}`,
      code: 'InvalidParameter',
      requestId: 'R-1',
      httpStatus: 400,
      action: 'AddCasterEpisodeGroup',
    });
  });

  it('stops at a bounded depth instead of walking a hostile structure forever', () => {
    // Prepare
    let deep: Record<string, unknown> = { leaf: true };
    for (let level = 0; level < 20; level += 1) deep = { next: deep };

    // Act
    const text = JSON.stringify(redact(deep));

    // Assess
    expect(text).toContain('[too deep]');
  });
});

describe('redactText', () => {
  it('hides signatures after "Signature=" (a V1 query or an ACS3 Authorization header)', () => {
    // Prepare
    const text =
      'GET /?A=1&Signature=OLeaidS1JvxuMvnyHOwuJ%2BuX5qY%3D&B=2 and ACS3-HMAC-SHA256 Credential=id,SignedHeaders=host,Signature=06563a9e';

    // Act
    const redacted = redactText(text);

    // Assess
    expect(redacted).toBe(
      `GET /?A=1&Signature=${REDACTED}&B=2 and ACS3-HMAC-SHA256 Credential=id,SignedHeaders=host,Signature=${REDACTED}`,
    );
  });

  it('hides auth_key values percent-encoded once or twice, up to the encoded "&"', () => {
    // Prepare
    const once = 'CallbackUrl=http%3A%2F%2Fx%2Fcb%3Fauth_key%3D1-0-0-abc%26v%3D2&Next=1';
    const twice = 'CallbackUrl%3Dhttp%253A%252F%252Fx%252Fcb%253Fauth_key%253D1-0-0-abc%2526v%253D2%26Next%3D1';

    // Act
    const redacted = [redactText(once), redactText(twice)];

    // Assess
    expect(redacted).toEqual([
      `CallbackUrl=http%3A%2F%2Fx%2Fcb%3Fauth_key%3D${REDACTED}%26v%3D2&Next=1`,
      `CallbackUrl%3Dhttp%253A%252F%252Fx%252Fcb%253Fauth_key%253D${REDACTED}%2526v%253D2%26Next%3D1`,
    ]);
  });

  it('hides a registered secret as is, percent-encoded once and percent-encoded twice', () => {
    // Prepare
    const token = 'STS.redact+unit/test=token';
    registerSecret(token);
    const text = `raw ${token} once ${percentEncode(token)} twice ${percentEncode(percentEncode(token))}`;

    // Act
    const redacted = redactText(text);

    // Assess
    expect(redacted).toBe(`raw ${REDACTED} once ${REDACTED} twice ${REDACTED}`);
  });

  it('ignores values too short to be secrets, so common words are never scrubbed', () => {
    // Prepare
    registerSecret('abc');
    registerSecret(undefined);

    // Act
    const redacted = redactText('abc abcdef');

    // Assess
    expect(redacted).toBe('abc abcdef');
  });

  it('keeps working when a registered secret holds a lone surrogate', () => {
    // Prepare
    registerSecret('bad\uD800secret');

    // Act
    const redacted = redactText('x bad\uD800secret y');

    // Assess
    expect(redacted).toBe(`x ${REDACTED} y`);
  });
});
