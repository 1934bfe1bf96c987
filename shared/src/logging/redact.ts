import { percentEncode } from '../signing/percent-encode';

/** Placeholder that replaces every secret in logs, errors and output. */
export const REDACTED = '<redacted>';

// Keys whose values are always secret, whatever they hold. ClientToken is deliberately absent: it is an
// idempotency key that operators need to see.
const SECRET_KEY =
  /^(accesskeysecret|access_key_secret|securitytoken|security_token|security-token|x-acs-security-token|x-oss-security-token|x-amz-security-token|signature|x-oss-signature|x-amz-signature|authorization|password|secret)$/i;

/**
 * Query and fragment parameters of a URL whose values stay visible: they describe the media, never grant access
 * to it. Every other value is redacted, whatever its name: signing schemes keep inventing names (OSS V1
 * `Signature` and `OSSAccessKeyId`, OSS V4 `x-oss-credential`, S3 `X-Amz-Signature`, STS `security-token`,
 * CDN `auth_key`, `token`, `sign`...), so a list of secret names always lags behind.
 */
const SHOWN_PARAMETERS: ReadonlySet<string> = new Set(['format']);

// Where a URL starts in text: `://` as is, percent-encoded once (a URL inside a signed query or form body) or
// twice (inside the string-to-sign that the API echoes with SignatureDoesNotMatch).
const URL_SEPARATOR = /:\/\/|%3A%2F%2F|%253A%252F%252F/gi;

// Parameters that carry a secret wherever they appear, even outside a recognisable URL (a query string quoted
// alone, an Authorization header), followed by `=` as is or percent-encoded once or twice.
const SECRET_PARAMETER =
  /(?:auth_key|signature|security[-_]?token|x-acs-security-token|x-oss-signature|x-oss-security-token|x-oss-credential|x-amz-signature|x-amz-credential|x-amz-security-token|ossaccesskeyid|access_token|token|sign)(?:=|%3D|%253D)/gi;

