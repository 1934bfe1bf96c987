/**
 * Differential test: our RPC V1 signing against @alicloud/pop-core 1.8.0, Alibaba's own V1 client.
 *
 * pop-core only signs inside `request()`, so it sends every case to one keep-alive loopback server that records
 * the query (GET) or form body (POST). We then sign the same input with our production path (signLiveRequest,
 * the function the Live client calls) and demand the same parameters, the same Signature and the same encoding;
 * and we recompute the signature from pop-core's captured parameters with rpcV1StringToSign/rpcV1Signature.
 *
 * Timestamp and SignatureNonce are passed as caller parameters so that pop-core uses ours (its caller parameters
 * override its defaults). pop-core upper-cases the first letter of top-level keys, so generated keys start upper case.
 */
import RPCClient from '@alicloud/pop-core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIVE_API_VERSION, signLiveRequest } from '../../shared/src/live/request-signing';
import { canonicalQueryString, percentEncode } from '../../shared/src/signing/percent-encode';
import { rpcV1Signature, rpcV1StringToSign } from '../../shared/src/signing/rpc-v1-signature';
import { type LoopbackServer, startLoopbackServer } from '../support/loopback-server';

const NUM_RUNS = 1000;

// Names our signer sets itself (and pop-core sets as defaults); a random parameter must not collide with them.
const COMMON_NAMES = new Set([
  'Action',
  'Format',
  'Version',
  'AccessKeyId',
  'SignatureMethod',
  'SignatureVersion',
  'SignatureNonce',
  'Timestamp',
  'SecurityToken',
  'Signature',
]);
const RESERVED_CHARACTERS = [..."!'()*&=+/?#%;:@$, ~"];

/** Text mixing whole graphemes (valid UTF-16 only: lone surrogates break encodeURIComponent in both), ASCII and reserved characters. */
const text = fc
  .array(
    fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 3 }),
      fc.string({ unit: 'grapheme-ascii', maxLength: 4 }),
      fc.constantFrom(...RESERVED_CHARACTERS),
      fc.constantFrom('é', '中文', '😀', 'auth_key=1608953344-0-0-abc', '%20', '%2A'),
    ),
    { maxLength: 8 },
  )
  .map((parts) => parts.join(''));

const parameterName = fc
  .stringMatching(/^[A-Z][A-Za-z0-9_.-]{0,15}$/)
  .filter((name) => !COMMON_NAMES.has(name) && !name.startsWith('Item'));

const item = fc.record({ ItemName: text, VodUrl: text.map((path) => `https://cdn.example.com/${path}.mp4?auth_key=1-0-0-${path}`) });

const signingCase = fc.record({
  action: fc.constantFrom('AddCasterEpisodeGroup', 'DescribeCasterConfig', 'DeleteCasterEpisodeGroup'),
  method: fc.constantFrom('GET' as const, 'POST' as const),
  params: fc.dictionary(parameterName, text, { maxKeys: 6 }),
  // Up to 12 items, so that Item.10.* must sort before Item.2.* in both.
  items: fc.option(fc.array(item, { minLength: 1, maxLength: 12 }), { nil: undefined }),
  accessKeyId: fc.stringMatching(/^[A-Za-z0-9]{8,24}$/),
  accessKeySecret: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }),
  securityToken: fc.option(fc.stringMatching(/^[A-Za-z0-9+/=._-]{6,120}$/), { nil: undefined }),
  nowMs: fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2099, 11, 31, 23, 59, 59) }),
  nonce: fc.oneof(fc.uuid(), fc.stringMatching(/^[A-Za-z0-9-]{1,40}$/)),
});

/** pop-core's own Timestamp format (yyyy-MM-ddTHH:mm:ssZ, UTC, no milliseconds), written out independently. */
function popCoreTimestamp(epochMs: number): string {
  const date = new Date(epochMs);
  const pad = (value: number): string => String(value).padStart(2, '0');
  return `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}T${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}Z`;
}

/** Flattens `Item: [{ItemName, VodUrl}]` to `Item.N.ItemName` / `Item.N.VodUrl` from 1, as pop-core and the API do. */
function flattenItems(items: ReadonlyArray<{ ItemName: string; VodUrl: string }> | undefined): Record<string, string> {
  const flat: Record<string, string> = {};
  items?.forEach((entry, index) => {
    flat[`Item.${index + 1}.ItemName`] = entry.ItemName;
    flat[`Item.${index + 1}.VodUrl`] = entry.VodUrl;
  });
  return flat;
}

