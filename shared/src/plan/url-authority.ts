/**
 * The host and port of a URL the schema already matched (`scheme://authority/...`, no user info): the host must
 * be a real host name in ASCII (internationalised names in their `xn--` form) or an IP literal, the port 1-65535.
 * The schema's character classes cannot say either; the API and the player's resolver can only use such hosts.
 */

/** What is wrong with a URL's authority, or undefined when nothing is. */
export type AuthorityProblem = 'host' | 'port' | undefined;

const HOST_NAME_MAX_CHARS = 253;
const ALL_DIGITS = /^\d+$/;

/** Checks the authority of `url` (everything between `://` and the first `/`, `?` or `#`). */
export function checkUrlAuthority(url: string): AuthorityProblem {
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
export function isHostName(host: string): boolean {
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
