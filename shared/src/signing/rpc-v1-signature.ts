import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';
import { canonicalQueryString, encodeSubDelimiters, percentEncode, percentEncodeName } from './percent-encode';

// Ids, versions, nonces and tokens often need no encoding at all: one anchored test is cheaper than copying them.
const UNRESERVED_ONLY = /^[A-Za-z0-9_.~-]*$/;

/** Parameters as several records, merged the way `{ ...first, ...second }` merges them: a later record's value wins. */
export type RpcParamLayers = readonly Readonly<Record<string, string>>[];

/** The RPC V1 string-to-sign: `METHOD&%2F&` followed by the percent-encoded canonical query. */
export function rpcV1StringToSign(httpMethod: string, params: Readonly<Record<string, string>>): string {
  return rpcV1StringToSignFromCanonical(httpMethod, canonicalQueryString(params));
}

/** The same string-to-sign from an already canonical query, so a caller can encode the parameters only once. */
export function rpcV1StringToSignFromCanonical(httpMethod: string, canonicalQuery: string): string {
  // `%2F` is percentEncode('/'), the only path RPC signs. A canonical query is percentEncode output joined by `=`
  // and `&`, so it holds none of the !'()* that percentEncode adds to encodeURIComponent: the two agree on it.
  return `${httpMethod.toUpperCase()}&%2F&${encodeURIComponent(canonicalQuery)}`;
}

// The HMAC key of the last secret used: a process signs with one AccessKey secret at a time, and a key object
// spares every signature the conversion of the secret to bytes.
let lastSecret: string | undefined;
let lastSecretKey: KeyObject | undefined;

/** Base64 HMAC-SHA1 of a string-to-sign, keyed with the AccessKey secret followed by `&`. */
export function rpcV1Signature(stringToSign: string, accessKeySecret: string): string {
  if (lastSecretKey === undefined || accessKeySecret !== lastSecret) {
    lastSecretKey = createSecretKey(Buffer.from(`${accessKeySecret}&`, 'utf8'));
    lastSecret = accessKeySecret;
  }
  return createHmac('sha1', lastSecretKey).update(stringToSign, 'utf8').digest('base64');
}

/**
 * Signs RPC parameters (which must not already contain `Signature`) in one encoding pass: the sorted pairs are
 * both what is signed and, with the signature slotted into its sorted place, the query or form body to send
 * (byte for byte what Alibaba's own SDK sends).
 */
export function encodeSignedRpcV1(
  httpMethod: string,
  params: Readonly<Record<string, string>>,
  accessKeySecret: string,
): { signature: string; encoded: string } {
  return encodeSignedRpcV1Layers(httpMethod, [params], accessKeySecret);
}

/**
 * encodeSignedRpcV1 of the merge of several parameter records, without building the merged record: copying a
 * few dozen `Item.N.*` properties into a new object costs more than percent-encoding and signing them.
 */
export function encodeSignedRpcV1Layers(
  httpMethod: string,
  layers: RpcParamLayers,
  accessKeySecret: string,
): { signature: string; encoded: string } {
  const names: string[] = [];
  for (const layer of layers) names.push(...Object.keys(layer));
  // Default sort compares UTF-16 code units, which for the ASCII parameter names of the API is byte order; a name
  // given by several layers ends up in adjacent slots, and is encoded once.
  names.sort();
  const pairs: string[] = [];
  // Where the Signature pair goes: after the pairs whose names sort before it, at the length they take joined.
  let signatureIndex = -1;
  let signatureOffset = -1;
  let joinedLength = 0;
  for (let index = 0; index < names.length; index += 1) {
    const name = names[index] as string;
    if (name === names[index + 1]) continue;
    if (signatureIndex === -1 && name > 'Signature') {
      signatureIndex = pairs.length;
      signatureOffset = joinedLength;
    }
    // encodeURIComponent now, the few characters it leaves that percentEncode encodes once over the joined text.
    const value = layeredValue(layers, name);
    const pair = `${percentEncodeName(name)}=${UNRESERVED_ONLY.test(value) ? value : encodeURIComponent(value)}`;
    pairs.push(pair);
    joinedLength += pair.length + 1;
  }
  const joined = pairs.join('&');
  const canonical = encodeSubDelimiters(joined);
  const signature = rpcV1Signature(rpcV1StringToSignFromCanonical(httpMethod, canonical), accessKeySecret);
  const signaturePair = `Signature=${percentEncode(signature)}`;
  if (canonical !== joined) {
    // Rare (a value with !'()*): the finishing changed lengths, so the pairs are joined again around the signature.
    pairs.splice(signatureIndex === -1 ? pairs.length : signatureIndex, 0, signaturePair);
    return { signature, encoded: encodeSubDelimiters(pairs.join('&')) };
  }
  // The body is the canonical query with the Signature pair slotted in: two slices, no second join.
  if (signatureIndex === -1) return { signature, encoded: canonical === '' ? signaturePair : `${canonical}&${signaturePair}` };
  return { signature, encoded: `${canonical.slice(0, signatureOffset)}${signaturePair}&${canonical.slice(signatureOffset)}` };
}

/** Signs RPC parameters (which must not already contain `Signature`) and returns them with `Signature` added. */
export function signRpcV1(httpMethod: string, params: Readonly<Record<string, string>>, accessKeySecret: string): Record<string, string> {
  return { ...params, Signature: encodeSignedRpcV1(httpMethod, params, accessKeySecret).signature };
}

/** The value the last layer that owns `name` gives it. */
function layeredValue(layers: RpcParamLayers, name: string): string {
  for (let index = layers.length - 1; index >= 0; index -= 1) {
    const layer = layers[index] as Readonly<Record<string, string>>;
    if (Object.hasOwn(layer, name)) return layer[name] as string;
  }
  return '';
}
