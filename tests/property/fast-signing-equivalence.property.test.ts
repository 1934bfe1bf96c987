/**
 * The V1 signer's fast paths (values copied when unreserved, !'()* encoded once over the joined query, parameter
 * layers merged without a merged object, the HMAC key kept per secret) must give byte for byte what the plain
 * definitions give: RFC 3986 encoding per value, one merged record, canonical query, string-to-sign, HMAC.
 */
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { signLiveRequest } from '../../shared/src/live/request-signing';
import { canonicalQueryString, encodeSubDelimiters, percentEncode } from '../../shared/src/signing/percent-encode';
import { encodeSignedRpcV1, encodeSignedRpcV1Layers, rpcV1StringToSign } from '../../shared/src/signing/rpc-v1-signature';

const NUM_RUNS = 500;

/** RFC 3986 percent-encoding written out plainly: encodeURIComponent, then the five characters it leaves. */
function referencePercentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** What a call returned, or the name of the error it threw. */
function outcomeOf(encode: () => string): { value: string } | { error: string } {
  try {
    return { value: encode() };
  } catch (error) {
    return { error: error instanceof Error ? error.name : String(error) };
  }
}

/** The merged record a spread of the layers gives: a later layer's value wins, the first position stays. */
function mergeBySpread(layers: readonly Readonly<Record<string, string>>[]): Record<string, string> {
  let merged: Record<string, string> = {};
  for (const layer of layers) merged = { ...merged, ...layer };
  return merged;
}

/** The signature by definition: HMAC-SHA1 keyed with `secret&` over the string-to-sign of the merged record. */
function referenceSignature(httpMethod: string, params: Readonly<Record<string, string>>, secret: string): string {
  return createHmac('sha1', `${secret}&`).update(rpcV1StringToSign(httpMethod, params)).digest('base64');
}

const text = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  fc.string({ unit: 'grapheme-ascii', maxLength: 40 }),
  fc.stringMatching(/^[A-Za-z0-9_.~-]{0,40}$/),
  fc.constantFrom("it's (the) *best*!", 'https://cdn.example.com/a b.mp4?auth_key=1-0-0-abc&x=1', '%2A', '中文😀', ''),
);

// Names around `Signature` in byte order, shared between layers so that later layers override earlier ones.
const parameterName = fc.constantFrom(
  'Action',
  'RegionId',
  'CasterId',
  'Item.1.VodUrl',
  'Item.10.VodUrl',
  'Item.2.VodUrl',
  'SecurityToken',
  'SignatureMethod',
  'Sig',
  'Signaturf',
  'Timestamp',
  'a*b',
  '名前',
);
const layer = fc.dictionary(parameterName, text, { maxKeys: 8 });
const secret = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 });

describe('percentEncode agrees with the plain RFC 3986 definition', () => {
  it("encodes any text exactly as encodeURIComponent plus the encoding of !'()*, and fails where it fails", () => {
    fc.assert(
      fc.property(fc.oneof(text, fc.string({ unit: 'binary', maxLength: 20 })), (value) => {
        // Act
        const encoded = outcomeOf(() => percentEncode(value));

        // Assess
        expect(encoded).toEqual(outcomeOf(() => referencePercentEncode(value)));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('still refuses a lone surrogate, which has no UTF-8 form to sign', () => {
    // Prepare
    const value = 'episode \ud800 one';

    // Act
    const encode = () => percentEncode(value);

    // Assess
    expect(encode).toThrow(URIError);
  });

  it('finishes a joined query of encodeURIComponent pairs exactly as encoding each pair on its own would', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(text, text), { maxLength: 8 }), (pairs) => {
        // Prepare
        const joined = pairs.map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`).join('&');

        // Act
        const finished = encodeSubDelimiters(joined);

        // Assess
        expect(finished).toBe(pairs.map(([name, value]) => `${referencePercentEncode(name)}=${referencePercentEncode(value)}`).join('&'));
      }),
      { numRuns: NUM_RUNS },
    );
  });
});

describe('V1 signing of parameter layers agrees with signing their merged record', () => {
  it('gives the same Signature and body as the merged record, with Signature in its sorted place', () => {
    fc.assert(
      fc.property(fc.array(layer, { minLength: 1, maxLength: 4 }), fc.constantFrom('GET', 'POST'), secret, (layers, method, key) => {
        // Prepare
        const merged = mergeBySpread(layers);

        // Act
        const layered = encodeSignedRpcV1Layers(method, layers, key);

        // Assess
        expect(layered.signature).toBe(referenceSignature(method, merged, key));
        expect(layered.encoded).toBe(canonicalQueryString({ ...merged, Signature: layered.signature }));
        expect(layered).toEqual(encodeSignedRpcV1(method, merged, key));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('signs with each secret it is given, even when secrets alternate between calls', () => {
    fc.assert(
      fc.property(layer, secret, secret, (params, firstSecret, secondSecret) => {
        // Act
        const first = encodeSignedRpcV1Layers('POST', [params], firstSecret);
        const second = encodeSignedRpcV1Layers('POST', [params], secondSecret);
        const firstAgain = encodeSignedRpcV1Layers('POST', [params], firstSecret);

        // Assess
        expect(first.signature).toBe(referenceSignature('POST', params, firstSecret));
        expect(second.signature).toBe(referenceSignature('POST', params, secondSecret));
        expect(firstAgain.signature).toBe(first.signature);
      }),
      { numRuns: 200 },
    );
  });
});

describe('a signed request names every parameter it signed', () => {
  const endpoint = new URL('http://127.0.0.1:8787');
  const credentials = { accessKeyId: 'LTAI5tExample', accessKeySecret: 'example-secret', securityToken: 'CAIS-token+/=' };

  it('sends the default RegionId unless the parameters give their own, and lists what was signed', () => {
    fc.assert(
      fc.property(layer, fc.option(fc.stringMatching(/^[a-z]{2}-[a-z]{3,10}$/), { nil: undefined }), (params, regionId) => {
        // Prepare
        const callerParams = regionId === undefined ? params : { ...params, RegionId: regionId };

        // Act
        const request = signLiveRequest({
          endpoint,
          action: 'AddCasterEpisodeGroup',
          params: callerParams,
          defaultParams: { RegionId: 'cn-shanghai' },
          method: 'POST',
          credentials,
          algorithm: 'v1',
          nowMs: Date.UTC(2031, 2, 6, 19),
          nonce: 'fixed-nonce',
        });

        // Assess
        expect(request.signedParams['RegionId']).toBe(regionId ?? params['RegionId'] ?? 'cn-shanghai');
        expect(request.body).toBe(canonicalQueryString(request.signedParams));
        const { Signature: signature, ...unsigned } = request.signedParams;
        expect(signature).toBe(referenceSignature('POST', unsigned, credentials.accessKeySecret));
        expect(request.headers['content-length']).toBe(String(Buffer.byteLength(request.body ?? '')));
      }),
      { numRuns: 200 },
    );
  });
});
