import type { HttpRequestInput } from '../../triggers/http/http-request-fields';

/**
 * FC's HTTP trigger event (`requestContext.http.method`, `headers`, `body`, `isBase64Encoded`) as the trigger readers'
 * HttpRequestInput. The event is untrusted input: a field of the wrong type reads as absent, which the readers then refuse.
 */
export function httpRequestFromFcEvent(event: unknown): HttpRequestInput {
  const record = asRecord(event);
  const http = asRecord(asRecord(record['requestContext'])['http']);
  const method = http['method'];
  const path = typeof http['path'] === 'string' ? http['path'] : record['rawPath'];
  const query: Record<string, string> = {};
  for (const [name, value] of Object.entries(asRecord(record['queryParameters']))) {
    if (typeof value === 'string') query[name] = value;
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(asRecord(record['headers']))) {
    if (typeof value === 'string') headers[name] = value;
  }
  return {
    method: typeof method === 'string' ? method.toUpperCase() : undefined,
    headers,
    body: typeof record['body'] === 'string' ? record['body'] : '',
    bodyIsBase64: record['isBase64Encoded'] === true,
    path: typeof path === 'string' ? path : undefined,
    query,
  };
}

function asRecord(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? Object.fromEntries(Object.entries(value)) : {};
}
