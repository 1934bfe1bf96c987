import { describe, expect, it } from 'vitest';
import {
  type Acs3Request,
  acs3Authorization,
  acs3CanonicalRequest,
  acs3Signature,
  acs3StringToSign,
  parseAcs3Authorization,
  sha256Hex,
} from '../../../shared/src/signing/acs3-signature';

const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

// The official V3 fixed example ("V3 request structure and signature" documentation).
const FIXED_REQUEST: Acs3Request = {
  httpMethod: 'POST',
  canonicalUri: '/',
  query: { ImageId: 'win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd', RegionId: 'cn-shanghai' },
  headers: {
    host: 'ecs.cn-shanghai.aliyuncs.com',
    'x-acs-action': 'RunInstances',
    'x-acs-version': '2014-05-26',
    'x-acs-date': '2023-10-26T10:22:32Z',
    'x-acs-signature-nonce': '3156853299f313e23d1673dc12e1703d',
    'x-acs-content-sha256': EMPTY_SHA256,
  },
  body: '',
};
const FIXED_SIGNED_HEADERS = 'host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version';
const FIXED_CANONICAL_REQUEST =
  'POST\n/\nImageId=win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd&RegionId=cn-shanghai\nhost:ecs.cn-shanghai.aliyuncs.com\nx-acs-action:RunInstances\nx-acs-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\nx-acs-date:2023-10-26T10:22:32Z\nx-acs-signature-nonce:3156853299f313e23d1673dc12e1703d\nx-acs-version:2014-05-26\n\nhost;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const FIXED_HASHED_CANONICAL_REQUEST = '7ea06492da5221eba5297e897ce16e55f964061054b7695beedaac1145b1e259';
const FIXED_SIGNATURE = '06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0';
const FIXED_AUTHORIZATION = `ACS3-HMAC-SHA256 Credential=YourAccessKeyId,SignedHeaders=${FIXED_SIGNED_HEADERS},Signature=${FIXED_SIGNATURE}`;

describe('ACS3-HMAC-SHA256 reproduces the published fixed example', () => {
  it('hashes an empty body to the published x-acs-content-sha256', () => {
    // Prepare
    const body = '';

    // Act
    const hash = sha256Hex(body);

    // Assess
    expect(hash).toBe(EMPTY_SHA256);
  });

  it('builds the published canonical request and signed-header list', () => {
    // Prepare
    const request = FIXED_REQUEST;

    // Act
    const { canonicalRequest, signedHeaders } = acs3CanonicalRequest(request);

    // Assess
    expect(canonicalRequest).toBe(FIXED_CANONICAL_REQUEST);
    expect(signedHeaders).toBe(FIXED_SIGNED_HEADERS);
  });

  it('hashes the canonical request to the published 7ea06492... value', () => {
    // Prepare
    const { canonicalRequest } = acs3CanonicalRequest(FIXED_REQUEST);

    // Act
    const stringToSign = acs3StringToSign(canonicalRequest);

    // Assess
    expect(stringToSign).toBe(`ACS3-HMAC-SHA256\n${FIXED_HASHED_CANONICAL_REQUEST}`);
  });

  it('computes the published signature 06563a9e... with the bare secret as key', () => {
    // Prepare
    const stringToSign = acs3StringToSign(acs3CanonicalRequest(FIXED_REQUEST).canonicalRequest);

    // Act
    const signature = acs3Signature(stringToSign, 'YourAccessKeySecret');

    // Assess
    expect(signature).toBe(FIXED_SIGNATURE);
  });

  it('produces the published Authorization header', () => {
    // Prepare
    const request = FIXED_REQUEST;

    // Act
    const authorization = acs3Authorization(request, 'YourAccessKeyId', 'YourAccessKeySecret');

    // Assess
    expect(authorization).toBe(FIXED_AUTHORIZATION);
  });
});

describe('ACS3 canonical request rules', () => {
  it('signs header names in lower case with trimmed values, whatever case the caller used', () => {
    // Prepare
    const mixedCase: Acs3Request = {
      ...FIXED_REQUEST,
      headers: Object.fromEntries(Object.entries(FIXED_REQUEST.headers).map(([name, value]) => [name.toUpperCase(), `  ${value} `])),
    };

    // Act
    const authorization = acs3Authorization(mixedCase, 'YourAccessKeyId', 'YourAccessKeySecret');

    // Assess
    expect(authorization).toBe(FIXED_AUTHORIZATION);
  });

  it('leaves headers that are not host, content-type or x-acs-* out of the signature', () => {
    // Prepare
    const withExtras: Acs3Request = {
      ...FIXED_REQUEST,
      headers: { ...FIXED_REQUEST.headers, 'user-agent': 'test/1.0', 'content-length': '0', authorization: 'old' },
    };

    // Act
    const { signedHeaders } = acs3CanonicalRequest(withExtras);

    // Assess
    expect(signedHeaders).toBe(FIXED_SIGNED_HEADERS);
  });

  it('signs content-type when present and hashes a form body into the last line', () => {
    // Prepare
    const body = 'Action=AddCasterEpisodeGroup&Item.1.ItemName=a%20b';
    const request: Acs3Request = {
      httpMethod: 'post',
      query: {},
      headers: { host: 'live.aliyuncs.com', 'content-type': 'application/x-www-form-urlencoded' },
      body,
    };

    // Act
    const { canonicalRequest, signedHeaders } = acs3CanonicalRequest(request);

    // Assess
    expect(signedHeaders).toBe('content-type;host');
    expect(canonicalRequest.split('\n')).toEqual([
      'POST',
      '/',
      '',
      'content-type:application/x-www-form-urlencoded',
      'host:live.aliyuncs.com',
      '',
      'content-type;host',
      sha256Hex(body),
    ]);
  });
});

describe('parseAcs3Authorization', () => {
  it('splits a header it produced back into key id, signed headers and signature', () => {
    // Prepare
    const header = FIXED_AUTHORIZATION;

    // Act
    const parsed = parseAcs3Authorization(header);

    // Assess
    expect(parsed).toEqual({ accessKeyId: 'YourAccessKeyId', signedHeaders: FIXED_SIGNED_HEADERS.split(';'), signature: FIXED_SIGNATURE });
  });

  it('returns undefined for a header of another scheme', () => {
    // Prepare
    const header = 'Bearer abc';

    // Act
    const parsed = parseAcs3Authorization(header);

    // Assess
    expect(parsed).toBeUndefined();
  });
});
