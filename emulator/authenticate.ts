import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { utcSecondTimestamp } from '../shared/src/live/request-signing';
import {
  acs3CanonicalRequest,
  acs3Signature,
  acs3StringToSign,
  isAcs3SignedHeader,
  parseAcs3Authorization,
  sha256Hex,
} from '../shared/src/signing/acs3-signature';
import type { SignatureAlgorithm } from '../shared/src/signing/credentials';
import { rpcV1Signature, rpcV1StringToSign } from '../shared/src/signing/rpc-v1-signature';
import { ApiError, missingParameter } from './api-error';
import type { AccountCredential, CredentialStore } from './credential-store';
import type { NonceCache } from './nonce-cache';
import type { RequestParams } from './request-params';
import { parseUtcSeconds } from './timestamp';

/** The parts of an HTTP request that authentication looks at. */
export interface SignedRequest {
  /** Upper-case HTTP method. */
  readonly method: string;
  /** The path as received, without the query (`/` for the RPC API). */
  readonly rawPath: string;
  readonly headers: IncomingHttpHeaders;
  readonly params: RequestParams;
  readonly body: Buffer;
  /** The signature it uses, from signatureAlgorithmOf(headers). */
  readonly algorithm: SignatureAlgorithm;
}

/** What authentication needs besides the request. */
export interface AuthSettings {
  readonly credentials: CredentialStore;
  readonly nonces: NonceCache;
  /** How far Timestamp (V1) / x-acs-date (ACS3) may be from the server clock, either way (see signature-windows.ts). */
  readonly timestampWindowsMs: Readonly<Record<SignatureAlgorithm, number>>;
}

/** The authenticated caller. */
export interface Caller {
  readonly accessKeyId: string;
  readonly accountId: string;
}

/** One header as a string (repeated headers joined as Node joins them), or undefined when absent. */
export function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/**
 * Which signature the request uses. An Authorization header means ACS3; otherwise V1. The x-acs-* headers
 * alone decide nothing: pop-core sends x-acs-action and x-acs-version with its V1 requests too.
 */
export function signatureAlgorithmOf(headers: IncomingHttpHeaders): SignatureAlgorithm {
  return headerValue(headers, 'authorization') !== undefined ? 'acs3' : 'v1';
}

/** The AccessKeyId a request claims (before any check), for the request log. */
export function claimedAccessKeyId(request: SignedRequest): string | undefined {
  if (request.algorithm === 'v1') return request.params.all['AccessKeyId'] || undefined;
  return parseAcs3Authorization(headerValue(request.headers, 'authorization') ?? '')?.accessKeyId;
}

function incompleteSignature(detail: string): ApiError {
  return new ApiError('IncompleteSignature', `The request signature does not conform to Aliyun standards. ${detail}`);
}

// Compares digests, not the strings, so that neither length nor content leaks through timing.
function constantTimeEqual(a: string, b: string): boolean {
  const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(a), digest(b));
}

function findCredential(settings: AuthSettings, accessKeyId: string): AccountCredential {
  const credential = settings.credentials.find(accessKeyId);
  if (!credential) throw new ApiError('InvalidAccessKeyId.NotFound');
  return credential;
}

/**
 * A key with an STS token must present exactly that token; a long-term key must present none. The codes are
 * UNCONFIRMED for Live: Malformed when it is missing, Mismatch when it is wrong or unexpected.
 */
function checkSecurityToken(credential: AccountCredential, presented: string | undefined, carrier: string): void {
  if (credential.securityToken === undefined) {
    if (presented) {
      throw new ApiError(
        'InvalidSecurityToken.Mismatch',
        `The ${carrier} does not match AccessKeyId ${credential.accessKeyId}, which is a long-term key and takes no security token.`,
      );
    }
    return;
  }
  if (!presented) {
    throw new ApiError(
      'InvalidSecurityToken.Malformed',
      `AccessKeyId ${credential.accessKeyId} is a temporary (STS) key: the ${carrier} is required.`,
    );
  }
  if (!constantTimeEqual(presented, credential.securityToken)) {
    throw new ApiError('InvalidSecurityToken.Mismatch', `The ${carrier} does not match AccessKeyId ${credential.accessKeyId}.`);
  }
}

