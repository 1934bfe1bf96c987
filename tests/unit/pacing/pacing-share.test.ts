import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readEnvironment } from '../../../shared/src/config/environment';
import { ConfigurationError } from '../../../shared/src/errors';
import { emissionIntervalMs, LIVE_API_LIMITS_PER_SECOND } from '../../../shared/src/pacing/pacer';
import { parsePacingShare, shareOfLimits } from '../../../shared/src/pacing/pacing-share';

/** The most calls a schedule spaced `intervalMs` apart can land in any one-second span. */
const mostCallsInOneSecond = (intervalMs: number) => Math.ceil(1000 / intervalMs);

describe('PACING_SHARE', () => {
  it('defaults to the whole limit when the variable is absent or empty', () => {
    // Act / Assess
    expect(parsePacingShare(undefined)).toBe(1);
    expect(parsePacingShare('  ')).toBe(1);
    expect(readEnvironment({}).pacingShare).toBe(1);
  });

  it('accepts any fraction above 0 and at most 1', () => {
    fc.assert(
      fc.property(fc.double({ min: Number.MIN_VALUE, max: 1, noNaN: true }), (share) => {
        // Act / Assess
        expect(parsePacingShare(String(share))).toBe(share);
      }),
    );
  });

  it('rejects anything else with a ConfigurationError that names the variable and says the same whatever the value', () => {
    const bad = fc.oneof(
      fc.constantFrom('0', '-0.5', '1.01', '2', 'half', '1/3', 'NaN', 'Infinity', '0x1', '0b1', '1e400', '25%'),
      fc.double({ min: 1.000001, max: 1e9, noNaN: true }).map(String),
      fc.double({ min: -1e9, max: 0, noNaN: true }).map(String),
    );
    fc.assert(
      fc.property(bad, (text) => {
        // Act
        const error = (() => {
          try {
            readEnvironment({ PACING_SHARE: text });
          } catch (caught) {
            return caught;
          }
          return undefined;
        })();
        // Assess
        expect(error).toBeInstanceOf(ConfigurationError);
        expect((error as Error).message).toContain('PACING_SHARE');
        expect((error as Error).message).toBe("PACING_SHARE must be a number above 0 and at most 1 (a fraction of the account's limit)");
      }),
    );
  });
});

describe('the limits of one process pacing at its share', () => {
  it('never exceed the share of any limit', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.001, max: 1, noNaN: true }), (share) => {
        // Act
        const limits = shareOfLimits(LIVE_API_LIMITS_PER_SECOND, share);
        // Assess
        for (const [action, limit] of Object.entries(LIVE_API_LIMITS_PER_SECOND)) {
          expect(limits[action]).toBeGreaterThan(0);
          expect(limits[action]).toBeLessThanOrEqual(limit * share + 1e-9);
        }
      }),
    );
  });

  it('let processes whose shares add up to at most 1 land no more calls in any second than the limit', () => {
    // Prepare: shares of at least 1/limit each (smaller ones still land one call), adding up to at most 1.
    const shares = fc
      .array(fc.integer({ min: 1, max: 100 }), { minLength: 1, maxLength: 4 })
      .map((weights) => {
        const total = weights.reduce((sum, weight) => sum + weight, 0);
        return weights.map((weight) => Math.max(weight / total, 0.25));
      })
      .filter((candidate) => candidate.reduce((sum, share) => sum + share, 0) <= 1 + 1e-9);
    fc.assert(
      fc.property(shares, (processShares) => {
        // Act: the worst case, every process's schedule in phase within one second.
        const landed = processShares.reduce((sum, share) => {
          const limit = shareOfLimits({ AddCasterEpisodeGroup: 4 }, share)['AddCasterEpisodeGroup'] as number;
          return sum + mostCallsInOneSecond(emissionIntervalMs(limit));
        }, 0);
        // Assess
        expect(landed).toBeLessThanOrEqual(4);
      }),
    );
  });

  it('gives the shipped shares (http 1/2, timer 1/4, event 1/4) 2, 1 and 1 AddCasterEpisodeGroup per second', () => {
    // Act
    const perProcess = [0.5, 0.25, 0.25].map((share) => shareOfLimits(LIVE_API_LIMITS_PER_SECOND, share)['AddCasterEpisodeGroup']);
    // Assess
    expect(perProcess).toEqual([2, 1, 1]);
  });
});
