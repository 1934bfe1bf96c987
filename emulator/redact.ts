import { isSecretKey, redactAuthKeys, redactSecretForms, secretForms } from '../shared/src/logging/redact';

// Live's URLs (CallbackUrl, SideOutputUrl, signed VOD URLs) carry `auth_key=` URL-signing tokens that work as
// passwords until they expire: inspection output shows the URLs but never those values.
export { redactAuthKeys };

/**
 * Text safe to show: `auth_key` values redacted, and every occurrence of a known secret (in any wire form)
 * replaced, wherever it stands: a client that swapped its AccessKeyId and secret sends the secret as the id.
 */
export function redactText(text: string, knownSecrets: Iterable<string> = []): string {
  // Longest first, so a secret that contains another is replaced whole.
  const secrets = [...new Set(knownSecrets)].filter((secret) => secret !== '').sort((a, b) => b.length - a.length);
  return redactSecretForms(redactAuthKeys(text), secrets.map(secretForms));
}

/** The request parameters safe to show: Signature, SecurityToken and anything named like a secret dropped, other values through redactText. */
export function redactParams(params: Readonly<Record<string, string>>, knownSecrets: Iterable<string> = []): Record<string, string> {
  const shown: Record<string, string> = {};
  for (const name of Object.keys(params).sort()) {
    const lower = name.toLowerCase();
    if (isSecretKey(name) || lower.includes('secret') || lower.includes('password')) continue;
    shown[name] = redactText(params[name] ?? '', knownSecrets);
  }
  return shown;
}
