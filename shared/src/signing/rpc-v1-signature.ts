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

/** Signs RPC parameters (which must not already contain `Signature`) and returns them with `Signature` added. */
export function signRpcV1(
  httpMethod: string,
  params: Readonly<Record<string, string>>,
  accessKeySecret: string,
): Record<string, string> {
  const signature = rpcV1Signature(rpcV1StringToSign(httpMethod, params), accessKeySecret);
  return { ...params, Signature: signature };
}
