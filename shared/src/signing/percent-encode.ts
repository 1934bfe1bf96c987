// Most parameter names and many values (ids, timestamps, versions) need no encoding at all; one anchored test
// is far cheaper than encoding them and scanning the result.
const UNRESERVED_ONLY = /^[A-Za-z0-9_.~-]*$/;
const SUB_DELIMITER = /[!'()*]/;
const SUB_DELIMITERS = /[!'()*]/g;
const ENCODED_SUB_DELIMITERS: Readonly<Record<string, string>> = { '!': '%21', "'": '%27', '(': '%28', ')': '%29', '*': '%2A' };

/** RFC 3986 percent-encoding as Alibaba Cloud signs it: only A-Z a-z 0-9 - _ . ~ stay literal, spaces become %20. */
export function percentEncode(value: string): string {
  if (UNRESERVED_ONLY.test(value)) return value;
  const encoded = encodeURIComponent(value);
  // encodeURIComponent leaves !'()* literal (so the shorter input tells whether any is there); the spec encodes them.
  return SUB_DELIMITER.test(value) ? encoded.replace(SUB_DELIMITERS, (c) => ENCODED_SUB_DELIMITERS[c] ?? c) : encoded;
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
