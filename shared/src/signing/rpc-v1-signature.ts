import { createHmac } from 'node:crypto';
import { canonicalQueryString, percentEncode } from './percent-encode';

/** The RPC V1 string-to-sign: `METHOD&%2F&` followed by the percent-encoded canonical query. */
export function rpcV1StringToSign(httpMethod: string, params: Readonly<Record<string, string>>): string {
  return rpcV1StringToSignFromCanonical(httpMethod, canonicalQueryString(params));
}

/** The same string-to-sign from an already canonical query, so a caller can encode the parameters only once. */
export function rpcV1StringToSignFromCanonical(httpMethod: string, canonicalQuery: string): string {
  return `${httpMethod.toUpperCase()}&${percentEncode('/')}&${percentEncode(canonicalQuery)}`;
}

/** Base64 HMAC-SHA1 of a string-to-sign, keyed with the AccessKey secret followed by `&`. */
export function rpcV1Signature(stringToSign: string, accessKeySecret: string): string {
  return createHmac('sha1', `${accessKeySecret}&`).update(stringToSign, 'utf8').digest('base64');
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
  const names = Object.keys(params).sort();
  const pairs = names.map((name) => `${percentEncode(name)}=${percentEncode(params[name]!)}`);
  const signature = rpcV1Signature(rpcV1StringToSignFromCanonical(httpMethod, pairs.join('&')), accessKeySecret);
  const signatureIndex = names.findIndex((name) => name > 'Signature');
  pairs.splice(signatureIndex === -1 ? pairs.length : signatureIndex, 0, `Signature=${percentEncode(signature)}`);
  return { signature, encoded: pairs.join('&') };
}

/** Signs RPC parameters (which must not already contain `Signature`) and returns them with `Signature` added. */
export function signRpcV1(httpMethod: string, params: Readonly<Record<string, string>>, accessKeySecret: string): Record<string, string> {
  return { ...params, Signature: encodeSignedRpcV1(httpMethod, params, accessKeySecret).signature };
}
