/**
 * The precompiled validator counts string lengths in code points with its own counter and lets `.length` decide
 * the limits it can; times in plan messages are formatted by arithmetic. They must say exactly what ajv's own
 * counter and Date say, for any text (astral characters and lone surrogates included) and any instant; and a
 * StartTime is refused as not real exactly when a Date round trip changes it.
 */
import ucs2length from 'ajv/dist/runtime/ucs2length';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatUtcSeconds } from '../../shared/src/plan/start-time';
import { validatePlan } from '../../shared/src/plan/validate-plan';
import { samplePlan } from '../support/plan-fixtures';

const NUM_RUNS = 500;
const ITEM_NAME_MAX = 128;
const TOO_LONG = `must be at most ${ITEM_NAME_MAX} characters`;
const EMPTY = 'must not be empty';
const NOT_REAL = 'is not a real calendar date/time';

/** UTF-16 text mixing BMP characters, surrogate pairs and lone surrogates of either kind. */
const utf16Piece = fc.oneof(
  fc.constantFrom('a', 'é', '中', ' '),
  fc.constantFrom('😀', '𝄞', '\ud83c\udfac'),
  fc.integer({ min: 0xd800, max: 0xdbff }).map((unit) => String.fromCharCode(unit)),
  fc.integer({ min: 0xdc00, max: 0xdfff }).map((unit) => String.fromCharCode(unit)),
);
// Lengths from empty to well past the limit, so that both sides of 128 code points (and of 128 units) occur.
const itemName = fc.oneof(
  fc.array(utf16Piece, { maxLength: 4 }).map((pieces) => pieces.join('')),
  fc.array(utf16Piece, { minLength: 60, maxLength: 200 }).map((pieces) => pieces.join('')),
);

/** ItemName's messages for a plan with one item of that name. */
function itemNameMessages(name: string): readonly string[] {
  const result = validatePlan(samplePlan({ Items: [{ ItemName: name, VodUrl: 'https://cdn.example.com/a/ep1.mp4' }] }));
  return result.ok ? [] : (result.fieldErrors['Items[0].ItemName'] ?? []);
}

/** The calendar by Date: set every component and see whether any of them moved. */
function existsByDate(year: number, month: number, day: number, hours: number, minutes: number, seconds: number): boolean {
  const date = new Date(Date.UTC(2000, 0, 1));
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hours, minutes, seconds, 0);
  return (
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day &&
    date.getUTCHours() === hours &&
    date.getUTCMinutes() === minutes &&
    date.getUTCSeconds() === seconds
  );
}

/** Any two digits now and then; mostly a valid value, often the last valid ones, where calendars differ. */
const twoDigits = (limit: number) =>
  fc.oneof(
    { weight: 1, arbitrary: fc.integer({ min: 0, max: 99 }) },
    { weight: 2, arbitrary: fc.integer({ min: Math.max(0, limit - 3), max: limit + 1 }) },
    { weight: 4, arbitrary: fc.integer({ min: 0, max: limit }) },
  );
// February and the 30-day months next to the others, so that leap days and day 31 come up often.
const month = fc.oneof(twoDigits(12), fc.constantFrom(2, 2, 4, 6, 9, 11));
// Century years (2100 is not a leap year, 2400 is) next to ordinary ones; StartTimes stay in the future.
const year = fc.oneof(fc.integer({ min: 2031, max: 9999 }), fc.constantFrom(2100, 2400, 2032, 2033, 9996, 9999));

describe('ItemName length limits count code points as ajv does', () => {
  it('reports "too long" exactly when ajv counts more than 128 code points, and "empty" exactly for no code point', () => {
    fc.assert(
      fc.property(itemName, (name) => {
        // Act
        const messages = itemNameMessages(name);

        // Assess
        expect(messages.includes(TOO_LONG)).toBe(ucs2length(name) > ITEM_NAME_MAX);
        expect(messages.includes(EMPTY)).toBe(ucs2length(name) < 1);
      }),
      { numRuns: NUM_RUNS },
    );
  });
});

describe('StartTime must name a real calendar date and time', () => {
  it('is refused as not real exactly when a Date round trip changes one of its components', () => {
    fc.assert(
      fc.property(year, month, twoDigits(31), twoDigits(23), twoDigits(59), twoDigits(59), (...parts) => {
        // Prepare
        const [y, month, day, hours, minutes, seconds] = parts;
        const pad = (value: number) => String(value).padStart(2, '0');
        const startTime = `${y}-${pad(month)}-${pad(day)}T${pad(hours)}:${pad(minutes)}:${pad(seconds)}Z`;

        // Act
        const result = validatePlan(samplePlan({ StartTime: startTime }));
        const messages = result.ok ? [] : (result.fieldErrors['StartTime'] ?? []);

        // Assess
        expect(messages.includes(NOT_REAL)).toBe(!existsByDate(y, month, day, hours, minutes, seconds));
      }),
      { numRuns: NUM_RUNS },
    );
  });
});

describe('times in messages are written as Date writes them', () => {
  it('formats any instant Date can hold as its toISOString without milliseconds', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.integer({ min: -8.64e15, max: 8.64e15 }),
          fc.integer({ min: Date.UTC(0, 0, 1) - 86_400_000 * 800, max: Date.UTC(9999, 11, 31, 23, 59, 59, 999) + 86_400_000 * 800 }),
          fc.integer({ min: 1e12, max: 1e13 }),
        ),
        (epochMs) => {
          // Act
          const text = formatUtcSeconds(epochMs);

          // Assess
          expect(text).toBe(new Date(epochMs).toISOString().replace(/\.\d{3}Z$/, 'Z'));
        },
      ),
      { numRuns: 2000 },
    );
  });
});
