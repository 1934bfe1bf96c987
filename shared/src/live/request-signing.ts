import { randomUUID } from 'node:crypto';
import { acs3Authorization, sha256Hex } from '../signing/acs3-signature';
import type { Credentials, SignatureAlgorithm } from '../signing/credentials';
import { canonicalQueryString } from '../signing/percent-encode';
import { encodeSignedRpcV1Layers, type RpcParamLayers } from '../signing/rpc-v1-signature';

export const LIVE_API_VERSION = '2016-11-01';
const NO_PARAMS: Readonly<Record<string, string>> = Object.freeze({});

/** A request ready to send: URL, headers and body, signed for one attempt. */
export interface SignedRequest {
  readonly method: 'GET' | 'POST';
  readonly url: URL;
  readonly headers: Record<string, string>;
  readonly body?: string | undefined;
  /** Every parameter that was signed, Signature included for V1: what `--dry-run` shows, redacted. */
  readonly signedParams: Record<string, string>;
}

export interface SigningInput {
  readonly endpoint: URL;
  readonly action: string;
  readonly params: Readonly<Record<string, string>>;
  /** Parameters sent unless `params` gives the same name (the client's RegionId). */
  readonly defaultParams?: Readonly<Record<string, string>>;
  readonly method: 'GET' | 'POST';
  readonly credentials: Credentials;
  readonly algorithm: SignatureAlgorithm;
  /** Epoch ms; every attempt gets its own so a retry is never rejected as a replay. */
  readonly nowMs: number;
  readonly nonce?: string;
}

// Requests signed within the same second share one timestamp text.
let lastTimestampSecond = Number.NaN;
let lastTimestampText = '';

/** The `yyyy-MM-ddTHH:mm:ssZ` timestamp both signatures use. */
export function utcSecondTimestamp(epochMs: number): string {
  const second = Math.floor(epochMs / 1000);
  if (second !== lastTimestampSecond) {
    // toISOString always ends in `.sssZ`; dropping the milliseconds keeps the trailing Z.
    lastTimestampText = `${new Date(second * 1000).toISOString().slice(0, -5)}Z`;
    lastTimestampSecond = second;
  }
  return lastTimestampText;
}

/** Signs one attempt of an RPC call with a fresh nonce and timestamp. */
export function signLiveRequest(input: SigningInput): SignedRequest {
  const nonce = input.nonce ?? randomUUID();
  return input.algorithm === 'acs3' ? signAcs3(input, nonce) : signV1(input, nonce);
}

function signV1(input: SigningInput, nonce: string): SignedRequest {
  const common: Record<string, string> = {
    Action: input.action,
    Format: 'JSON',
    Version: LIVE_API_VERSION,
    AccessKeyId: input.credentials.accessKeyId,
    SignatureMethod: 'HMAC-SHA1',
    SignatureVersion: '1.0',
    SignatureNonce: nonce,
    Timestamp: utcSecondTimestamp(input.nowMs),
  };
  if (input.credentials.securityToken) common['SecurityToken'] = input.credentials.securityToken;
  const layers = [input.defaultParams ?? NO_PARAMS, input.params, common];
  const { signature, encoded } = encodeSignedRpcV1Layers(input.method, layers, input.credentials.accessKeySecret);
  if (input.method === 'GET') return new SignedV1Request('GET', new URL(`/?${encoded}`, input.endpoint), {}, undefined, layers, signature);
  // Percent-encoded text is ASCII: its length is its byte count, without flattening the string to measure it.
  const headers = { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(encoded.length) };
  return new SignedV1Request('POST', new URL('/', input.endpoint), headers, encoded, layers, signature);
}

/**
 * A V1-signed request whose merged parameter record is built on first read: only a dry run reads it, and
 * merging a few dozen `Item.N.*` parameters into a new object costs more than signing them. A class getter,
 * because an object literal with a getter is rebuilt property by property on every request.
 */
class SignedV1Request implements SignedRequest {
  readonly #layers: RpcParamLayers;
  readonly #signature: string;
  #signedParams: Record<string, string> | undefined;

  constructor(
    readonly method: 'GET' | 'POST',
    readonly url: URL,
    readonly headers: Record<string, string>,
    readonly body: string | undefined,
    layers: RpcParamLayers,
    signature: string,
  ) {
    this.#layers = layers;
    this.#signature = signature;
  }

  get signedParams(): Record<string, string> {
    // fromEntries defines own properties as a spread would (a later layer wins, a `__proto__` name stays a name).
    this.#signedParams ??= Object.fromEntries([...this.#layers.flatMap((layer) => Object.entries(layer)), ['Signature', this.#signature]]);
    return this.#signedParams;
  }
}

function signAcs3(input: SigningInput, nonce: string): SignedRequest {
  const params = input.defaultParams ? { ...input.defaultParams, ...input.params } : input.params;
  // RPC parameters travel in the form body on POST (no URL length limit for long episode lists), in the query on GET.
  const body = input.method === 'POST' ? canonicalQueryString(params) : '';
  const query = input.method === 'GET' ? params : {};
  const headers: Record<string, string> = {
    host: input.endpoint.host,
    'x-acs-action': input.action,
    'x-acs-version': LIVE_API_VERSION,
    'x-acs-date': utcSecondTimestamp(input.nowMs),
    'x-acs-signature-nonce': nonce,
    'x-acs-content-sha256': sha256Hex(body),
  };
  if (input.credentials.securityToken) {
    headers['x-acs-security-token'] = input.credentials.securityToken;
    headers['x-acs-accesskey-id'] = input.credentials.accessKeyId;
  }
  if (input.method === 'POST') headers['content-type'] = 'application/x-www-form-urlencoded';
  headers['authorization'] = acs3Authorization(
    { httpMethod: input.method, canonicalUri: '/', query, headers, body },
    input.credentials.accessKeyId,
    input.credentials.accessKeySecret,
  );
  if (input.method === 'POST') headers['content-length'] = String(Buffer.byteLength(body));
  const search = canonicalQueryString(query);
  return {
    method: input.method,
    url: new URL(search ? `/?${search}` : '/', input.endpoint),
    headers,
    body: input.method === 'POST' ? body : undefined,
    signedParams: { ...params, ...headers },
  };
}
