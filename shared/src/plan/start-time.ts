/**
 * StartTime as people write it and as the API takes it. A plan may give an explicit UTC offset
 * (`2031-03-07T03:00:00+08:00`, as a timer in Asia/Shanghai thinks); it is normalised to the API's
 * `yyyy-MM-ddTHH:mm:ssZ` before anything else reads the plan, so both spellings of one instant are the same
 * plan, are signed the same and derive the same ClientToken.
 */

const START_TIME_WITH_OFFSET = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:Z|([+-])(\d{2}):(\d{2}))$/;

/** The default of START_TIME_GRACE_S: how far in the past a StartTime may lie (clock skew, the time a request takes). */
export const DEFAULT_START_TIME_GRACE_S = 60;

/** How far ahead a StartTime may lie; further is a typo (a wrong year), not a schedule. */
export const START_TIME_MAX_YEARS_AHEAD = 10;

/** A StartTime read into its instant, or why it cannot be. */
export type StartTimeReading =
  | { readonly ok: true; readonly epochMs: number; readonly utcText: string }
  | { readonly ok: false; readonly problem: 'format' | 'impossible' };

/** Reads `yyyy-MM-ddTHH:mm:ss` with `Z` or `±HH:MM`; the components must name a real local date and time. */
export function readStartTime(text: string): StartTimeReading {
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
  return { ok: true, epochMs, utcText: sign === undefined ? text : formatUtcSeconds(epochMs) };
}

const MS_PER_DAY = 86_400_000;
// 0000-01-01 and 9999-12-31 as days since 1970-01-01: the years `yyyy` can write.
const FIRST_FOUR_DIGIT_DAY = -719_528;
const LAST_FOUR_DIGIT_DAY = 2_932_896;

/** Epoch ms (whole seconds) as `yyyy-MM-ddTHH:mm:ssZ`, four-digit years only. */
export function formatUtcSeconds(epochMs: number): string {
  const day = Math.floor(epochMs / MS_PER_DAY);
  if (!(day >= FIRST_FOUR_DIGIT_DAY && day <= LAST_FOUR_DIGIT_DAY)) return `${new Date(epochMs).toISOString().slice(0, -5)}Z`;
  // Plain arithmetic (every URL signature's time is formatted into a warning, and toISOString costs more than
  // the rest of its checks): days to the proleptic Gregorian date in 400-year eras, as Date counts them.
  const shifted = day + 719_468;
  const era = Math.floor(shifted / 146_097);
  const dayOfEra = shifted - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthFromMarch = Math.floor((5 * dayOfYear + 2) / 153);
  const dayOfMonth = dayOfYear - Math.floor((153 * monthFromMarch + 2) / 5) + 1;
  const month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  const secondOfDay = Math.floor(epochMs / 1000) - day * 86_400;
  const hours = Math.floor(secondOfDay / 3600);
  const minutes = Math.floor((secondOfDay % 3600) / 60);
  return `${String(year).padStart(4, '0')}-${twoDigits(month)}-${twoDigits(dayOfMonth)}T${twoDigits(hours)}:${twoDigits(minutes)}:${twoDigits(secondOfDay % 60)}Z`;
}

function twoDigits(value: number): string {
  return value < 10 ? `0${value}` : String(value);
}

/** The latest StartTime accepted at `nowMs`: the same calendar instant ten years on. */
export function latestStartTimeMs(nowMs: number): number {
  const date = new Date(nowMs);
  date.setUTCFullYear(date.getUTCFullYear() + START_TIME_MAX_YEARS_AHEAD);
  return date.getTime();
}
