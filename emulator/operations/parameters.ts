import { invalidParameter, missingParameter } from '../api-error';

/**
 * A required string: a request parameter, or a field of a JSON parameter (then `name` is its full name, e.g.
 * `Content.Items[0].VodUrl`). An empty value counts as missing: that is how the gateway treats `Name=`, and it
 * is what a client that forgot to fill a field sends. A JSON value that is not a string is invalid.
 */
export function requiredParam(params: Readonly<Record<string, unknown>>, key: string, name = key): string {
  const value = params[key];
  if (value === undefined || value === null || value === '') throw missingParameter(name);
  if (typeof value !== 'string') throw invalidParameter(name, 'It must be a string.');
  return value;
}