function checkTimestamp(value: string, name: string, nowMs: number, windowMs: number): void {
  const atMs = parseUtcSeconds(value);
  if (atMs === undefined) {
    throw new ApiError(
      'IllegalTimestamp',
      `Specified parameter ${name} is not valid: "${value}" is not in the yyyy-MM-ddTHH:mm:ssZ format (UTC).`,
    );
  }
  if (Math.abs(nowMs - atMs) > windowMs) {
    const limitMinutes = Math.round(windowMs / 60_000);
    throw new ApiError(
      'InvalidTimeStamp.Expired',
      `Specified time stamp or date value is expired. ${name} ${value} is more than ${limitMinutes} minutes from the server time ${utcSecondTimestamp(nowMs)}.`,
    );
  }
}

function claimNonce(settings: AuthSettings, accessKeyId: string, nonce: string, nowMs: number): void {
  if (!settings.nonces.claim(accessKeyId, nonce, nowMs)) throw new ApiError('SignatureNonceUsed');
}

// V1 (HMAC-SHA1): every parameter but Signature is signed, from the query and the form body alike.
function authenticateV1(request: SignedRequest, settings: AuthSettings, nowMs: number): Caller {
  const params = request.params.all;
  const accessKeyId = params['AccessKeyId'];
  if (!accessKeyId) throw missingParameter('AccessKeyId');
  const signature = params['Signature'];
  if (!signature) throw incompleteSignature('The input parameter "Signature" is not supplied.');
  const method = params['SignatureMethod'];
  if (!method) throw incompleteSignature('The input parameter "SignatureMethod" is not supplied.');
  if (method !== 'HMAC-SHA1') throw incompleteSignature(`SignatureMethod "${method}" is not supported; use HMAC-SHA1.`);
  const version = params['SignatureVersion'];
  if (!version) throw incompleteSignature('The input parameter "SignatureVersion" is not supplied.');
  if (version !== '1.0') throw incompleteSignature(`SignatureVersion "${version}" is not supported; use 1.0.`);
  const nonce = params['SignatureNonce'];
  if (!nonce) throw incompleteSignature('The input parameter "SignatureNonce" is not supplied.');
  const timestamp = params['Timestamp'];
  if (!timestamp) throw missingParameter('Timestamp');

  const credential = findCredential(settings, accessKeyId);
  checkSecurityToken(credential, params['SecurityToken'], 'SecurityToken parameter');

  const { Signature: _signature, ...signedParams } = params;
  const stringToSign = rpcV1StringToSign(request.method, signedParams);
  if (!constantTimeEqual(rpcV1Signature(stringToSign, credential.accessKeySecret), signature)) {
    // The real gateway echoes its string-to-sign; it is what makes a client's signing bug findable.
    throw new ApiError(
      'SignatureDoesNotMatch',
      `Specified signature is not matched with our calculation. server string to sign is:${stringToSign}`,
    );
  }
  checkTimestamp(timestamp, 'Timestamp', nowMs, settings.timestampWindowsMs.v1);
  claimNonce(settings, accessKeyId, nonce, nowMs);
  return { accessKeyId, accountId: credential.accountId };
}

const ACS3_REQUIRED_HEADERS = ['x-acs-date', 'x-acs-signature-nonce', 'x-acs-content-sha256'] as const;

