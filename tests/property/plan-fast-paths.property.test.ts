import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatUtcSeconds, readStartTime } from '../../shared/src/plan/start-time';
import { isWellFormedText, scanName, scanText } from '../../shared/src/plan/text-scan';
import { checkUrlAuthority } from '../../shared/src/plan/url-authority';
import { readUrlSignature } from '../../shared/src/plan/url-signature';
import { checkUrlAuthorityBySlices, readStartTimeByRegex, readUrlSignatureBySlices } from '../support/plan-rules-reference';

const NUM_RUNS = 2_000;

// Characters that steer the rules: ASCII, controls, C1, bidi controls, lone and paired surrogates, non-BMP.
const trickyUnit = fc.oneof(
  fc.integer({ min: 0, max: 0x7f }).map((unit) => String.fromCharCode(unit)),
  fc.integer({ min: 0, max: 0xffff }).map((unit) => String.fromCharCode(unit)),
  fc.constantFrom(
    '\u0085',
    '\u009f',
    '\u061c',
    '\u200e',
    '\u200f',
    '\u202a',
    '\u202e',
    '\u2066',
    '\u2069',
    '\ud800',
    '\udfff',
    '\u{1f600}',
  ),
);
const anyText = fc.string({ unit: trickyUnit, maxLength: 48 });

/** Strings built from the pieces of a URL, so hosts, ports, queries and auth_key values come up often. */
const urlLike = fc
  .array(
    fc.oneof(
      fc.constantFrom('https://', 'rtmp://', 'http://[', ']', '::1', ':', ':8080', ':0', ':65536', '/', '?', '#', '&', '.', '-', 'a'),
      fc.constantFrom('auth_key=', 'my_auth_key=', '1700000000', '1608953344-0-0-', '-', '0123456789abcdef0123456789abcdef'),
      fc.constantFrom(
        '/203103061900/',
        '/0123456789abcdef0123456789abcdef/',
        '6e0b3c00/',
        '203102300000',
        'vod.example.com',
        '10.0.0.1',
        '999.1.1.1',
      ),
      fc.stringMatching(/^[a-z0-9.-]{1,8}$/),
      trickyUnit,
    ),
    { maxLength: 14 },
  )
  .map((parts) => parts.join(''));

/** Strings near the StartTime format: real and impossible dates, offsets, stray characters. */
const startTimeLike = fc
  .tuple(
    fc.integer({ min: 0, max: 9999 }),
    fc.integer({ min: 0, max: 13 }),
    fc.integer({ min: 0, max: 32 }),
    fc.integer({ min: 0, max: 25 }),
    fc.integer({ min: 0, max: 60 }),
    fc.integer({ min: 0, max: 60 }),
    fc.constantFrom('Z', '+08:00', '-05:30', '+24:00', '-00:60', '+99:99', 'z', '', 'Z ', '+0800', '\u0660'),
  )
  .map(([year, month, day, hours, minutes, seconds, zone]) => {
    const two = (value: number) => String(value).padStart(2, '0');
    return `${String(year).padStart(4, '0')}-${two(month)}-${two(day)}T${two(hours)}:${two(minutes)}:${two(seconds)}${zone}`;
  });

describe('the fast paths of the plan rules answer as the full paths do', () => {
  it('says a string is well-formed exactly when the full scan does', () => {
    fc.assert(
      fc.property(fc.oneof(anyText, urlLike), (text) => {
        // Act
        const fast = isWellFormedText(text);

        // Assess
        expect(fast).toBe(scanText(text, false).wellFormed);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('finds lone surrogates and control or bidi characters in a name exactly as the full scan does', () => {
    fc.assert(
      fc.property(anyText, (name) => {
        // Act
        const fast = scanName(name);

        // Assess
        const full = scanText(name, true);
        expect({ wellFormed: fast.wellFormed, hasControlCharacter: fast.hasControlCharacter }).toEqual({
          wellFormed: full.wellFormed,
          hasControlCharacter: full.hasControlCharacter,
        });
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('reads a StartTime into the same instant, text or problem as the regular expression and Date did', () => {
    fc.assert(
      fc.property(fc.oneof(startTimeLike, anyText), (text) => {
        // Act
        const fast = readStartTime(text);

        // Assess
        expect(fast).toEqual(readStartTimeByRegex(text));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('finds the same host or port problem in a URL as the slicing implementation did', () => {
    fc.assert(
      fc.property(fc.oneof(urlLike, anyText), (url) => {
        // Act
        const fast = checkUrlAuthority(url);

        // Assess
        expect(fast).toBe(checkUrlAuthorityBySlices(url));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('reads the same URL signature type and time as the slicing implementation did', () => {
    fc.assert(
      fc.property(fc.oneof(urlLike, anyText), (url) => {
        // Act
        const fast = readUrlSignature(url);

        // Assess
        expect(fast).toEqual(readUrlSignatureBySlices(url));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('formats a time the same whether or not it was the last one formatted', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -62_000_000_000, max: 253_000_000_000 }), { minLength: 1, maxLength: 6 }), (seconds) => {
        for (const value of [...seconds, ...seconds]) {
          // Act
          const text = formatUtcSeconds(value * 1000);

          // Assess
          expect(text).toBe(`${new Date(value * 1000).toISOString().slice(0, -5)}Z`);
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });
});
