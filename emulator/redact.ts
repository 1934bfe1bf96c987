// Live's URLs (CallbackUrl, SideOutputUrl, signed VOD URLs) carry `auth_key=` URL-signing tokens that work
// as passwords until they expire. Inspection output shows the URLs but never those values. The value may
// also appear percent-encoded once (`auth_key%3D`, inside a query) or twice (`auth_key%253D`, inside a
// string-to-sign); it ends at the next parameter separator in the same encoding.
const AUTH_KEY_VALUE = /(auth_key(?:=|%3D|%253D))((?:(?!%26|%2526)[^&\s"'#<>,])*)/gi;

/** Replaces every `auth_key=` value in a text with `<redacted>`. */
export function redactAuthKeys(text: string): string {
  return text.replace(AUTH_KEY_VALUE, (_match, nameAndSeparator: string) => `${nameAndSeparator}<redacted>`);
}

// Parameters that prove identity: never shown at all, not even redacted.
const SECRET_PARAMETERS = new Set(['signature', 'securitytoken', 'accesskeysecret']);

/**
 * A value safe to show: `<redacted>` when it is one of the known secrets (a client that swapped its
 * AccessKeyId and secret sends the secret as the id), else the text with auth_key values redacted.
 */
export function redactValue(value: string, knownSecrets: ReadonlySet<string>): string {
  return knownSecrets.has(value) ? '<redacted>' : redactAuthKeys(value);
}

/** The request parameters safe to show: Signature, SecurityToken and anything named like a secret dropped, other values through redactValue. */
export function redactParams(params: Readonly<Record<string, string>>, knownSecrets: ReadonlySet<string> = new Set()): Record<string, string> {
  const shown: Record<string, string> = {};
  for (const name of Object.keys(params).sort()) {
    const lower = name.toLowerCase();
    if (SECRET_PARAMETERS.has(lower) || lower.includes('secret') || lower.includes('password')) continue;
    shown[name] = redactValue(params[name] ?? '', knownSecrets);
  }
  return shown;
}

/**
 * Free text (a banner, an error message) safe to print: `auth_key=` values redacted, then every occurrence
 * of a known secret replaced by `<redacted>`, wherever in the text it appears.
 */
export function redactText(text: string, knownSecrets: Iterable<string> = []): string {
  let shown = redactAuthKeys(text);
  // Longest first, so a secret that contains another is replaced whole.
  const secrets = [...new Set(knownSecrets)].filter((secret) => secret !== '').sort((a, b) => b.length - a.length);
  for (const secret of secrets) shown = shown.split(secret).join('<redacted>');
  return shown;
}
