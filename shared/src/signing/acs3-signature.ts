import { createHash, createHmac } from 'node:crypto';
import { canonicalQueryString } from './percent-encode';

export const ACS3_ALGORITHM = 'ACS3-HMAC-SHA256';

/** What goes into an ACS3-HMAC-SHA256 canonical request. Header names may be in any case. */
export interface Acs3Request {
  readonly httpMethod: string;
  readonly canonicalUri?: string;
  readonly query: Readonly<Record<string, string>>;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | Buffer;
}

/** Hex SHA-256 of a payload, the value of `x-acs-content-sha256`. */
export function sha256Hex(payload: string | Buffer): string {
  return createHash('sha256').update(payload).digest('hex');
}

/** True for the headers ACS3 signs: `host`, `content-type` and every `x-acs-*` header. */
export function isAcs3SignedHeader(lowerCaseName: string): boolean {
  return lowerCaseName === 'host' || lowerCaseName === 'content-type' || lowerCaseName.startsWith('x-acs-');
}

/** The canonical request and the signed-header list, for the headers that ACS3 signs. */
export function acs3CanonicalRequest(request: Acs3Request): { canonicalRequest: string; signedHeaders: string } {
  const lowered = new Map<string, string>();
  for (const [name, value] of Object.entries(request.headers)) {
    const lower = name.toLowerCase();
    if (isAcs3SignedHeader(lower)) lowered.set(lower, value.trim());
  }
  const names = [...lowered.keys()].sort();
  const canonicalHeaders = names.map((name) => `${name}:${lowered.get(name)}\n`).join('');
  const signedHeaders = names.join(';');
  const canonicalRequest = [
    request.httpMethod.toUpperCase(),
    request.canonicalUri ?? '/',
    canonicalQueryString(request.query),
    canonicalHeaders,
    signedHeaders,
    sha256Hex(request.body),
  ].join('\n');
  return { canonicalRequest, signedHeaders };
}

/** `ACS3-HMAC-SHA256\n` + hex SHA-256 of the canonical request. */
export function acs3StringToSign(canonicalRequest: string): string {
  return `${ACS3_ALGORITHM}\n${sha256Hex(canonicalRequest)}`;
}

/** Lower-case hex HMAC-SHA256 of the string-to-sign, keyed with the bare AccessKey secret. */
export function acs3Signature(stringToSign: string, accessKeySecret: string): string {
  return createHmac('sha256', accessKeySecret).update(stringToSign, 'utf8').digest('hex');
}

/** The `Authorization` header value for a request signed with ACS3-HMAC-SHA256. */
export function acs3Authorization(request: Acs3Request, accessKeyId: string, accessKeySecret: string): string {
  const { canonicalRequest, signedHeaders } = acs3CanonicalRequest(request);
  const signature = acs3Signature(acs3StringToSign(canonicalRequest), accessKeySecret);
  return `${ACS3_ALGORITHM} Credential=${accessKeyId},SignedHeaders=${signedHeaders},Signature=${signature}`;
}

/** Splits an ACS3 `Authorization` header into its parts, or returns undefined when it is not one. */
export function parseAcs3Authorization(header: string): { accessKeyId: string; signedHeaders: string[]; signature: string } | undefined {
  const match = /^ACS3-HMAC-SHA256\s+Credential=([^,]+),\s*SignedHeaders=([^,]+),\s*Signature=([0-9a-fA-F]+)$/.exec(header.trim());
  if (!match) return undefined;
  return { accessKeyId: match[1]!, signedHeaders: match[2]!.split(';'), signature: match[3]! };
}
