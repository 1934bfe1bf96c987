import { createHash } from 'node:crypto';

/** The API's limit on ClientToken: ASCII, at most 64 characters. */
export const CLIENT_TOKEN_MAX_LENGTH = 64;
const TOKEN_PREFIX = 'cc1-';

/**
 * A ClientToken derived from an identity (a canonical plan, a timer tick, an event id), so that every retry of
 * the same trigger sends the same token and the API can never create a second episode group for it.
 * The prefix versions the derivation; the rest is base64url SHA-256: 47 ASCII characters.
 */
export function deriveClientToken(identity: string): string {
  return TOKEN_PREFIX + createHash('sha256').update(identity, 'utf8').digest('base64url');
}

/** JSON with object keys sorted at every depth: equal plans give equal text whatever their key order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  // fromEntries defines own properties: assigning `sorted[key]` would turn a JSON key "__proto__" into the
  // copy's prototype, dropping it from the text so that two different inputs gave the same token.
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
  );
}
