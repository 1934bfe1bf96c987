/**
 * The host and port of a URL the schema already matched (`scheme://authority/...`, no user info): the host must
 * be a real host name in ASCII (internationalised names in their `xn--` form) or an IP literal, the port 1-65535.
 * The schema's character classes cannot say either; the API and the player's resolver can only use such hosts.
 */

/** What is wrong with a URL's authority, or undefined when nothing is. */
export type AuthorityProblem = 'host' | 'port' | undefined;

const HOST_NAME_MAX_CHARS = 253;

/** Checks the authority of `url` (everything between `://` and the first `/`, `?` or `#`). */
export function checkUrlAuthority(url: string): AuthorityProblem {
  const start = url.indexOf('://');
  if (start < 0) return 'host';
  const authorityStart = start + 3;
  // Indices, not slices: one pass finds the authority's end and its last colon, which splits host from port.
  let authorityEnd = url.length;
  let lastColon = -1;
  for (let index = authorityStart; index < url.length; index += 1) {
    const char = url.charCodeAt(index);
    if (char === 0x2f || char === 0x3f || char === 0x23) {
      authorityEnd = index;
      break;
    }
    if (char === 0x3a) lastColon = index;
  }
  if (url.charCodeAt(authorityStart) === 0x5b && authorityStart < authorityEnd)
    return checkBracketedAuthority(url.slice(authorityStart, authorityEnd));
  const hostEnd = lastColon < 0 ? authorityEnd : lastColon;
  if (!isHostNameIn(url, authorityStart, hostEnd)) return 'host';
  if (lastColon >= 0 && !isPortIn(url, lastColon + 1, authorityEnd)) return 'port';
  return undefined;
}

/** `[IPv6]` or `[IPv6]:port`. */
function checkBracketedAuthority(authority: string): AuthorityProblem {
  const close = authority.indexOf(']');
  if (close < 0) return 'host';
  const host = authority.slice(1, close);
  const rest = authority.slice(close + 1);
  if (rest !== '' && !rest.startsWith(':')) return 'host';
  const port = rest === '' ? undefined : rest.slice(1);
  if (!isIPv6(host)) return 'host';
  if (port !== undefined && !isPortIn(port, 0, port.length)) return 'port';
  return undefined;
}

/** A DNS host name (dot-separated LDH labels) or a dotted IPv4 address; a name whose last label is numeric must be IPv4. */
export function isHostName(host: string): boolean {
  return isHostNameIn(host, 0, host.length);
}

/** isHostName of `text` from `start` up to (not including) `end`. */
function isHostNameIn(text: string, start: number, end: number): boolean {
  const length = end - start;
  if (length <= 0 || length > HOST_NAME_MAX_CHARS) return false;
  // One pass over the characters: labels of 1-63 letters, digits and inner hyphens.
  let labelStart = start;
  let lastLabelAllDigits = true;
  for (let index = start; index <= end; index += 1) {
    const char = index < end ? text.charCodeAt(index) : 0x2e;
    if (char === 0x2e) {
      const labelLength = index - labelStart;
      if (labelLength < 1 || labelLength > 63) return false;
      if (text.charCodeAt(labelStart) === 0x2d || text.charCodeAt(index - 1) === 0x2d) return false;
      labelStart = index + 1;
      if (index < end) lastLabelAllDigits = true;
      continue;
    }
    const isDigit = char >= 0x30 && char <= 0x39;
    const isLetter = (char >= 0x41 && char <= 0x5a) || (char >= 0x61 && char <= 0x7a);
    if (!isDigit && !isLetter && char !== 0x2d) return false;
    if (!isDigit) lastLabelAllDigits = false;
  }
  // A name whose last label is numeric would be read as an IPv4 address, so it must be a valid one.
  return lastLabelAllDigits ? isIPv4(text.slice(start, end)) : true;
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

function groupsOf(half: string | undefined): string[] {
  return half === undefined || half === '' ? [] : half.split(':');
}

/** 1 to 5 ASCII digits from `start` up to `end`, making 1-65535. */
function isPortIn(text: string, start: number, end: number): boolean {
  const length = end - start;
  if (length < 1 || length > 5) return false;
  let port = 0;
  for (let index = start; index < end; index += 1) {
    const digit = text.charCodeAt(index) - 0x30;
    if (digit < 0 || digit > 9) return false;
    port = port * 10 + digit;
  }
  return port >= 1 && port <= 65_535;
}
