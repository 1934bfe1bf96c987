/** An HTTP request as the trigger readers see it, whatever delivered it (FC's HTTP trigger, a local host, a test). */
export interface HttpRequestInput {
  /** Upper-cased, or undefined when the delivery carried none. */
  readonly method: string | undefined;
  /** Names keep the client's casing; repeated headers arrive comma-joined. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** FC encodes binary bodies in Base64. */
  readonly bodyIsBase64: boolean;
  /** The decoded path, e.g. `/schedule`; undefined when the delivery carried none. */
  readonly path?: string | undefined;
  /** Query parameters; repeated ones arrive comma-joined. */
  readonly query?: Readonly<Record<string, string>> | undefined;
}

/** A header's value by case-insensitive name. */
export function headerValue(request: HttpRequestInput, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(request.headers)) {
    if (key.toLowerCase() === wanted) return value;
  }
  return undefined;
}

/** The body's size in bytes once decoded, computed without decoding it (so an oversized body costs nothing). */
export function bodyByteLength(request: HttpRequestInput): number {
  return request.bodyIsBase64 ? Buffer.byteLength(request.body, 'base64') : Buffer.byteLength(request.body, 'utf8');
}

/** The body as text: Base64 bodies are decoded as UTF-8. */
export function bodyText(request: HttpRequestInput): string {
  return request.bodyIsBase64 ? Buffer.from(request.body, 'base64').toString('utf8') : request.body;
}

/** True for `application/json` and `application/*+json`, with any parameters (charset...). */
export function isJsonContentType(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const mediaType = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  return mediaType === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(mediaType);
}
