/**
 * Where JSON text first goes wrong, as line and column, without quoting it: JSON.parse's own messages quote
 * the text on Node 20 (and plans carry `auth_key` values) and give no line. Only run after JSON.parse failed,
 * so the happy path pays nothing. Iterative, so deeply nested input cannot overflow the stack.
 */

/** A 1-based line and column (columns count UTF-16 units, as editors on the web do). */
export interface TextPosition {
  readonly line: number;
  readonly column: number;
}

enum Expect {
  Value,
  KeyOrEnd,
  Key,
  ValueOrEnd,
  AfterValue,
}

const OBJECT = 1;
const ARRAY = 2;

/** The offset of the first syntax error in `text`, or -1 when it is valid JSON. */
export function findJsonSyntaxErrorOffset(text: string): number {
  const stack: number[] = [];
  let expect = Expect.Value;
  let index = 0;
  const length = text.length;
  for (;;) {
    index = skipWhitespace(text, index);
    const char = text.charCodeAt(index);
    if ((expect === Expect.KeyOrEnd && char === 0x7d) || (expect === Expect.ValueOrEnd && char === 0x5d)) {
      stack.pop();
      index += 1;
      expect = Expect.AfterValue;
    } else if (expect === Expect.KeyOrEnd || expect === Expect.Key) {
      if (char !== 0x22) return index;
      index = skipString(text, index);
      if (index < 0) return -index - 1;
      index = skipWhitespace(text, index);
      if (text.charCodeAt(index) !== 0x3a) return index;
      index += 1;
      expect = Expect.Value;
    } else if (expect === Expect.Value || expect === Expect.ValueOrEnd) {
      if (char === 0x7b || char === 0x5b) {
        stack.push(char === 0x7b ? OBJECT : ARRAY);
        index += 1;
        expect = char === 0x7b ? Expect.KeyOrEnd : Expect.ValueOrEnd;
        continue;
      }
      const end = char === 0x22 ? skipString(text, index) : skipScalar(text, index);
      if (end < 0) return -end - 1;
      index = end;
      expect = Expect.AfterValue;
    } else {
      const container = stack[stack.length - 1];
      if (container === undefined) return index === length ? -1 : index;
      if (char === 0x2c) {
        index += 1;
        expect = container === OBJECT ? Expect.Key : Expect.Value;
      } else if ((char === 0x7d && container === OBJECT) || (char === 0x5d && container === ARRAY)) {
        stack.pop();
        index += 1;
      } else {
        return index;
      }
    }
  }
}

/** The 1-based line and column of `offset` in `text`. */
export function positionOf(text: string, offset: number): TextPosition {
  let line = 1;
  let lineStart = 0;
  for (let index = 0; index < offset && index < text.length; index += 1) {
    if (text.charCodeAt(index) === 0x0a) {
      line += 1;
      lineStart = index + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

function skipWhitespace(text: string, start: number): number {
  let index = start;
  for (;;) {
    const char = text.charCodeAt(index);
    if (char !== 0x20 && char !== 0x09 && char !== 0x0a && char !== 0x0d) return index;
    index += 1;
  }
}

/** The offset after a string starting at `start`, or -(error offset) - 1. */
function skipString(text: string, start: number): number {
  let index = start + 1;
  for (;;) {
    if (index >= text.length) return -index - 1;
    const char = text.charCodeAt(index);
    if (char === 0x22) return index + 1;
    if (char < 0x20) return -index - 1;
    if (char === 0x5c) {
      const escaped = text.charCodeAt(index + 1);
      if (escaped === 0x75) {
        for (let digit = 2; digit < 6; digit += 1) {
          if (!isHexDigit(text.charCodeAt(index + digit))) return -(index + digit) - 1;
        }
        index += 6;
        continue;
      }
      // " \ / b f n r t
      if (![0x22, 0x5c, 0x2f, 0x62, 0x66, 0x6e, 0x72, 0x74].includes(escaped)) return -(index + 1) - 1;
      index += 2;
      continue;
    }
    index += 1;
  }
}

/** The offset after a number or literal starting at `start`, or -(error offset) - 1. */
function skipScalar(text: string, start: number): number {
  for (const literal of ['true', 'false', 'null']) {
    if (text.startsWith(literal, start)) return start + literal.length;
  }
  let index = start;
  if (text.charCodeAt(index) === 0x2d) index += 1;
  if (text.charCodeAt(index) === 0x30) {
    index += 1;
  } else if (isDigit(text.charCodeAt(index))) {
    while (isDigit(text.charCodeAt(index))) index += 1;
  } else {
    return -index - 1;
  }
  if (text.charCodeAt(index) === 0x2e) {
    index += 1;
    if (!isDigit(text.charCodeAt(index))) return -index - 1;
    while (isDigit(text.charCodeAt(index))) index += 1;
  }
  const exponent = text.charCodeAt(index);
  if (exponent === 0x65 || exponent === 0x45) {
    index += 1;
    const sign = text.charCodeAt(index);
    if (sign === 0x2b || sign === 0x2d) index += 1;
    if (!isDigit(text.charCodeAt(index))) return -index - 1;
    while (isDigit(text.charCodeAt(index))) index += 1;
  }
  return index;
}

function isDigit(char: number): boolean {
  return char >= 0x30 && char <= 0x39;
}

function isHexDigit(char: number): boolean {
  return isDigit(char) || (char >= 0x41 && char <= 0x46) || (char >= 0x61 && char <= 0x66);
}
