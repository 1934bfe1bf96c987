import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FcHttpEvent } from '../shared/src/fc/fc-types';
import { httpTriggerEvent } from './fc-shapes';

// Content types FC passes as text; any other body arrives Base64-encoded with isBase64Encoded: true.
const TEXT_TYPES = /^(?:text\/|application\/(?:json|[a-z0-9.+-]+\+json|xml|x-www-form-urlencoded|javascript)(?:$|;))/i;

/** Builds the FC 3.0 HTTP trigger event for a real HTTP request: original header casing, comma-joined repeats. */
export function httpTriggerEventFromRequest(
  request: IncomingMessage,
  body: Buffer,
  options: { accountId: string; now?: Date },
): FcHttpEvent {
  const url = new URL(request.url ?? '/', 'http://local');
  const headers: Record<string, string> = {};
  for (let index = 0; index + 1 < request.rawHeaders.length; index += 2) {
    const name = request.rawHeaders[index] as string;
    const value = request.rawHeaders[index + 1] as string;
    headers[name] = name in headers ? `${headers[name]},${value}` : value;
  }
  const queryParameters: Record<string, string> = {};
  for (const [name, value] of url.searchParams)
    queryParameters[name] = name in queryParameters ? `${queryParameters[name]},${value}` : value;
  const contentType = request.headers['content-type'] ?? '';
  const isText = body.length === 0 || TEXT_TYPES.test(contentType);
  return httpTriggerEvent({
    method: request.method ?? 'GET',
    rawPath: url.pathname,
    path: decodeURIComponent(url.pathname),
    body: isText ? body.toString('utf8') : body.toString('base64'),
    isBase64Encoded: !isText,
    headers,
    queryParameters,
    domainName: request.headers.host ?? '127.0.0.1',
    protocol: `HTTP/${request.httpVersion}`,
    sourceIp: request.socket.remoteAddress ?? '',
    userAgent: request.headers['user-agent'] ?? '',
    accountId: options.accountId,
    now: options.now,
  });
}

/** Writes an HTTP function's `{statusCode, headers, isBase64Encoded, body}` as the HTTP response. */
export function writeHttpTriggerResponse(response: ServerResponse, result: unknown): void {
  const shaped = (result ?? {}) as { statusCode?: unknown; headers?: unknown; isBase64Encoded?: unknown; body?: unknown };
  if (typeof shaped.statusCode !== 'number') {
    // A plain return value: FC answers 200 with it as the body (objects as JSON).
    const text = typeof result === 'string' ? result : Buffer.isBuffer(result) ? result.toString('utf8') : JSON.stringify(result ?? null);
    response.writeHead(200, { 'content-type': 'application/json' }).end(text);
    return;
  }
  const headers = shaped.headers && typeof shaped.headers === 'object' ? (shaped.headers as Record<string, string>) : {};
  const body = typeof shaped.body === 'string' ? Buffer.from(shaped.body, shaped.isBase64Encoded ? 'base64' : 'utf8') : Buffer.alloc(0);
  response.writeHead(shaped.statusCode, headers).end(body);
}

/** Reads a request body, refusing more than `maxBytes` (the local server's own guard, above the function's cap). */
export function readBody(request: IncomingMessage, maxBytes: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) chunks.push(chunk);
    });
    request.on('end', () => resolve(size <= maxBytes ? Buffer.concat(chunks) : undefined));
    request.on('error', reject);
  });
}
