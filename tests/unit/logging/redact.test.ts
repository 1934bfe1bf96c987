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

  it('hides every query value of a URL at any depth, leaving its host, path and parameter names', () => {
    // Prepare
    const value = { plan: { Items: [{ VodUrl: 'https://cdn/x.mp4?auth_key=1-0-0-deadbeef&v=2' }] } };

    // Act
    const copy = redact(value);

    // Assess
    expect(copy).toEqual({ plan: { Items: [{ VodUrl: `https://cdn/x.mp4?auth_key=${REDACTED}&v=${REDACTED}` }] } });
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

  it('hides the query values of a URL percent-encoded once or twice, each up to the encoded "&"', () => {
    // Prepare
    const once = 'CallbackUrl=http%3A%2F%2Fx%2Fcb%3Fauth_key%3D1-0-0-abc%26v%3D2&Next=1';
    const twice = 'CallbackUrl%3Dhttp%253A%252F%252Fx%252Fcb%253Fauth_key%253D1-0-0-abc%2526v%253D2%26Next%3D1';

    // Act
    const redacted = [redactText(once), redactText(twice)];

    // Assess
    expect(redacted).toEqual([
      `CallbackUrl=http%3A%2F%2Fx%2Fcb%3Fauth_key%3D${REDACTED}%26v%3D${REDACTED}&Next=1`,
      `CallbackUrl%3Dhttp%253A%252F%252Fx%252Fcb%253Fauth_key%253D${REDACTED}%2526v%253D${REDACTED}%26Next%3D1`,
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

describe('redactText on URLs: every query value, whatever its name', () => {
  it.each([
    [
      'OSS V1 presigned',
      'https://b.oss-cn-shanghai.aliyuncs.com/v/a.mp4?OSSAccessKeyId=LTAI5tId&Expires=1962000000&Signature=c2lnbmF0dXJl%3D&security-token=CAIStoken',
      `https://b.oss-cn-shanghai.aliyuncs.com/v/a.mp4?OSSAccessKeyId=${REDACTED}&Expires=${REDACTED}&Signature=${REDACTED}&security-token=${REDACTED}`,
    ],
    [
      'OSS V4 presigned',
      'https://b.oss-cn-shanghai.aliyuncs.com/a.mp4?x-oss-credential=LTAI%2F20310306%2Fcn-shanghai%2Foss%2Faliyun_v4_request&x-oss-date=20310306T190000Z&x-oss-signature=abc123&x-oss-security-token=CAIS',
      `https://b.oss-cn-shanghai.aliyuncs.com/a.mp4?x-oss-credential=${REDACTED}&x-oss-date=${REDACTED}&x-oss-signature=${REDACTED}&x-oss-security-token=${REDACTED}`,
    ],
    [
      'S3 SigV4 presigned',
      'https://s3.amazonaws.com/b/a.mp4?X-Amz-Credential=AKIA%2F20310306&X-Amz-Security-Token=FwoG&X-Amz-Signature=fedcba',
      `https://s3.amazonaws.com/b/a.mp4?X-Amz-Credential=${REDACTED}&X-Amz-Security-Token=${REDACTED}&X-Amz-Signature=${REDACTED}`,
    ],
    [
      'a generic token and sign',
      'rtmp://push.example.com/live/s?token=t0k&sign=s1g',
      `rtmp://push.example.com/live/s?token=${REDACTED}&sign=${REDACTED}`,
    ],
    ['a valueless parameter', 'https://cdn.example.com/a.mp4?0f1e2d3c4b5a', `https://cdn.example.com/a.mp4?${REDACTED}`],
    ['a fragment', 'https://cdn.example.com/a.mp4#access_token=abc', `https://cdn.example.com/a.mp4#access_token=${REDACTED}`],
  ])('hides each value of a %s URL, keeping the names', (_style, url, expected) => {
    // Act
    const redacted = redactText(url);

    // Assess
    expect(redacted).toBe(expected);
  });

  it('keeps the value of a harmless parameter (format), in any letter case', () => {
    // Act
    const redacted = redactText('https://cdn.example.com/a?Format=mp4&sign=abc');

    // Assess
    expect(redacted).toBe(`https://cdn.example.com/a?Format=mp4&sign=${REDACTED}`);
  });

  it.each([
    ['type B, /{timestamp}/{md5hash}/path', 'http://cdn.example.com/203103061900/0f1e2d3c4b5a69788796a5b4c3d2e1f0/vod/a.mp4'],
    ['type C, /{md5hash}/{hex timestamp}/path', 'http://cdn.example.com/0f1e2d3c4b5a69788796a5b4c3d2e1f0/74e0c580/vod/a.mp4'],
  ])('hides a CDN path signature of %s, keeping its timestamp and the file path', (_form, url) => {
    // Act
    const redacted = redactText(`played ${url} then`);

    // Assess
    expect(redacted).not.toContain('0f1e2d3c4b5a69788796a5b4c3d2e1f0');
    expect(redacted).toMatch(
      new RegExp(`^played http://cdn\\.example\\.com/(203103061900/${REDACTED}|${REDACTED}/74e0c580)/vod/a\\.mp4 then$`),
    );
  });

  it('keeps a path without a signature whole, a hex file name included', () => {
    // Prepare
    const url = 'https://cdn.example.com/caster/0f1e2d3c4b5a69788796a5b4c3d2e1f0.mp4';

    // Act
    const redacted = redactText(url);

    // Assess
    expect(redacted).toBe(url);
  });

  it('hides the user info of a URL (a password in a Redis URL)', () => {
    // Act
    const redacted = redactText('cannot reach redis://:p4ssw0rd@cache.example.com:6379/0 now');

    // Assess
    expect(redacted).toBe(`cannot reach redis://${REDACTED}@cache.example.com:6379/0 now`);
  });

  it('ends a URL in a sentence at a quote, and a URL that is the whole text only at whitespace', () => {
    // Act
    const inSentence = redactText('bad VodUrl "https://cdn.example.com/a.mp4?sign=abc" refused');
    const whole = redactText('https://cdn.example.com/a.mp4?a="&sign=abc');

    // Assess
    expect(inSentence).toBe(`bad VodUrl "https://cdn.example.com/a.mp4?sign=${REDACTED}" refused`);
    expect(whole).toBe(`https://cdn.example.com/a.mp4?a=${REDACTED}&sign=${REDACTED}`);
  });

  it('hides a URL nested, percent-encoded, in the path of another', () => {
    // Act
    const redacted = redactText('https://proxy.example.com/fetch/https%3A%2F%2Forigin.example.com%2Fa.mp4%3Ftoken%3Dabc');

    // Assess
    expect(redacted).toBe(`https://proxy.example.com/fetch/https%3A%2F%2Forigin.example.com%2Fa.mp4%3Ftoken%3D${REDACTED}`);
  });

  it('hides secret-named parameters outside any URL, but never inside a longer name (ClientToken)', () => {
    // Act
    const redacted = redactText('query token=abc&x-oss-signature=def and ClientToken=cc1-keep design=keep %3Fsign%3Dghi%26n%3D1');

    // Assess
    expect(redacted).toBe(
      `query token=${REDACTED}&x-oss-signature=${REDACTED} and ClientToken=cc1-keep design=keep %3Fsign%3D${REDACTED}%26n%3D1`,
    );
  });

  it('gives the same text when redacting twice', () => {
    // Prepare
    const once = redactText('see https://cdn.example.com/a.mp4?sign=abc&token=def and token=ghi');

    // Act
    const twice = redactText(once);

    // Assess
    expect(twice).toBe(once);
  });
});