// The emulator's narrower rule (it shows what the studio received, redacting only `auth_key` values).
const AUTH_KEY_IN_URL = /(auth_key=)[^&#\s"'<>]*/gi;
const AUTH_KEY_IN_ENCODED_URL = /(auth_key(?:%3D|%253D))(?:(?!%26|%2526)[^&#\s"'<>])*/gi;

// Each secret with the forms it takes on the wire, computed once when it is registered.
const knownSecrets = new Map<string, readonly string[]>();
const MAX_KNOWN_SECRETS = 64;

/** Remembers a secret value (an AccessKey secret, an STS token) so it is scrubbed wherever it appears. */
export function registerSecret(value: string | undefined): void {
  if (!value || value.length < 6 || knownSecrets.has(value)) return;
  // STS credentials rotate; keep the newest few so the set stays small on a long-lived instance.
  if (knownSecrets.size >= MAX_KNOWN_SECRETS) knownSecrets.delete(knownSecrets.keys().next().value as string);
  knownSecrets.set(value, secretForms(value));
}

/**
 * The secret as is, percent-encoded once (signed query strings and form bodies) and twice (the string-to-sign
 * that SignatureDoesNotMatch echoes: an STS token with `+`, `/` or `=` appears there as `%252B`, `%252F`, `%253D`).
 * Most-encoded first, so a longer form is never left half-replaced by a shorter one.
 */
export function secretForms(secret: string): string[] {
  let once: string;
  try {
    once = percentEncode(secret);
  } catch {
    return [secret]; // A lone surrogate cannot be percent-encoded, so it cannot be on the wire that way either.
  }
  return [...new Set([percentEncode(once), once, encodeURIComponent(secret), secret])];
}

/** True for a key whose value is secret whatever it holds (AccessKeySecret, SecurityToken, Signature...). */
export function isSecretKey(name: string): boolean {
  return SECRET_KEY.test(name);
}

/** Replaces `auth_key` values in URLs, plain or percent-encoded once or twice, inside free text (the emulator's rule). */
export function redactAuthKeys(text: string): string {
  return text.replace(AUTH_KEY_IN_URL, `$1${REDACTED}`).replace(AUTH_KEY_IN_ENCODED_URL, `$1${REDACTED}`);
}

/** Replaces every wire form (see secretForms) of the given secrets inside free text. */
export function redactSecretForms(text: string, formsPerSecret: Iterable<readonly string[]>): string {
  let result = text;
  for (const forms of formsPerSecret) {
    for (const form of forms) {
      if (result.includes(form)) result = result.split(form).join(REDACTED);
    }
  }
  return result;
}

/**
 * Text safe to show: in every URL (as is, or percent-encoded once or twice) every query and fragment value but
 * the harmless few, user info and path signatures (CDN auth types B and C); values of secret-named parameters
 * outside URLs; and registered secrets.
 */
export function redactText(text: string): string {
  return redactSecretForms(redactSecretParameters(redactUrls(text)), knownSecrets.values());
}

/** A deep copy of a value with secret keys, URL query values and registered secrets redacted. */
export function redact(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth > 8) return '[too deep]';
  if (value instanceof Error) return redactError(value, depth);
  if (Array.isArray(value)) return value.map((entry) => redact(entry, depth + 1));
  const copy: Record<string, unknown> = {};
  for (const [key, entry] of Object.entries(value)) {
    copy[key] = SECRET_KEY.test(key) && entry !== undefined && entry !== '' ? REDACTED : redact(entry, depth + 1);
  }
  return copy;
}

function redactError(error: Error, depth: number): Record<string, unknown> {
  const fields: Record<string, unknown> = { name: error.name, message: redactText(error.message) };
  for (const key of ['code', 'requestId', 'httpStatus', 'action', 'retryAfterMs', 'fieldErrors'] as const) {
    const entry: unknown = Reflect.get(error, key);
    if (entry !== undefined) fields[key] = redact(entry, depth + 1);
  }
  if (error.cause !== undefined) fields['cause'] = redact(error.cause, depth + 1);
  return fields;
}

/** The values of secret-named parameters (SECRET_PARAMETER) anywhere in text, as is or percent-encoded. */
function redactSecretParameters(text: string): string {
  // A cheap native scan first: most log strings hold neither an `=` nor a `%`.
  if (!text.includes('=') && !text.includes('%')) return text;
  const edits: number[] = [];
  SECRET_PARAMETER.lastIndex = 0;
  for (let match = SECRET_PARAMETER.exec(text); match !== null; match = SECRET_PARAMETER.exec(text)) {
    if (!startsName(text, match.index)) continue; // inside a longer name: ClientToken=, design=
    const valueStart = match.index + match[0].length;
    const encoded = match[0].charCodeAt(match[0].length - 1) !== EQUALS;
    let end = valueStart;
    while (end < text.length) {
      const code = text.charCodeAt(end);
      if (endsUrlInText(code) || code === AMPERSAND || code === HASH) break;
      // Percent-encoded, the value ends at the encoded `&` (`%26`, or `%2526` twice encoded).
      if (encoded && code === PERCENT && (text.startsWith('26', end + 1) || text.startsWith('2526', end + 1))) break;
      end += 1;
    }
    if (end > valueStart) edits.push(valueStart, end);
  }
  return edits.length === 0 ? text : applyEdits(text, edits);
}

/** True when a parameter name starts at `at`: after a character no name holds, or after an encoded `?` or `&` (once or twice). */
function startsName(text: string, at: number): boolean {
  if (at === 0) return true;
  const before = text.charCodeAt(at - 1);
  const nameChar =
    (before >= 0x61 && before <= 0x7a) ||
    (before >= 0x41 && before <= 0x5a) ||
    (before >= 0x30 && before <= 0x39) ||
    before === 0x5f ||
    before === 0x2d ||
    before === 0x2e;
  if (!nameChar) return true;
  const before5 = text.slice(Math.max(0, at - 5), at).toUpperCase();
  return before5.endsWith('%3F') || before5.endsWith('%26') || before5 === '%253F' || before5 === '%2526';
}

// ---------------------------------------------------------------------------------------------------------
// URLs in text. One pass per URL over its characters, decoding percent-encoding on the fly, so a URL written as
// is, inside a signed query (`%3F`, `%3D`, `%26`) or inside an echoed string-to-sign (`%253F`...) is read alike.

const SLASH = 0x2f;
const QUESTION = 0x3f;
const HASH = 0x23;
const AMPERSAND = 0x26;
const EQUALS = 0x3d;
const AT = 0x40;
const PERCENT = 0x25;

// A CDN path signature (auth types B and C: `/{timestamp}/{md5hash}/path`, `/{md5hash}/{timestamp}/path`):
// a hash segment (32 to 128 hex digits) next to a timestamp segment (YYYYMMDDHHMM, Unix seconds or their hex:
// 8 to 14 hex digits).
const HASH_SEGMENT_MIN = 32;
const HASH_SEGMENT_MAX = 128;
const STAMP_SEGMENT_MIN = 8;
const STAMP_SEGMENT_MAX = 14;
const MAX_SHOWN_NAME_CHARS = Math.max(...[...SHOWN_PARAMETERS].map((name) => name.length));

// What a path segment is (plain numbers: this runs per character of every URL logged).
const SEGMENT_OTHER = 0;
const SEGMENT_HASH = 1;
const SEGMENT_STAMP = 2;
// Which part of a URL is being read.
const PART_AUTHORITY = 0;
const PART_PATH = 1;
const PART_PARAMETERS = 2;

/** The code of the character readUnit last read. */
let unitCode = 0;

/**
 * The length in `text` of the URL character at `i` written at `level` (0 as is, 1 percent-encoded once, 2 twice),
 * its code left in unitCode; 0 when what is there cannot belong to a URL written at that level.
 */
function readUnit(text: string, i: number, level: number): number {
  const code = text.charCodeAt(i);
  if (level === 0) {
    unitCode = code;
    return 1;
  }
  if (code !== PERCENT) {
    // Percent-encoders leave only these literal; anything else (a raw `&`, `=`, `:`) belongs to the outer text.
    if (!isLiteralWhenEncoded(code)) return 0;
    unitCode = code;
    return 1;
  }
  let at = i + 1;
  for (let extra = 1; extra < level; extra += 1) {
    if (text.charCodeAt(at) !== 0x32 || text.charCodeAt(at + 1) !== 0x35) return 0; // `%XX` of a lower level
    at += 2;
  }
  const high = hexValue(text.charCodeAt(at));
  const low = hexValue(text.charCodeAt(at + 1));
  if (high < 0 || low < 0) return 0;
  unitCode = high * 16 + low;
  return at + 2 - i;
}

function isLiteralWhenEncoded(code: number): boolean {
  return (
    (code >= 0x61 && code <= 0x7a) || // a-z
    (code >= 0x41 && code <= 0x5a) || // A-Z
    (code >= 0x30 && code <= 0x39) || // 0-9
    code === 0x2d || // -
    code === 0x5f || // _
    code === 0x2e || // .
    code === 0x7e || // ~
    code === 0x21 || // !
    code === 0x2a || // *
    code === 0x27 || // '
    code === 0x28 || // (
    code === 0x29 // )
  );
}

function hexValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  if (code >= 0x61 && code <= 0x66) return code - 0x57;
  if (code >= 0x41 && code <= 0x46) return code - 0x37;
  return -1;
}

/** True for what ends a URL inside a sentence: whitespace and controls, quotes, angle brackets, backquote, backslash. */
function endsUrlInText(code: number): boolean {
  return (
    code <= 0x20 || code === 0x7f || code === 0x22 || code === 0x27 || code === 0x3c || code === 0x3e || code === 0x60 || code === 0x5c
  );
}

/** Where the scheme before the `://` at `separator` begins, or -1 when no scheme precedes it. */
function schemeStart(text: string, separator: number): number {
  let start = separator;
  while (start > 0) {
    const code = text.charCodeAt(start - 1);
    const isSchemeChar =
      (code >= 0x61 && code <= 0x7a) ||
      (code >= 0x41 && code <= 0x5a) ||
      (code >= 0x30 && code <= 0x39) ||
      code === 0x2b ||
      code === 0x2d ||
      code === 0x2e;
    if (!isSchemeChar) break;
    start -= 1;
  }
  return start < separator ? start : -1;
}

/** The text with every edit (pairs of start, end offsets) replaced by REDACTED; overlapping edits are merged. */
function applyEdits(text: string, edits: number[]): string {
  let ordered = edits;
  for (let index = 2; index < edits.length; index += 2) {
    if ((edits[index] as number) < (edits[index - 2] as number)) {
      // Only a URL read inside another one (more encoded, in its path or value) adds edits out of order.
      const pairs: [number, number][] = [];
      for (let pair = 0; pair < edits.length; pair += 2) pairs.push([edits[pair] as number, edits[pair + 1] as number]);
      pairs.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
      ordered = pairs.flat();
      break;
    }
  }
  let result = '';
  let copiedUpTo = 0;
  for (let index = 0; index < ordered.length; index += 2) {
    const start = ordered[index] as number;
    const end = ordered[index + 1] as number;
    if (end <= copiedUpTo) continue; // inside an edit already made (a URL nested in a redacted value)
    result += start >= copiedUpTo ? `${text.slice(copiedUpTo, start)}${REDACTED}` : '';
    copiedUpTo = end;
  }
  return result + text.slice(copiedUpTo);
}

/** Every URL in `text` with its user info, path signatures and query and fragment values redacted. */
function redactUrls(text: string): string {
  if (!text.includes('://') && !text.includes('%')) return text;
  const edits: number[] = [];
  // Per encoding level, where the last URL read ended: a `://` inside it was read with it (a URL in a query value
  // is redacted with that value), while a more-encoded URL inside it is read on its own.
  const readUpTo = [0, 0, 0];
  URL_SEPARATOR.lastIndex = 0;
  for (let match = URL_SEPARATOR.exec(text); match !== null; match = URL_SEPARATOR.exec(text)) {
    const level = match[0].length === 3 ? 0 : match[0].length === 9 ? 1 : 2;
    if (match.index < (readUpTo[level] as number)) continue;
    // A text that is nothing but a URL (a VodUrl field) ends only at whitespace: a quote inside it is its own.
    const whole = level === 0 && schemeStart(text, match.index) === 0;
    const from = match.index + match[0].length;
    readUpTo[level] = level === 0 ? redactPlainUrlAt(text, from, whole, edits) : redactUrlAt(text, from, level, edits);
  }
  return edits.length === 0 ? text : applyEdits(text, edits);
}

// The characters that matter in a URL written as is: its delimiters, and what ends it (in a sentence, or when
// the URL is the whole text). Everything between them is skipped by the regular expression engine.
// biome-ignore lint/suspicious/noControlCharactersInRegex: a control character ends a URL
const URL_DELIMITER_IN_TEXT = /[/?#@&=\x00-\x20\x7f"'<>`\\]/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: a control character ends a URL
const URL_DELIMITER_WHOLE = /[/?#@&=\x00-\x20\x7f]/g;

/**
 * Reads the URL written as is whose authority starts at `from`, and adds to `edits` the spans to redact: user
 * info, the hash of a path signature, every query and fragment value (or valueless parameter) whose name is not
 * in SHOWN_PARAMETERS. `whole`: the URL is the whole text, so only whitespace ends it. Returns where it ends.
 * It visits only delimiters: it runs on every URL of every log line.
 */
function redactPlainUrlAt(text: string, from: number, whole: boolean, edits: number[]): number {
  const delimiter = whole ? URL_DELIMITER_WHOLE : URL_DELIMITER_IN_TEXT;
  delimiter.lastIndex = from;
  let part = PART_AUTHORITY;
  let userInfoEnd = -1;
  let segmentStart = -1;
  let previousKind = SEGMENT_OTHER;
  let previousStart = 0;
  let previousEnd = 0;
  let parameterStart = -1;
  let valueStart = -1;
  for (;;) {
    const found = delimiter.test(text);
    const at = found ? delimiter.lastIndex - 1 : text.length;
    const code = found ? text.charCodeAt(at) : -1;
    const atEnd =
      code <= 0x20 || code === 0x7f || code === 0x22 || code === 0x27 || code === 0x3c || code === 0x3e || code === 0x60 || code === 0x5c;
    if (part === PART_PARAMETERS) {
      if (atEnd || code === AMPERSAND || code === HASH) {
        if (at > parameterStart && !isShownParameter(text, parameterStart, valueStart < 0 ? at : valueStart - 1)) {
          if (valueStart < 0) edits.push(parameterStart, at);
          else if (at > valueStart) edits.push(valueStart, at);
        }
        parameterStart = at + 1;
        valueStart = -1;
      } else if (code === EQUALS && valueStart < 0) {
        valueStart = at + 1;
      }
    } else if (atEnd || code === QUESTION || code === HASH || (part === PART_PATH && code === SLASH)) {
      if (part === PART_AUTHORITY) {
        if (userInfoEnd > from) edits.push(from, userInfoEnd);
      } else {
        const kind = segmentKind(text, segmentStart, at);
        if (kind === SEGMENT_HASH && previousKind === SEGMENT_STAMP) edits.push(segmentStart, at);
        else if (kind === SEGMENT_STAMP && previousKind === SEGMENT_HASH) edits.push(previousStart, previousEnd);
        previousKind = kind;
        previousStart = segmentStart;
        previousEnd = at;
      }
      if (code === SLASH) {
        part = PART_PATH;
        segmentStart = at + 1;
      } else {
        part = PART_PARAMETERS;
        parameterStart = at + 1;
      }
    } else if (part === PART_AUTHORITY) {
      if (code === SLASH) {
        if (userInfoEnd > from) edits.push(from, userInfoEnd);
        part = PART_PATH;
        segmentStart = at + 1;
      } else if (code === AT) {
        userInfoEnd = at;
      }
    }
    if (atEnd) return at;
  }
}

/** What the path segment text[start, end) is: a hash (32 to 128 hex digits), a timestamp (8 to 14), or other. */
function segmentKind(text: string, start: number, end: number): number {
  const length = end - start;
  const kind =
    length >= HASH_SEGMENT_MIN && length <= HASH_SEGMENT_MAX
      ? SEGMENT_HASH
      : length >= STAMP_SEGMENT_MIN && length <= STAMP_SEGMENT_MAX
        ? SEGMENT_STAMP
        : SEGMENT_OTHER;
  if (kind === SEGMENT_OTHER) return kind;
  for (let at = start; at < end; at += 1) if (hexValue(text.charCodeAt(at)) < 0) return SEGMENT_OTHER;
  return kind;
}

/**
 * Reads the URL whose authority starts at `from`, percent-encoded `level` times (1 or 2), and adds to `edits` the
 * spans to redact, as redactPlainUrlAt does for a URL written as is. Character by character, decoding as it goes;
 * such URLs only turn up in the texts of failed requests.
 */
function redactUrlAt(text: string, from: number, level: number, edits: number[]): number {
  let part = PART_AUTHORITY;
  let userInfoEnd = -1;
  // Path: the segment being read (its start, how many characters, how many of them hex digits), and the one before.
  let segmentStart = -1;
  let segmentUnits = 0;
  let segmentHexUnits = 0;
  let previousKind = SEGMENT_OTHER;
  let previousStart = 0;
  let previousEnd = 0;
  // Parameters: where the one being read starts, and where its value starts (-1 before its `=`).
  let parameterStart = -1;
  let valueStart = -1;
  let at = from;
  for (;;) {
    let code = -1;
    let length = 0;
    if (at < text.length) {
      length = readUnit(text, at, level);
      code = unitCode;
      if (length === 0 || endsUrlInText(code)) length = 0;
    }
    const atEnd = length === 0;
    if (part === PART_PARAMETERS) {
      if (atEnd || code === AMPERSAND || code === HASH) {
        if (at > parameterStart) {
          const nameEnd = valueStart < 0 ? at : valueStart - 1 - 2 * level; // an encoded `=` is 1 + 2 x level long
          if (!isShownParameter(text, parameterStart, nameEnd)) {
            if (valueStart < 0) edits.push(parameterStart, at);
            else if (at > valueStart) edits.push(valueStart, at);
          }
        }
        parameterStart = at + length;
        valueStart = -1;
      } else if (code === EQUALS && valueStart < 0) {
        valueStart = at + length;
      }
    } else if (atEnd || code === QUESTION || code === HASH || (part === PART_PATH && code === SLASH)) {
      if (part === PART_AUTHORITY) {
        if (userInfoEnd > from) edits.push(from, userInfoEnd);
      } else {
        // The end of a path segment: a hash next to a timestamp is a CDN path signature.
        const allHex = segmentUnits === segmentHexUnits;
        let kind = SEGMENT_OTHER;
        if (allHex && segmentUnits >= HASH_SEGMENT_MIN && segmentUnits <= HASH_SEGMENT_MAX) kind = SEGMENT_HASH;
        else if (allHex && segmentUnits >= STAMP_SEGMENT_MIN && segmentUnits <= STAMP_SEGMENT_MAX) kind = SEGMENT_STAMP;
        if (kind === SEGMENT_HASH && previousKind === SEGMENT_STAMP) edits.push(segmentStart, at);
        else if (kind === SEGMENT_STAMP && previousKind === SEGMENT_HASH) edits.push(previousStart, previousEnd);
        previousKind = kind;
        previousStart = segmentStart;
        previousEnd = at;
        segmentUnits = 0;
        segmentHexUnits = 0;
      }
      if (code === SLASH) {
        part = PART_PATH;
        segmentStart = at + length;
      } else {
        part = PART_PARAMETERS;
        parameterStart = at + length;
      }
    } else if (part === PART_PATH) {
      segmentUnits += 1;
      if (hexValue(code) >= 0) segmentHexUnits += 1;
    } else if (code === SLASH) {
      if (userInfoEnd > from) edits.push(from, userInfoEnd);
      part = PART_PATH;
      segmentStart = at + length;
    } else if (code === AT) {
      userInfoEnd = at;
    }
    if (atEnd) return at;
    at += length;
  }
}

/** True when the parameter name written in text[start, end) is one of SHOWN_PARAMETERS (compared in lowercase). */
function isShownParameter(text: string, start: number, end: number): boolean {
  // Shown names are short plain words: anything longer, or percent-encoded, is not one of them.
  if (end - start > MAX_SHOWN_NAME_CHARS || end <= start) return false;
  return SHOWN_PARAMETERS.has(text.slice(start, end).toLowerCase());
}
