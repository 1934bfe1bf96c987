import http from 'node:http';
import https from 'node:https';
import { LiveTransportError } from '../errors';

/** One HTTP exchange with the Live endpoint: the raw answer, before any interpretation. */
export interface HttpAnswer {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

export interface HttpRequest {
  readonly action: string;
  readonly method: 'GET' | 'POST';
  readonly url: URL;
  readonly headers: Record<string, string>;
  readonly body?: string | undefined;
  readonly timeoutMs: number;
}

// One keep-alive agent per protocol for the whole process: a warm FC instance reuses its TLS connection.
const agents = {
  'http:': new http.Agent({ keepAlive: true, maxSockets: 16 }),
  'https:': new https.Agent({ keepAlive: true, maxSockets: 16 }),
};
const MAX_RESPONSE_BYTES = 1024 * 1024;

/** Sends one request; rejects with LiveTransportError on timeout or connection failure, never on an HTTP status. */
export function sendHttpRequest(request: HttpRequest): Promise<HttpAnswer> {
  const protocol = request.url.protocol as 'http:' | 'https:';
  const send = protocol === 'https:' ? https.request : http.request;
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (code: 'RequestTimeout' | 'ConnectionFailed', message: string, cause?: unknown): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(new LiveTransportError(request.action, code, message, { cause }));
    };
    const outgoing = send(request.url, { method: request.method, headers: request.headers, agent: agents[protocol] }, (incoming) => {
      const chunks: Buffer[] = [];
      let receivedBytes = 0;
      incoming.on('data', (chunk: Buffer) => {
        receivedBytes += chunk.length;
        if (receivedBytes > MAX_RESPONSE_BYTES) {
          incoming.destroy();
          fail('ConnectionFailed', `response larger than ${MAX_RESPONSE_BYTES} bytes`);
          return;
        }
        chunks.push(chunk);
      });
      incoming.on('error', (error) => fail('ConnectionFailed', error.message, error));
      incoming.on('aborted', () => fail('ConnectionFailed', 'response aborted'));
      incoming.on('end', () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve({ status: incoming.statusCode ?? 0, headers: incoming.headers, body: Buffer.concat(chunks).toString('utf8') });
      });
    });
    // One timer for the whole exchange (connect + send + answer), unlike the socket's idle timeout.
    const timer = setTimeout(() => {
      fail('RequestTimeout', `no answer within ${request.timeoutMs} ms`);
      outgoing.destroy();
    }, request.timeoutMs);
    outgoing.on('error', (error: NodeJS.ErrnoException) => fail('ConnectionFailed', error.code ?? error.message, error));
    outgoing.end(request.body);
  });
}
