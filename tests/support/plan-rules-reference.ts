/**
 * The plan rules' first, straightforward implementations (regular expressions, slices, Date), kept as oracles:
 * the fast implementations in shared/src/plan must give the same answer for every input.
 */
import type { StartTimeReading } from '../../shared/src/plan/start-time';
import type { AuthorityProblem } from '../../shared/src/plan/url-authority';
import type { UrlSignature } from '../../shared/src/plan/url-signature';

const START_TIME_WITH_OFFSET = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:Z|([+-])(\d{2}):(\d{2}))$/;

/** Reads `yyyy-MM-ddTHH:mm:ss` with `Z` or `±HH:MM`; the components must name a real local date and time. */
export function readStartTimeByRegex(text: string): StartTimeReading {
  if (text.length > 25) return { ok: false, problem: 'format' };
  const match = START_TIME_WITH_OFFSET.exec(text);
  if (!match) return { ok: false, problem: 'format' };
  const [year, month, day, hours, minutes, seconds] = match.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const sign = match[7];
  const offsetHours = Number(match[8] ?? 0);
  const offsetMinutes = Number(match[9] ?? 0);
  if (offsetHours > 23 || offsetMinutes > 59) return { ok: false, problem: 'impossible' };
  // Date.UTC maps years 0-99 to 1900-1999; setUTCFullYear does not, so every four-digit year round-trips.
  const date = new Date(Date.UTC(2000, 0, 1));
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hours, minutes, seconds, 0);
  // Date normalises overflow (Feb 30 becomes Mar 2), so any change in a component means it did not exist.
  const exists =
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day &&
    date.getUTCHours() === hours &&
    date.getUTCMinutes() === minutes &&
    date.getUTCSeconds() === seconds;
  if (!exists) return { ok: false, problem: 'impossible' };
  const offsetMs = (sign === '-' ? -1 : 1) * (offsetHours * 60 + offsetMinutes) * 60_000;
  const epochMs = date.getTime() - offsetMs;
  return { ok: true, epochMs, utcText: sign === undefined ? text : `${new Date(epochMs).toISOString().slice(0, -5)}Z` };
}

const HOST_NAME_MAX_CHARS = 253;
const ALL_DIGITS = /^\d+$/;

/** Checks the authority of `url` (everything between `://` and the first `/`, `?` or `#`). */
export function checkUrlAuthorityBySlices(url: string): AuthorityProblem {
  const start = url.indexOf('://');
  if (start < 0) return 'host';
  const authorityStart = start + 3;
  let authorityEnd = url.length;
  for (let index = authorityStart; index < url.length; index += 1) {
    const char = url.charCodeAt(index);
    if (char === 0x2f || char === 0x3f || char === 0x23) {
      authorityEnd = index;
      break;
    }
  }
  const authority = url.slice(authorityStart, authorityEnd);
  let host: string;
  let port: string | undefined;
  if (authority.startsWith('[')) {
    const close = authority.indexOf(']');
    if (close < 0) return 'host';
    host = authority.slice(1, close);
    const rest = authority.slice(close + 1);
    if (rest !== '' && !rest.startsWith(':')) return 'host';
    port = rest === '' ? undefined : rest.slice(1);
    if (!isIPv6(host)) return 'host';
  } else {
    const colon = authority.lastIndexOf(':');
    host = colon < 0 ? authority : authority.slice(0, colon);
    port = colon < 0 ? undefined : authority.slice(colon + 1);
    if (!isHostName(host)) return 'host';
  }
  if (port !== undefined && !isPort(port)) return 'port';
  return undefined;
}

/** A DNS host name (dot-separated LDH labels) or a dotted IPv4 address; a name whose last label is numeric must be IPv4. */
function isHostName(host: string): boolean {
  if (host === '' || host.length > HOST_NAME_MAX_CHARS) return false;
  // One pass over the characters: labels of 1-63 letters, digits and inner hyphens.
  let labelStart = 0;
  let lastLabelAllDigits = true;
  for (let index = 0; index <= host.length; index += 1) {
    const char = index < host.length ? host.charCodeAt(index) : 0x2e;
    if (char === 0x2e) {
      const labelLength = index - labelStart;
      if (labelLength < 1 || labelLength > 63) return false;
      if (host.charCodeAt(labelStart) === 0x2d || host.charCodeAt(index - 1) === 0x2d) return false;
      labelStart = index + 1;
      if (index < host.length) lastLabelAllDigits = true;
      continue;
    }
    const isDigit = char >= 0x30 && char <= 0x39;
    const isLetter = (char >= 0x41 && char <= 0x5a) || (char >= 0x61 && char <= 0x7a);
    if (!isDigit && !isLetter && char !== 0x2d) return false;
    if (!isDigit) lastLabelAllDigits = false;
  }
  // A name whose last label is numeric would be read as an IPv4 address, so it must be a valid one.
  return lastLabelAllDigits ? isIPv4(host) : true;
}

const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
const HEX_GROUP = /^[0-9A-Fa-f]{1,4}$/;

/** Dotted-quad IPv4, each part 0-255 without leading zeros. */
function isIPv4(text: string): boolean {
  return IPV4.test(text);
}

/** RFC 4291 text form: eight hex groups, one `::` for a run of zeros, an IPv4 tail allowed; no zone id. */
function isIPv6(text: string): boolean {
  const halves = text.split('::');
  if (halves.length > 2) return false;
  const groupsOf = (half: string | undefined): string[] => (half === undefined || half === '' ? [] : half.split(':'));
  const head = groupsOf(halves[0]);
  const tail = groupsOf(halves[1]);
  const all = [...head, ...tail];
  const last = all[all.length - 1];
  let groupCount = all.length;
  if (last?.includes('.')) {
    if (!isIPv4(last)) return false;
    all.pop();
    groupCount += 1;
  }
  if (!all.every((group) => HEX_GROUP.test(group))) return false;
  return halves.length === 2 ? groupCount <= 7 : groupCount === 8;
}

function isPort(text: string): boolean {
  if (text.length < 1 || text.length > 5 || !ALL_DIGITS.test(text)) return false;
  const port = Number(text);
  return port >= 1 && port <= 65_535;
}

const TYPE_A_VALUE = /^(\d{10})-[^-]*-[^-]*-[^-]+$/;
const TYPE_B_PATH = /^\/(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})\/[0-9a-fA-F]{32}\//;
const TYPE_C_PATH = /^\/[0-9a-fA-F]{32}\/([0-9a-fA-F]{8})\//;
const UTC_PLUS_8_MS = 8 * 3_600_000;

/** The signature a URL carries, or undefined when it carries none this module recognises. */
export function readUrlSignatureBySlices(url: string): UrlSignature | undefined {
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