function withoutSignature(params: Readonly<Record<string, string>>): Record<string, string> {
  const { Signature: _signature, ...rest } = params;
  return rest;
}

interface CurrentCredentials {
  accessKeyId: string;
  accessKeySecret: string;
  securityToken: string | undefined;
}

describe('RPC V1 signing agrees with @alicloud/pop-core 1.8.0', () => {
  let server: LoopbackServer;
  let popCore: RPCClient;
  // pop-core reads its credentials per request through credentialsProvider, so one client (one keep-alive
  // agent, one connection) serves every case while the keys and the STS token vary.
  let current: CurrentCredentials = { accessKeyId: 'placeholder', accessKeySecret: 'placeholder', securityToken: undefined };

  beforeAll(async () => {
    server = await startLoopbackServer(() => ({ status: 200, json: { RequestId: 'captured' } }), { maxHeaderSize: 1024 * 1024 });
    // credentialsProvider exists in pop-core 1.8.0 but its d.ts does not declare it.
    popCore = new RPCClient({
      endpoint: server.url,
      apiVersion: LIVE_API_VERSION,
      credentialsProvider: { getCredentials: async () => ({ ...current }) },
    } as unknown as RPCClient.Config);
  });

  afterAll(async () => {
    await server.close();
  });

  it(`signs ${NUM_RUNS} random requests (unicode, reserved characters, item lists, GET/POST, STS or not) exactly as pop-core does`, async () => {
    // Prepare
    let checkedCases = 0;

    await fc.assert(
      fc.asyncProperty(signingCase, async (input) => {
        current = { accessKeyId: input.accessKeyId, accessKeySecret: input.accessKeySecret, securityToken: input.securityToken };
        const timestamp = popCoreTimestamp(input.nowMs);
        const requestIndex = server.requests.length;

        // Act: pop-core signs and sends; our production signer signs the same input.
        await popCore.request(
          input.action,
          { ...input.params, ...(input.items ? { Item: input.items } : {}), Timestamp: timestamp, SignatureNonce: input.nonce },
          input.method === 'POST' ? { method: 'POST' } : {},
        );
        const captured = server.requests[requestIndex];
        if (!captured) throw new Error('the capture server recorded no request');
        const ours = signLiveRequest({
          endpoint: new URL(server.url),
          action: input.action,
          params: { ...input.params, ...flattenItems(input.items) },
          method: input.method,
          credentials: { accessKeyId: input.accessKeyId, accessKeySecret: input.accessKeySecret, securityToken: input.securityToken },
          algorithm: 'v1',
          nowMs: input.nowMs,
          nonce: input.nonce,
        });

        // Assess
        expect(captured.method).toBe(input.method);
        const wireText = input.method === 'POST' ? captured.body : captured.rawQuery;
        const popCoreParams = input.method === 'POST' ? captured.form : captured.query;
        const popCoreSignature = popCoreParams['Signature'];
        expect(popCoreSignature).toBeDefined();
        // 1. The same parameters are signed, and the same Signature results.
        expect(ours.signedParams).toEqual(popCoreParams);
        // 2. Our string-to-sign over pop-core's captured parameters yields pop-core's Signature.
        const stringToSign = rpcV1StringToSign(input.method, withoutSignature(popCoreParams));
        expect(rpcV1Signature(stringToSign, input.accessKeySecret)).toBe(popCoreSignature);
        // 3. Byte-identical encoding: pop-core sends the canonical string with Signature appended last.
        expect(wireText).toBe(`${canonicalQueryString(withoutSignature(popCoreParams))}&Signature=${percentEncode(popCoreSignature!)}`);
        const ourWireText = input.method === 'POST' ? ours.body : ours.url.search.slice(1);
        expect(ourWireText).toBe(canonicalQueryString(popCoreParams));
        checkedCases += 1;
      }),
      { numRuns: NUM_RUNS },
    );

    // Assess
    expect(checkedCases).toBeGreaterThanOrEqual(NUM_RUNS);
  });
});
