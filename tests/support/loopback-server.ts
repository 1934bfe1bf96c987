/**
 * A tiny scripted HTTP server on 127.0.0.1 for tests: it records every request (method, path, raw query, headers,
 * body, and the decoded parameters of the query and of a form body) and answers with whatever the test's
 * responder returns. Tests talk to a real socket, so the client's own transport, headers and encoding are exercised.
 *
 * @example
 * const server = await startLoopbackServer(() => ({ status: 200, json: { RequestId: 'R1' } }));
 * // ... point a client at server.url ...
 * expect(server.requests[0]?.form['Action']).toBe('AddCasterEpisodeGroup');
 * await server.close();
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the server saw it. */
export interface RecordedRequest {
  readonly method: string;
  /** Path without the query, e.g. `/`. */
  readonly path: string;
  /** The raw query string after `?`, exactly as sent (still percent-encoded), or '' when there is none. */
  readonly rawQuery: string;
  /** The query parameters, percent-decoded. */
  readonly query: Record<string, string>;
  /** Header names are lower case, as node:http gives them. */
  readonly headers: http.IncomingHttpHeaders;
  /** The raw body text. */
  readonly body: string;
  /** The body decoded as application/x-www-form-urlencoded (empty for other content types). */
  readonly form: Record<string, string>;
}

/** What the server answers. `hang` never answers (for timeouts); `json` is serialised with content-type JSON. */
export interface ScriptedReply {
  readonly status?: number;
  readonly headers?: Record<string, string>;
  readonly json?: unknown;
  readonly text?: string;
  readonly hang?: boolean;
}

export type Responder = (request: RecordedRequest, index: number) => ScriptedReply | Promise<ScriptedReply>;

export interface LoopbackServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** Every request received so far, in arrival order. */
  readonly requests: RecordedRequest[];
  /** Replaces the responder (for a server shared by many cases). */
  respondWith(responder: Responder): void;
  /** Stops listening and drops every open connection, hanging ones included. */
  close(): Promise<void>;
}

/**
 * Decodes `a=b&c=d` as the signing code encodes it: `%XX` escapes, never `+` for space (a literal `+` stays `+`).
 * Uses decodeURIComponent so that the decoded text is exactly what was encoded, unicode included.
 */
export function decodeParams(text: string): Record<string, string> {
  const params: Record<string, string> = {};
  if (text === '') return params;
  for (const pair of text.split('&')) {
    const equals = pair.indexOf('=');
    const name = equals === -1 ? pair : pair.slice(0, equals);
    const value = equals === -1 ? '' : pair.slice(equals + 1);
    params[decodeURIComponent(name)] = decodeURIComponent(value);
  }
  return params;
}

/** A responder that plays `replies` in order and repeats the last one. */
export function scripted(...replies: ScriptedReply[]): Responder {
  if (replies.length === 0) throw new Error('scripted() needs at least one reply');
  return (_request, index) => replies[Math.min(index, replies.length - 1)]!;
}

export interface LoopbackServerOptions {
  /** Largest request line + headers accepted, in bytes (node's default is 16 KiB; long signed GET URLs exceed it). */
  readonly maxHeaderSize?: number;
}

/** Starts a server on an ephemeral loopback port. */
export async function startLoopbackServer(
  responder: Responder = () => ({ status: 200, json: { RequestId: 'loopback' } }),
  options: LoopbackServerOptions = {},
): Promise<LoopbackServer> {
  let current = responder;
  const requests: RecordedRequest[] = [];
  const server = http.createServer({ maxHeaderSize: options.maxHeaderSize ?? 16 * 1024 }, (incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const rawUrl = incoming.url ?? '/';
      const questionMark = rawUrl.indexOf('?');
      const rawQuery = questionMark === -1 ? '' : rawUrl.slice(questionMark + 1);
      const body = Buffer.concat(chunks).toString('utf8');
      const isForm = (incoming.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
      const request: RecordedRequest = {
        method: incoming.method ?? '',
        path: questionMark === -1 ? rawUrl : rawUrl.slice(0, questionMark),
        rawQuery,
        query: decodeParams(rawQuery),
        headers: incoming.headers,
        body,
        form: isForm ? decodeParams(body) : {},
      };
      const index = requests.length;
      requests.push(request);
      Promise.resolve()
        .then(() => current(request, index))
        .then(
          (reply) => {
            if (reply.hang) return;
            const payload = reply.json !== undefined ? JSON.stringify(reply.json) : (reply.text ?? '');
            const contentType = reply.json !== undefined ? 'application/json;charset=utf-8' : 'text/plain;charset=utf-8';
            outgoing.writeHead(reply.status ?? 200, { 'content-type': contentType, ...reply.headers });
            outgoing.end(payload);
          },
          (error: unknown) => {
            outgoing.writeHead(599, { 'content-type': 'text/plain' });
            outgoing.end(`responder failed: ${String(error)}`);
          },
        );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    respondWith(next) {
      current = next;
    },
    close() {
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

/** A loopback URL on which nothing listens: a port that was just bound and released. */
export async function refusedUrl(): Promise<string> {
  const probe = http.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
