import type { FcHttpEvent } from '../fc-types';

/** A header's value by case-insensitive name (FC keeps the client's casing; repeated headers arrive comma-joined). */
export function headerValue(event: FcHttpEvent, name: string): string | undefined {
  const headers = event.headers;
  if (!headers) return undefined;
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === wanted && typeof value === 'string') return value;
  }
  return undefined;
}

/** The request method, upper-cased; FC puts it in requestContext.http.method. */
export function httpMethod(event: FcHttpEvent): string | undefined {
  return typeof event?.requestContext?.http?.method === 'string' ? event.requestContext.http.method.toUpperCase() : undefined;
}

/** The body's size in bytes once decoded, computed without decoding it (so an oversized body costs nothing). */
export function bodyByteLength(event: FcHttpEvent): number {
  const body = bodyField(event);
  return event.isBase64Encoded ? Buffer.byteLength(body, 'base64') : Buffer.byteLength(body, 'utf8');
}

/** The body as text: Base64 bodies (FC's encoding for binary content) are decoded as UTF-8. */
export function bodyText(event: FcHttpEvent): string {
  const body = bodyField(event);
  return event.isBase64Encoded ? Buffer.from(body, 'base64').toString('utf8') : body;
}

/** True for `application/json` and `application/*+json`, with any parameters (charset...). */
export function isJsonContentType(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const mediaType = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  return mediaType === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(mediaType);
}

// FC always sends the body as a string, but the event is untrusted input: anything else reads as no body,
// which the JSON check then refuses with a 400.
function bodyField(event: FcHttpEvent): string {
  return typeof event.body === 'string' ? event.body : '';
}
