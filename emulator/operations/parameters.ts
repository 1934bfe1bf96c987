import { missingParameter } from '../api-error';

/**
 * A required parameter's value. An empty value counts as missing: that is how the gateway treats `Name=`,
 * and it is what a client that forgot to fill a field sends.
 */
export function requiredParam(params: Readonly<Record<string, string>>, name: string): string {
  const value = params[name];
  if (value === undefined || value === '') throw missingParameter(name);
  return value;
}
