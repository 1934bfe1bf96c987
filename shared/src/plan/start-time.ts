/**
 * StartTime as people write it and as the API takes it. A plan may give an explicit UTC offset
 * (`2031-03-07T03:00:00+08:00`, as a timer in Asia/Shanghai thinks); it is normalised to the API's
 * `yyyy-MM-ddTHH:mm:ssZ` before anything else reads the plan, so both spellings of one instant are the same
 * plan, are signed the same and derive the same ClientToken.
 */

const MS_PER_DAY = 86_400_000;

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
  // Read in place by character codes: a regular expression's match array and a Date cost more than the rest of
  // the plan's checks. Exactly the strings `\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}` + `Z` or `[+-]\d{2}:\d{2}` pass.
  const length = text.length;
  if (length !== 20 && length !== 25) return { ok: false, problem: 'format' };
  const year = digitsAt(text, 0, 4);
  const month = digitsAt(text, 5, 2);
  const day = digitsAt(text, 8, 2);
  const hours = digitsAt(text, 11, 2);
  const minutes = digitsAt(text, 14, 2);
  const seconds = digitsAt(text, 17, 2);
  const separatorsMatch =
    text.charCodeAt(4) === 0x2d &&
    text.charCodeAt(7) === 0x2d &&
    text.charCodeAt(10) === 0x54 &&
    text.charCodeAt(13) === 0x3a &&
    text.charCodeAt(16) === 0x3a;
  if (!separatorsMatch || year < 0 || month < 0 || day < 0 || hours < 0 || minutes < 0 || seconds < 0) {
    return { ok: false, problem: 'format' };
  }
  const zone = text.charCodeAt(19);
  let offsetMinutesTotal = 0;
  if (length === 20) {
    if (zone !== 0x5a) return { ok: false, problem: 'format' };
  } else {
    const offsetHours = digitsAt(text, 20, 2);
    const offsetMinutes = digitsAt(text, 23, 2);
    if ((zone !== 0x2b && zone !== 0x2d) || text.charCodeAt(22) !== 0x3a || offsetHours < 0 || offsetMinutes < 0) {
      return { ok: false, problem: 'format' };
    }
    if (offsetHours > 23 || offsetMinutes > 59) return { ok: false, problem: 'impossible' };
    offsetMinutesTotal = (zone === 0x2d ? -1 : 1) * (offsetHours * 60 + offsetMinutes);
  }
  // Every four-digit year of the proleptic Gregorian calendar, as Date counts it; no overflow into the next unit.
  const exists = month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month) && hours <= 23 && minutes <= 59 && seconds <= 59;
  if (!exists) return { ok: false, problem: 'impossible' };
  const localMs = daysFromCivil(year, month, day) * MS_PER_DAY + ((hours * 60 + minutes) * 60 + seconds) * 1000;
  const epochMs = localMs - offsetMinutesTotal * 60_000;
  return { ok: true, epochMs, utcText: length === 20 ? text : formatUtcSeconds(epochMs) };
}

/** The number written by `count` ASCII digits at `start`, or -1 when one of them is not a digit. */
function digitsAt(text: string, start: number, count: number): number {
  let value = 0;
  for (let index = start; index < start + count; index += 1) {
    const digit = text.charCodeAt(index) - 0x30;
    if (!(digit >= 0 && digit <= 9)) return -1;
    value = value * 10 + digit;
  }
  return value;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Days from 1970-01-01 to a proleptic Gregorian date (month 1-12), in 400-year eras. */
function daysFromCivil(year: number, month: number, day: number): number {
  const marchYear = month <= 2 ? year - 1 : year;
  const era = Math.floor(marchYear / 400);
  const yearOfEra = marchYear - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

// 0000-01-01 and 9999-12-31 as days since 1970-01-01: the years `yyyy` can write.
const FIRST_FOUR_DIGIT_DAY = -719_528;
const LAST_FOUR_DIGIT_DAY = 2_932_896;

// The last time formatted: the signed URLs of one plan mostly carry one signing time, formatted into a warning each.
let lastFormattedMs = Number.NaN;
let lastFormattedText = '';

/** Epoch ms (whole seconds) as `yyyy-MM-ddTHH:mm:ssZ`, four-digit years only. */
export function formatUtcSeconds(epochMs: number): string {
  if (epochMs === lastFormattedMs) return lastFormattedText;
  const text = formatUtcSecondsUncached(epochMs);
  lastFormattedMs = epochMs;
  lastFormattedText = text;
  return text;
}

function formatUtcSecondsUncached(epochMs: number): string {
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
