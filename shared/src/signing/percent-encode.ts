/** RFC 3986 percent-encoding as Alibaba Cloud signs it: only A-Z a-z 0-9 - _ . ~ stay literal, spaces become %20. */
export function percentEncode(value: string): string {
  // encodeURIComponent leaves !'()* literal; the signature spec encodes them.
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * Sorted `name=value` pairs joined by `&`, each side percent-encoded: the canonical form both signatures use,
 * and also a valid application/x-www-form-urlencoded body, so a POST body is exactly what was signed.
 */
export function canonicalQueryString(params: Readonly<Record<string, string>>): string {
  // Default sort compares UTF-16 code units, which for the ASCII parameter names of the API is byte order.
  return Object.keys(params)
    .sort()
    .map((name) => `${percentEncode(name)}=${percentEncode(params[name] ?? '')}`)
    .join('&');
}
