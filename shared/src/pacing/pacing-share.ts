import { ConfigurationError } from '../errors';

/** The whole account limit: what a process paces at when PACING_SHARE is not set. */
export const WHOLE_SHARE = 1;

/** Reads PACING_SHARE: a fraction of the account's limits, above 0 and at most 1; absent or empty means 1. */
export function parsePacingShare(text: string | undefined, variable = 'PACING_SHARE'): number {
  if (text === undefined || text.trim() === '') return WHOLE_SHARE;
  // Decimal notation only: Number() alone would also take hexadecimal ('0x1') or binary ('0b1') text.
  const trimmed = text.trim();
  const share = /^(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/.test(trimmed) ? Number(trimmed) : Number.NaN;
  if (!Number.isFinite(share) || share <= 0 || share > 1) {
    throw new ConfigurationError(`${variable} must be a number above 0 and at most 1 (a fraction of the account's limit)`);
  }
  return share;
}

/**
 * The limits one process may use on its own: each limit times `share`, rounded down to whole requests per
 * second when that is at least one. Processes pacing alone are not in phase, and the API counts calls in any
 * one-second span: a process paced at 1.33/s can still land 2 calls in one second, so three such processes
 * could land 6 under a limit of 4. Whole requests per second keep the sum of what the processes can land in
 * one second at or under the limit whenever their shares add up to at most 1.
 */
export function shareOfLimits(limitsPerSecond: Readonly<Record<string, number>>, share: number): Record<string, number> {
  return Object.fromEntries(
    Object.entries(limitsPerSecond).map(([action, limit]) => {
      const shared = limit * share;
      return [action, shared >= 1 ? Math.floor(shared + 1e-9) : shared];
    }),
  );
}
