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

// Sticky: matched in place at the path's start. Neither can match a `?` or `#`, so neither runs past the path.
const TYPE_B_PATH = /\/(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})\/[0-9a-fA-F]{32}\//y;
const TYPE_C_PATH = /\/[0-9a-fA-F]{32}\/([0-9a-fA-F]{8})\//y;
const UTC_PLUS_8_MS = 8 * 3_600_000;
const AUTH_KEY_PARAMETER = 'auth_key=';

/** The signature a URL carries, or undefined when it carries none this module recognises. */
export function readUrlSignature(url: string): UrlSignature | undefined {
  const schemeEnd = url.indexOf('://');
  if (schemeEnd < 0) return undefined;
  const fragment = url.indexOf('#');
  const end = fragment < 0 ? url.length : fragment;
  const queryStart = url.indexOf('?');
  const hasQuery = queryStart >= 0 && queryStart < end;
  if (hasQuery) {
    const typeA = readTypeA(url, queryStart + 1, end);
    if (typeA) return typeA;
  }
  const pathStart = url.indexOf('/', schemeEnd + 3);
  const pathEnd = hasQuery ? queryStart : end;
  if (pathStart < 0 || pathStart > pathEnd) return undefined;
  return readTypeB(url, pathStart) ?? readTypeC(url, pathStart);
}

/** The first `auth_key=` parameter of the query (the text between `?` and `#`), read as type A. */
function readTypeA(url: string, queryStart: number, queryEnd: number): UrlSignature | undefined {
  let at = url.indexOf(AUTH_KEY_PARAMETER, queryStart);
  // Only a whole parameter name counts: `my_auth_key=` is not one.
  while (at >= 0 && at < queryEnd && url.charCodeAt(at - 1) !== 0x3f && url.charCodeAt(at - 1) !== 0x26)
    at = url.indexOf(AUTH_KEY_PARAMETER, at + 1);
  if (at < 0 || at >= queryEnd) return undefined;
  const valueStart = at + AUTH_KEY_PARAMETER.length;
  const ampersand = url.indexOf('&', valueStart);
  const valueEnd = ampersand < 0 || ampersand > queryEnd ? queryEnd : ampersand;
  const signedAtS = typeAValueTime(url, valueStart, valueEnd);
  return signedAtS < 0 ? undefined : { type: 'A', signedAtMs: signedAtS * 1000 };
}

/**
 * The timestamp of a type A value `{10 digits}-{rand}-{uid}-{md5}` (rand and uid may be empty, md5 not, no part
 * holds a `-`) between `start` and `end`, or -1 when the value is not one. Read in place, no slice, no match.
 */
function typeAValueTime(url: string, start: number, end: number): number {
  if (end - start < 14) return -1;
  let seconds = 0;
  for (let index = start; index < start + 10; index += 1) {
    const digit = url.charCodeAt(index) - 0x30;
    if (digit < 0 || digit > 9) return -1;
    seconds = seconds * 10 + digit;
  }
  if (url.charCodeAt(start + 10) !== 0x2d) return -1;
  let dashes = 0;
  let lastDash = -1;
  for (let index = start + 11; index < end; index += 1) {
    if (url.charCodeAt(index) === 0x2d) {
      dashes += 1;
      lastDash = index;
    }
  }
  return dashes === 2 && lastDash < end - 1 ? seconds : -1;
}

function readTypeB(url: string, pathStart: number): UrlSignature | undefined {
  TYPE_B_PATH.lastIndex = pathStart;
  const match = TYPE_B_PATH.exec(url);
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

function readTypeC(url: string, pathStart: number): UrlSignature | undefined {
  TYPE_C_PATH.lastIndex = pathStart;
  const match = TYPE_C_PATH.exec(url);
  return match ? { type: 'C', signedAtMs: Number.parseInt(match[1] ?? '', 16) * 1000 } : undefined;
}
