/**
 * Alibaba Cloud URL signing (auth_key) as it appears in VOD and side-output URLs, read only far enough to know
 * when a URL was signed: the hash is never checked (the private key is the CDN's) and never shown.
 *
 * - Type A: `?auth_key={timestamp}-{rand}-{uid}-{md5}`, timestamp in Unix seconds. Only a 10-digit timestamp is
 *   type A: one VOD document describes a `YYYYMMDDHHMM` form instead, which is not taken as a time.
 * - Type B: `/{YYYYMMDDHHMM in UTC+8}/{md5}/path`.
 * - Type C: `/{md5}/{timestamp as 8 hex digits}/path`. Its query form (`?KEY1=md5&KEY2=hextime`) uses parameter
 *   names each domain chooses, so it cannot be told apart from ordinary parameters and is not recognised.
 *
 * A signed URL stays valid until its timestamp plus the domain's validity (AUTH_KEY_VALIDITY_S).
 */

/** The signing type and the signing time of a URL. */
export interface UrlSignature {
  readonly type: 'A' | 'B' | 'C';
  readonly signedAtMs: number;
}

const TYPE_A_VALUE = /^(\d{10})-[^-]*-[^-]*-[^-]+$/;
const TYPE_B_PATH = /^\/(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})\/[0-9a-fA-F]{32}\//;
const TYPE_C_PATH = /^\/[0-9a-fA-F]{32}\/([0-9a-fA-F]{8})\//;
const UTC_PLUS_8_MS = 8 * 3_600_000;

/** The signature a URL carries, or undefined when it carries none this module recognises. */
export function readUrlSignature(url: string): UrlSignature | undefined {
  const schemeEnd = url.indexOf('://');
  if (schemeEnd < 0) return undefined;
  const fragment = url.indexOf('#');
  const end = fragment < 0 ? url.length : fragment;
  const queryStart = url.indexOf('?');
  const pathStart = url.indexOf('/', schemeEnd + 3);
  const pathEnd = queryStart >= 0 && queryStart < end ? queryStart : end;
  if (queryStart >= 0 && queryStart < end) {
    const typeA = readTypeA(url, queryStart + 1, end);
    if (typeA) return typeA;
  }
  if (pathStart < 0 || pathStart > pathEnd) return undefined;
  const path = url.slice(pathStart, pathEnd);
  return readTypeB(path) ?? readTypeC(path);
}

/** The first `auth_key=` parameter of the query (the text between `?` and `#`), read as type A. */
function readTypeA(url: string, queryStart: number, queryEnd: number): UrlSignature | undefined {
  let at = url.indexOf('auth_key=', queryStart);
  // Only a whole parameter name counts: `my_auth_key=` is not one.
  while (at >= 0 && at < queryEnd && url.charCodeAt(at - 1) !== 0x3f && url.charCodeAt(at - 1) !== 0x26)
    at = url.indexOf('auth_key=', at + 1);
  if (at < 0 || at >= queryEnd) return undefined;
  const valueStart = at + 'auth_key='.length;
  const ampersand = url.indexOf('&', valueStart);
  const valueEnd = ampersand < 0 || ampersand > queryEnd ? queryEnd : ampersand;
  const match = TYPE_A_VALUE.exec(url.slice(valueStart, valueEnd));
  return match ? { type: 'A', signedAtMs: Number(match[1]) * 1000 } : undefined;
}

function readTypeB(path: string): UrlSignature | undefined {
  const match = TYPE_B_PATH.exec(path);
  if (!match) return undefined;
  const [year, month, day, hours, minutes] = match.slice(1, 6).map(Number) as [number, number, number, number, number];
  const localMs = Date.UTC(year, month - 1, day, hours, minutes);
  const check = new Date(localMs);
  // Twelve digits that are no real date and time are a path that only looks signed.
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day || check.getUTCHours() !== hours) {
    return undefined;
  }
  if (check.getUTCMinutes() !== minutes) return undefined;
  return { type: 'B', signedAtMs: localMs - UTC_PLUS_8_MS };
}

function readTypeC(path: string): UrlSignature | undefined {
  const match = TYPE_C_PATH.exec(path);
  return match ? { type: 'C', signedAtMs: Number.parseInt(match[1] ?? '', 16) * 1000 } : undefined;
}
