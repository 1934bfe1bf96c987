/** Placeholder that replaces every secret in logs, errors and output. */
export const REDACTED = '<redacted>';

// Keys whose values are always secret, whatever they hold. ClientToken is deliberately absent: it is an
// idempotency key that operators need to see.
const SECRET_KEY = /^(accesskeysecret|access_key_secret|securitytoken|security_token|x-acs-security-token|signature|authorization|password|secret)$/i;
const AUTH_KEY_IN_URL = /(auth_key=)[^&#\s"'<>]*/gi;
// The ACS3 Authorization header carries the signature after `Signature=`.
const SIGNATURE_IN_TEXT = /(Signature=)[^&#\s"',]+/g;

const knownSecrets = new Set<string>();
const MAX_KNOWN_SECRETS = 64;

/** Remembers a secret value (an AccessKey secret, an STS token) so it is scrubbed wherever it appears. */
export function registerSecret(value: string | undefined): void {
  if (!value || value.length < 6 || knownSecrets.has(value)) return;
  // STS credentials rotate; keep the newest few so the set stays small on a long-lived instance.
  if (knownSecrets.size >= MAX_KNOWN_SECRETS) knownSecrets.delete(knownSecrets.values().next().value as string);
  knownSecrets.add(value);
}

/** Replaces `auth_key` values, signatures and registered secret values inside free text. */
export function redactText(text: string): string {
  let result = text.replace(AUTH_KEY_IN_URL, `$1${REDACTED}`).replace(SIGNATURE_IN_TEXT, `$1${REDACTED}`);
  for (const secret of knownSecrets) {
    if (result.includes(secret)) result = result.split(secret).join(REDACTED);
    // The same secret percent-encoded, as it appears in signed query strings.
    const encoded = encodeURIComponent(secret);
    if (encoded !== secret && result.includes(encoded)) result = result.split(encoded).join(REDACTED);
  }
  return result;
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
    const entry = (error as unknown as Record<string, unknown>)[key];
    if (entry !== undefined) fields[key] = redact(entry, depth + 1);
  }
  if (error.cause !== undefined) fields['cause'] = redact(error.cause, depth + 1);
  return fields;
}
