import { percentEncode } from '../signing/percent-encode';

/** Placeholder that replaces every secret in logs, errors and output. */
export const REDACTED = '<redacted>';

// Keys whose values are always secret, whatever they hold. ClientToken is deliberately absent: it is an
// idempotency key that operators need to see.
const SECRET_KEY =
  /^(accesskeysecret|access_key_secret|securitytoken|security_token|x-acs-security-token|signature|authorization|password|secret)$/i;
const AUTH_KEY_IN_URL = /(auth_key=)[^&#\s"'<>]*/gi;
// The same URL percent-encoded once (inside a signed query or form body, `auth_key%3D`) or twice (inside the
// string-to-sign the server echoes with SignatureDoesNotMatch, `auth_key%253D`): the value ends at the encoded `&`.
const AUTH_KEY_IN_ENCODED_URL = /(auth_key(?:%3D|%253D))(?:(?!%26|%2526)[^&#\s"'<>])*/gi;
// The ACS3 Authorization header carries the signature after `Signature=`.
const SIGNATURE_IN_TEXT = /(Signature=)[^&#\s"',]+/g;

// Each secret with the forms it takes on the wire, computed once when it is registered.
const knownSecrets = new Map<string, readonly string[]>();
const MAX_KNOWN_SECRETS = 64;

/** Remembers a secret value (an AccessKey secret, an STS token) so it is scrubbed wherever it appears. */
export function registerSecret(value: string | undefined): void {
  if (!value || value.length < 6 || knownSecrets.has(value)) return;
  // STS credentials rotate; keep the newest few so the set stays small on a long-lived instance.
  if (knownSecrets.size >= MAX_KNOWN_SECRETS) knownSecrets.delete(knownSecrets.keys().next().value as string);
  knownSecrets.set(value, secretForms(value));
}

/**
 * The secret as is, percent-encoded once (signed query strings and form bodies) and twice (the string-to-sign
 * that SignatureDoesNotMatch echoes: an STS token with `+`, `/` or `=` appears there as `%252B`, `%252F`, `%253D`).
 * Most-encoded first, so a longer form is never left half-replaced by a shorter one.
 */
export function secretForms(secret: string): string[] {
  let once: string;
  try {
    once = percentEncode(secret);
  } catch {
    return [secret]; // A lone surrogate cannot be percent-encoded, so it cannot be on the wire that way either.
  }
  return [...new Set([percentEncode(once), once, encodeURIComponent(secret), secret])];
}

/** True for a key whose value is secret whatever it holds (AccessKeySecret, SecurityToken, Signature...). */
export function isSecretKey(name: string): boolean {
  return SECRET_KEY.test(name);
}

/** Replaces `auth_key` values in URLs, plain or percent-encoded once or twice, inside free text. */
export function redactAuthKeys(text: string): string {
  return text.replace(AUTH_KEY_IN_URL, `$1${REDACTED}`).replace(AUTH_KEY_IN_ENCODED_URL, `$1${REDACTED}`);
}

/** Replaces every wire form (see secretForms) of the given secrets inside free text. */
export function redactSecretForms(text: string, formsPerSecret: Iterable<readonly string[]>): string {
  let result = text;
  for (const forms of formsPerSecret) {
    for (const form of forms) {
      if (result.includes(form)) result = result.split(form).join(REDACTED);
    }
  }
  return result;
}

/** Replaces `auth_key` values, signatures and registered secret values inside free text. */
export function redactText(text: string): string {
  return redactSecretForms(redactAuthKeys(text).replace(SIGNATURE_IN_TEXT, `$1${REDACTED}`), knownSecrets.values());
}

/** A deep copy of a value with secret keys, `auth_key` values and registered secrets redacted. */
export function redact(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth > 8) return '[too deep]';
  if (value instanceof Error) return redactError(value, depth);
  if (Array.isArray(value)) return value.map((entry) => redact(entry, depth + 1));
  const copy: Record<string, unknown> = {};
  for (const [key, entry] of Object.entries(value)) {
    copy[key] = SECRET_KEY.test(key) && entry !== undefined && entry !== '' ? REDACTED : redact(entry, depth + 1);
  }
  return copy;
}

function redactError(error: Error, depth: number): Record<string, unknown> {
  const fields: Record<string, unknown> = { name: error.name, message: redactText(error.message) };
  for (const key of ['code', 'requestId', 'httpStatus', 'action', 'retryAfterMs', 'fieldErrors'] as const) {
    const entry: unknown = Reflect.get(error, key);
    if (entry !== undefined) fields[key] = redact(entry, depth + 1);
  }
  if (error.cause !== undefined) fields['cause'] = redact(error.cause, depth + 1);
  return fields;
}
