const SUB_DELIMITERS = /[!'()*]/g;
const ENCODED_SUB_DELIMITERS: Readonly<Record<string, string>> = { '!': '%21', "'": '%27', '(': '%28', ')': '%29', '*': '%2A' };

/** RFC 3986 percent-encoding as Alibaba Cloud signs it: only A-Z a-z 0-9 - _ . ~ stay literal, spaces become %20. */
export function percentEncode(value: string): string {
  return encodeSubDelimiters(encodeURIComponent(value));
}

/**
 * Finishes encodeURIComponent output (one value, or many joined by `=` and `&`) into percentEncode output:
 * encodeURIComponent leaves !'()* literal, the signature spec encodes them. Checking a whole joined query at
 * once costs a few native scans instead of one regular expression per value.
 */
export function encodeSubDelimiters(uriComponentEncoded: string): string {
  const hasSubDelimiter =
    uriComponentEncoded.includes('!') ||
    uriComponentEncoded.includes("'") ||
    uriComponentEncoded.includes('(') ||
    uriComponentEncoded.includes(')') ||
    uriComponentEncoded.includes('*');
  return hasSubDelimiter ? uriComponentEncoded.replace(SUB_DELIMITERS, (c) => ENCODED_SUB_DELIMITERS[c] ?? c) : uriComponentEncoded;
}

// Parameter names are the API's small vocabulary (Action, Item.7.VodUrl...), the same on every request, so their
// encodings are kept; the bound only matters to a caller that invents names.
const ENCODED_NAMES = new Map<string, string>();
const MAX_ENCODED_NAMES = 1024;

/** percentEncode for a parameter name, remembered across requests (never used for values, which vary and may be secret). */
export function percentEncodeName(name: string): string {
  let encoded = ENCODED_NAMES.get(name);
  if (encoded === undefined) {
    encoded = percentEncode(name);
    if (ENCODED_NAMES.size < MAX_ENCODED_NAMES) ENCODED_NAMES.set(name, encoded);
  }
  return encoded;
}

/**
 * Sorted `name=value` pairs joined by `&`, each side percent-encoded: the canonical form both signatures use,
 * and also a valid application/x-www-form-urlencoded body, so a POST body is exactly what was signed.
 */
export function canonicalQueryString(params: Readonly<Record<string, string>>): string {
  // Default sort compares UTF-16 code units, which for the ASCII parameter names of the API is byte order.
  const names = Object.keys(params).sort();
  let canonical = '';
  for (let index = 0; index < names.length; index += 1) {
    const name = names[index] as string;
    canonical += `${index === 0 ? '' : '&'}${percentEncode(name)}=${percentEncode(params[name] ?? '')}`;
  }
  return canonical;
}
