// RPC parameters arrive in the query string (GET, pop-core's default), in an
// application/x-www-form-urlencoded body (POST), or split between the two. They are kept apart as well as
// merged because ACS3 signs only the query (the body goes in as its hash), while V1 signs the union.

/** The parameters of one request. Records have no prototype, so a parameter named `__proto__` is just a name. */
export interface RequestParams {
  /** Query and form-body parameters together. */
  readonly all: Readonly<Record<string, string>>;
  /** Parameters from the URL query string only. */
  readonly query: Readonly<Record<string, string>>;
  /** Parameters from the form body only (empty unless the body is form-encoded). */
  readonly form: Readonly<Record<string, string>>;
  /** Names given more than once, within the query, the body, or across both. */
  readonly duplicates: readonly string[];
}

function emptyRecord(): Record<string, string> {
  return Object.create(null) as Record<string, string>;
}

/** True when a Content-Type header announces a form-encoded body (parameters may follow, e.g. `; charset=utf-8`). */
function isFormContentType(contentType: string | undefined): boolean {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase() === 'application/x-www-form-urlencoded';
}

function collect(search: URLSearchParams, into: Record<string, string>, duplicates: Set<string>): void {
  for (const [name, value] of search) {
    if (name in into) duplicates.add(name);
    into[name] = value;
  }
}

/**
 * Reads the parameters of a request from its raw query string (what follows `?`, may be empty) and body.
 * A body that is not form-encoded contributes no parameters (it still counts for the ACS3 payload hash).
 */
export function readRequestParams(rawQuery: string, contentType: string | undefined, body: Buffer): RequestParams {
  const duplicates = new Set<string>();
  const query = emptyRecord();
  // URLSearchParams decodes `+` as a space, like a form decoder; clients that sign with RFC 3986 send %20 anyway.
  collect(new URLSearchParams(rawQuery), query, duplicates);

  const form = emptyRecord();
  if (body.length > 0 && isFormContentType(contentType)) {
    collect(new URLSearchParams(body.toString('utf8')), form, duplicates);
  }

  const all = emptyRecord();
  Object.assign(all, query);
  for (const [name, value] of Object.entries(form)) {
    if (name in all) duplicates.add(name);
    all[name] = value;
  }
  return { all, query, form, duplicates: [...duplicates] };
}