// ACS3-HMAC-SHA256: the canonical request covers the method, path, query, the signed headers and the body hash.
function authenticateAcs3(request: SignedRequest, settings: AuthSettings, nowMs: number): Caller {
  const authorization = headerValue(request.headers, 'authorization') ?? '';
  const parsed = parseAcs3Authorization(authorization);
  if (!parsed) {
    throw incompleteSignature(
      authorization.trim().startsWith('ACS3-HMAC-SHA256')
        ? 'The Authorization header is malformed; expected "ACS3-HMAC-SHA256 Credential=<AccessKeyId>,SignedHeaders=<a;b;c>,Signature=<hex>".'
        : 'The Authorization scheme is not supported; use ACS3-HMAC-SHA256, or V1 signature parameters without an Authorization header.',
    );
  }
  for (const name of ACS3_REQUIRED_HEADERS) {
    if (!headerValue(request.headers, name)) throw incompleteSignature(`The header "${name}" is not supplied.`);
  }
  const signedNames = parsed.signedHeaders.map((name) => name.trim());
  for (const name of signedNames) {
    if (name !== name.toLowerCase()) throw incompleteSignature(`SignedHeaders must be lower case; got "${name}".`);
    // The shared canonicaliser (like openapi-core) signs only host, content-type and x-acs-*; other names
    // are legal in the spec but not emulated.
    if (!isAcs3SignedHeader(name))
      throw incompleteSignature(`Signing header "${name}" is not supported by this emulator; sign host, content-type and x-acs-* headers.`);
    if (headerValue(request.headers, name) === undefined) throw incompleteSignature(`The signed header "${name}" is not in the request.`);
  }
  const mustSign = ['host', ...Object.keys(request.headers).filter((name) => name.startsWith('x-acs-'))];
  for (const name of mustSign) {
    if (!signedNames.includes(name)) throw incompleteSignature(`The header "${name}" must be signed (listed in SignedHeaders).`);
  }

  const credential = findCredential(settings, parsed.accessKeyId);
  checkSecurityToken(credential, headerValue(request.headers, 'x-acs-security-token'), 'x-acs-security-token header');

  const claimedHash = headerValue(request.headers, 'x-acs-content-sha256')!;
  const bodyHash = sha256Hex(request.body);
  if (claimedHash.toLowerCase() !== bodyHash) {
    // UNCONFIRMED code: the service's answer for a lying payload hash is undocumented; SignatureDoesNotMatch
    // keeps clients from retrying it.
    throw new ApiError(
      'SignatureDoesNotMatch',
      `Specified signature is not matched with our calculation. The x-acs-content-sha256 header ${claimedHash} is not the SHA-256 of the request body (${bodyHash}).`,
    );
  }

  const signedHeaders: Record<string, string> = {};
  for (const name of signedNames) signedHeaders[name] = headerValue(request.headers, name)!;
  const { canonicalRequest } = acs3CanonicalRequest({
    httpMethod: request.method,
    canonicalUri: request.rawPath,
    query: request.params.query,
    headers: signedHeaders,
    body: request.body,
  });
  const stringToSign = acs3StringToSign(canonicalRequest);
  if (!constantTimeEqual(acs3Signature(stringToSign, credential.accessKeySecret), parsed.signature.toLowerCase())) {
    throw new ApiError(
      'SignatureDoesNotMatch',
      `Specified signature is not matched with our calculation. server string to sign is:${stringToSign}\nserver canonical request is:${canonicalRequest}`,
    );
  }
  checkTimestamp(headerValue(request.headers, 'x-acs-date')!, 'x-acs-date', nowMs, settings.timestampWindowsMs.acs3);
  claimNonce(settings, parsed.accessKeyId, headerValue(request.headers, 'x-acs-signature-nonce')!, nowMs);
  return { accessKeyId: parsed.accessKeyId, accountId: credential.accountId };
}

/**
 * Verifies a request's signature in the gateway's order: AccessKey, security token, signature, timestamp,
 * then nonce (claimed last, so a request refused for any other reason does not burn its nonce). Throws the
 * API error to answer.
 */
export function authenticate(request: SignedRequest, settings: AuthSettings, nowMs: number): Caller {
  return request.algorithm === 'acs3' ? authenticateAcs3(request, settings, nowMs) : authenticateV1(request, settings, nowMs);
}
