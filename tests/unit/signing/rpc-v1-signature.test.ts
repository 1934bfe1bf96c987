import { describe, expect, it } from 'vitest';
import { canonicalQueryString } from '../../../shared/src/signing/percent-encode';
import { rpcV1Signature, rpcV1StringToSign, signRpcV1 } from '../../../shared/src/signing/rpc-v1-signature';

// The official worked example of the RPC V1 signature (ECS "Request signatures" documentation).
const PUBLISHED_PARAMS: Readonly<Record<string, string>> = {
  Timestamp: '2016-02-23T12:46:24Z',
  Format: 'XML',
  AccessKeyId: 'testid',
  Action: 'DescribeRegions',
  SignatureMethod: 'HMAC-SHA1',
  SignatureNonce: '3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf',
  Version: '2014-05-26',
  SignatureVersion: '1.0',
};
const PUBLISHED_SECRET = 'testsecret';
const PUBLISHED_CANONICAL =
  'AccessKeyId=testid&Action=DescribeRegions&Format=XML&SignatureMethod=HMAC-SHA1&SignatureNonce=3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf&SignatureVersion=1.0&Timestamp=2016-02-23T12%3A46%3A24Z&Version=2014-05-26';
const PUBLISHED_STRING_TO_SIGN =
  'GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26Format%3DXML%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf%26SignatureVersion%3D1.0%26Timestamp%3D2016-02-23T12%253A46%253A24Z%26Version%3D2014-05-26';
const PUBLISHED_SIGNATURE = 'OLeaidS1JvxuMvnyHOwuJ+uX5qY=';

describe('RPC V1 signature reproduces the published worked example', () => {
  it('builds the published canonicalized query string', () => {
    // Prepare
    const params = PUBLISHED_PARAMS;

    // Act
    const canonical = canonicalQueryString(params);

    // Assess
    expect(canonical).toBe(PUBLISHED_CANONICAL);
  });

  it('builds the published string-to-sign, with values encoded twice', () => {
    // Prepare
    const params = PUBLISHED_PARAMS;

    // Act
    const stringToSign = rpcV1StringToSign('GET', params);

    // Assess
    expect(stringToSign).toBe(PUBLISHED_STRING_TO_SIGN);
  });

  it('computes the published signature OLeaidS1JvxuMvnyHOwuJ+uX5qY=', () => {
    // Prepare
    const stringToSign = rpcV1StringToSign('GET', PUBLISHED_PARAMS);

    // Act
    const signature = rpcV1Signature(stringToSign, PUBLISHED_SECRET);

    // Assess
    expect(signature).toBe(PUBLISHED_SIGNATURE);
  });

  it('reproduces the historic TimeStamp spelling of the example (CT9X0VtwR86fNWSnsc6v8YGOjuE=)', () => {
    // Prepare
    const { Timestamp, ...rest } = PUBLISHED_PARAMS;
    const historic = { ...rest, TimeStamp: Timestamp! };

    // Act
    const signature = rpcV1Signature(rpcV1StringToSign('GET', historic), PUBLISHED_SECRET);

    // Assess
    expect(signature).toBe('CT9X0VtwR86fNWSnsc6v8YGOjuE=');
  });

  it('accepts the HTTP method in any case, as the method is upper-cased before signing', () => {
    // Prepare
    const params = PUBLISHED_PARAMS;

    // Act
    const stringToSign = rpcV1StringToSign('get', params);

    // Assess
    expect(stringToSign).toBe(PUBLISHED_STRING_TO_SIGN);
  });

  it('signs POST differently from GET, since the method is part of the string-to-sign', () => {
    // Prepare
    const params = PUBLISHED_PARAMS;

    // Act
    const postStringToSign = rpcV1StringToSign('POST', params);

    // Assess
    expect(postStringToSign).toBe(`POST${PUBLISHED_STRING_TO_SIGN.slice('GET'.length)}`);
    expect(rpcV1Signature(postStringToSign, PUBLISHED_SECRET)).not.toBe(PUBLISHED_SIGNATURE);
  });
});

describe('signRpcV1', () => {
  it('returns every parameter unchanged plus the Signature, without mutating its input', () => {
    // Prepare
    const params = { ...PUBLISHED_PARAMS };
    const before = { ...params };

    // Act
    const signed = signRpcV1('GET', params, PUBLISHED_SECRET);

    // Assess
    expect(signed).toEqual({ ...before, Signature: PUBLISHED_SIGNATURE });
    expect(params).toEqual(before);
  });

  it('does not depend on the order in which parameters were added', () => {
    // Prepare
    const reversed = Object.fromEntries(Object.entries(PUBLISHED_PARAMS).reverse());

    // Act
    const signed = signRpcV1('GET', reversed, PUBLISHED_SECRET);

    // Assess
    expect(signed['Signature']).toBe(PUBLISHED_SIGNATURE);
  });

  it('changes the signature when the STS SecurityToken is added, because the token is signed', () => {
    // Prepare
    const withToken = { ...PUBLISHED_PARAMS, SecurityToken: 'STS.token/with+chars=' };

    // Act
    const signed = signRpcV1('GET', withToken, PUBLISHED_SECRET);

    // Assess
    expect(signed['Signature']).not.toBe(PUBLISHED_SIGNATURE);
    expect(rpcV1StringToSign('GET', withToken)).toContain('SecurityToken%3DSTS.token%252Fwith%252Bchars%253D');
  });
});
