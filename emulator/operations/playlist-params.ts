import { invalidParameter } from '../api-error';

/**
 * An optional positive whole number (Page, PageSize): absent or empty gives `fallback`. Digits only, as the
 * API types these as Integer and a client that sends `1.5` or `-1` has a bug worth hearing about.
 */
export function optionalPositiveInteger(params: Readonly<Record<string, string>>, name: string, fallback: number): number {
  const text = params[name];
  if (text === undefined || text === '') return fallback;
  const value = /^\d{1,9}$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isInteger(value) || value < 1) {
    throw invalidParameter(name, `It must be a whole number of at least 1; got ${JSON.stringify(text)}.`);
  }
  return value;
}

/** A comma-separated id list (ProgramId, ProgramItemIds): blanks around ids and empty entries are ignored. */
export function commaList(text: string | undefined): string[] {
  if (text === undefined) return [];
  return text
    .split(',')
    .map((id) => id.trim())
    .filter((id) => id !== '');
}
