/** A parsed ISO 8601 duration, or the reason it was refused. */
export type DurationParse = { readonly ok: true; readonly seconds: number } | { readonly ok: false; readonly message: string };

// Days, then hours, minutes and seconds after T; whole numbers only. Years, months and weeks are refused:
// a month or a year has no fixed length, and a fixed offset is what a schedule needs.
const DURATION = /^P(?:(\d{1,7})D)?(?:T(?:(\d{1,7})H)?(?:(\d{1,7})M)?(?:(\d{1,7})S)?)?$/;
const SYNTAX_HELP = 'must be an ISO 8601 duration of days, hours, minutes and seconds such as PT30M, PT1H30M or P1DT2H';

/** Parses `PnDTnHnMnS` (any part optional, at least one present) into seconds; messages never quote the input. */
export function parseIsoDurationSeconds(text: string): DurationParse {
  if (/[.,]/.test(text))
    return { ok: false, message: 'must use whole numbers: fractions such as PT1.5H are not supported (write PT1H30M)' };
  if (text.startsWith('-')) return { ok: false, message: 'must not be negative' };
  const timeAt = text.indexOf('T');
  const datePart = timeAt === -1 ? text.slice(1) : text.slice(1, timeAt);
  if (text.startsWith('P') && /[YM]/.test(datePart)) {
    return {
      ok: false,
      message: 'must not use years or months (their length varies); use days (D), hours (H), minutes (M after T) or seconds (S)',
    };
  }
  if (text.startsWith('P') && datePart.includes('W')) return { ok: false, message: 'must not use weeks; use days (D), e.g. P7D' };
  const match = DURATION.exec(text);
  if (!match || text === 'P' || text.endsWith('T')) return { ok: false, message: SYNTAX_HELP };
  const [days, hours, minutes, seconds] = match.slice(1).map((part) => Number(part ?? 0)) as [number, number, number, number];
  return { ok: true, seconds: ((days * 24 + hours) * 60 + minutes) * 60 + seconds };
}
