/**
 * One pass over a string's UTF-16 code units that answers every per-character question validation asks: is it
 * well-formed Unicode (no lone surrogate, which percent-encoding cannot encode), does it hold a control or
 * bidi-control character, and how long is it once percent-encoded for the form body. No per-character
 * allocation, no regular expression, so a 100-item plan costs one linear scan per string.
 */

/** What one scan of a string found. */
export interface TextScan {
  /** False when a surrogate has no partner: such a string cannot be UTF-8 encoded, so it cannot be signed. */
  readonly wellFormed: boolean;
  /** True when a C0, DEL, C1 or bidi-control character occurs (only looked for when asked). */
  readonly hasControlCharacter: boolean;
  /** Characters once percent-encoded as Alibaba signs (only A-Z a-z 0-9 - _ . ~ stay literal); valid when well-formed. */
  readonly encodedLength: number;
}

// Fast answers for the common strings; each falls back to scanText when it cannot answer alone.
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
// Without the `u` flag this matches single UTF-16 units, so any surrogate, paired or lone; on a one-byte string
// V8 answers it without reading the characters.
const ANY_SURROGATE = /[\ud800-\udfff]/;

/** scanText(text, false).wellFormed, without the scan when the string holds no surrogate at all. */
export function isWellFormedText(text: string): boolean {
  return !ANY_SURROGATE.test(text) || scanText(text, false).wellFormed;
}

/** What scanText(name, true) says of well-formedness and controls, without the scan for printable ASCII names. */
export function scanName(name: string): Pick<TextScan, 'wellFormed' | 'hasControlCharacter'> {
  return PRINTABLE_ASCII.test(name) ? PLAIN_NAME : scanText(name, true);
}

const PLAIN_NAME = { wellFormed: true, hasControlCharacter: false } as const;

/** The most characters one UTF-16 unit can take once percent-encoded (a 3-byte UTF-8 character, 3 x `%XX`). */
export const MAX_ENCODED_CHARS_PER_UNIT = 9;

/** Scans `text` once; `lookForControls` adds the control and bidi-control check that ItemName needs. */
export function scanText(text: string, lookForControls: boolean): TextScan {
  let encodedLength = 0;
  let wellFormed = true;
  let hasControlCharacter = false;
  const length = text.length;
  for (let index = 0; index < length; index += 1) {
    const unit = text.charCodeAt(index);
    if (unit < 0x80) {
      encodedLength += isUnreserved(unit) ? 1 : 3;
      if (lookForControls && (unit < 0x20 || unit === 0x7f)) hasControlCharacter = true;
    } else if (unit < 0x800) {
      encodedLength += 6;
      if (lookForControls && (unit <= 0x9f || unit === 0x61c)) hasControlCharacter = true;
    } else if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = index + 1 < length ? text.charCodeAt(index + 1) : 0;
      if (next >= 0xdc00 && next <= 0xdfff) {
        encodedLength += 12;
        index += 1;
      } else {
        wellFormed = false;
      }
    } else if (unit >= 0xdc00 && unit <= 0xdfff) {
      wellFormed = false;
    } else {
      encodedLength += 9;
      if (lookForControls && isBidiControl(unit)) hasControlCharacter = true;
    }
  }
  return { wellFormed, hasControlCharacter, encodedLength };
}

/** RFC 3986 unreserved: the only characters percentEncode leaves as they are. */
function isUnreserved(unit: number): boolean {
  return (
    (unit >= 0x30 && unit <= 0x39) ||
    (unit >= 0x41 && unit <= 0x5a) ||
    (unit >= 0x61 && unit <= 0x7a) ||
    unit === 0x2d ||
    unit === 0x2e ||
    unit === 0x5f ||
    unit === 0x7e
  );
}

/** Characters that reorder displayed text (LRM/RLM, embeddings and overrides, isolates) and so can disguise a name. */
function isBidiControl(unit: number): boolean {
  return unit === 0x200e || unit === 0x200f || (unit >= 0x202a && unit <= 0x202e) || (unit >= 0x2066 && unit <= 0x2069);
}
