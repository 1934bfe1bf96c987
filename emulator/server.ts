import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiError, apiErrorBody, newRequestId } from './api-error';
import { type ApiHandlerDeps, handleApiRequest } from './api-handler';
import { claimedAccessKeyId, type SignedRequest, signatureAlgorithmOf } from './authenticate';
import { answerClientError } from './client-error';
import type { FaultDecision, FaultInjector } from './faults';
import { answerInspection, INSPECTION_PREFIX, type InspectionDeps } from './inspection';
import { redactParams, redactText } from './redact';
import type { RequestLog } from './request-log';
import { readRequestParams } from './request-params';

/** What the HTTP layer needs. */
interface ServerDeps {
  readonly api: ApiHandlerDeps;
  readonly inspection: InspectionDeps;
  readonly requestLog: RequestLog;
  readonly faults: FaultInjector | undefined;
  /** Larger bodies are refused before they are buffered. */
  readonly maxBodyBytes: number;
  /** Node's `maxHeaderSize`: the request line (with its query) and headers together. */
  readonly maxHeaderBytes: number;
  /** AccessKey secrets and STS tokens: never written to the request log, whatever field they turn up in. */
  readonly knownSecrets: ReadonlySet<string>;
}

const NO_FAULT: FaultDecision = { kind: undefined, latencyMs: 0 };

class BodyTooLargeError extends Error {}

function readBody(request: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    if (Number(request.headers['content-length'] ?? 0) > maxBytes) {
      reject(new BodyTooLargeError());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) reject(new BodyTooLargeError());
      else chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json;charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  response.end(text);
}

function roundMs(ms: number): number {
  return Math.round(ms * 10) / 10;
}

function splitUrl(rawUrl: string): { rawPath: string; rawQuery: string } {
  const queryStart = rawUrl.indexOf('?');
  return queryStart === -1
    ? { rawPath: rawUrl, rawQuery: '' }
    : { rawPath: rawUrl.slice(0, queryStart), rawQuery: rawUrl.slice(queryStart + 1) };
}

async function handleApi(
  request: IncomingMessage,
  response: ServerResponse,
  deps: ServerDeps,
  rawPath: string,
  rawQuery: string,
): Promise<void> {
  const startedMs = performance.now();
  const arrivalMs = deps.api.now();
  // Drawn before anything is awaited, so faults follow arrival order however long bodies take to come in.
  const fault = deps.faults?.decide() ?? NO_FAULT;

  let body: Buffer;
  try {
    body = await readBody(request, deps.maxBodyBytes);
  } catch (error) {
    if (error instanceof BodyTooLargeError && !response.headersSent) {
      const tooLarge = new ApiError('RequestEntityTooLarge', `The request body exceeds ${deps.maxBodyBytes} bytes.`);
      sendJson(response, tooLarge.httpStatus, apiErrorBody(tooLarge, newRequestId()), { connection: 'close' });
    }
    return; // Otherwise the client went away mid-body: nobody to answer.
  }
  if (fault.latencyMs > 0) await sleep(fault.latencyMs);

  const signed: SignedRequest = {
    method: (request.method ?? 'GET').toUpperCase(),
    rawPath,
    headers: request.headers,
    params: readRequestParams(rawQuery, request.headers['content-type'], body),
    body,
    algorithm: signatureAlgorithmOf(request.headers),
  };
  const { answer, lost, action, caller } = handleApiRequest(signed, fault.kind, deps.api);
  const sent = lost ? undefined : answer;

  // Redact before truncating: a secret cut in half would no longer match.
  const shown = (value: string | undefined): string | null =>
    value === undefined ? null : redactText(value, deps.knownSecrets).slice(0, 200);
  deps.requestLog.record({
    Time: new Date(arrivalMs).toISOString(),
    Method: signed.method,
    Path: redactText(rawPath, deps.knownSecrets),
    Action: shown(action),
    AccessKeyId: shown(caller?.accessKeyId ?? claimedAccessKeyId(signed)),
    SignatureAlgorithm: signed.algorithm,
    ClientToken: shown(signed.params.all['ClientToken']),
    // Judged by status: errors are never 200, and a success body may hold any field, even a Code (studios are free-form).
    Verdict: answer === undefined ? 'reset' : answer.status === 200 ? 'ok' : String(answer.body['Code']),
    HttpStatus: sent?.status ?? null,
    LatencyMs: roundMs(performance.now() - startedMs),
    RequestId: answer?.body.RequestId ?? null,
    Fault: fault.kind ?? null,
    InjectedLatencyMs: fault.latencyMs,
    Params: redactParams(signed.params.all, deps.knownSecrets),
  });

  if (!sent) {
    // An injected reset or lost answer: no status line, no body, like a connection dropped on the way. For a
    // lost answer the operation has already run and its changes are stored (synchronously, data file included).
    request.socket.destroy();
    return;
  }
  sendJson(response, sent.status, sent.body, { 'x-acs-request-id': sent.body.RequestId });
}

/**
 * The emulator's HTTP server: `/` is the RPC API (GET query or POST form, like live.aliyuncs.com), and
 * `/_emulator/*` the read-only inspection endpoints.
 */
export function createEmulatorServer(deps: ServerDeps): Server {
  const server = createServer({ maxHeaderSize: deps.maxHeaderBytes }, (request, response) => {
    const { rawPath, rawQuery } = splitUrl(request.url ?? '/');
    if (rawPath.startsWith(INSPECTION_PREFIX)) {
      const answer = answerInspection((request.method ?? 'GET').toUpperCase(), rawPath, deps.inspection);
      request.resume();
      sendJson(response, answer.status, answer.body);
      return;
    }
    handleApi(request, response, deps, rawPath, rawQuery).catch((error: unknown) => {
      deps.api.onInternalError(error);
      if (!response.headersSent) sendJson(response, 500, apiErrorBody(new ApiError('InternalError'), newRequestId()));
      else response.destroy();
    });
  });
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => answerClientError(error, socket, deps.maxHeaderBytes));
  // Keep-alive clients (pop-core keeps its sockets) would hold a closing server open: once it stops
  // listening, each finished exchange lets its idle socket go.
  server.on('request', (_request: IncomingMessage, response: ServerResponse) => {
    response.on('finish', () => {
      if (!server.listening) setImmediate(() => server.closeIdleConnections());
    });
  });
  return server;
}

/** Starts listening; resolves with the bound address (the real port when `port` is 0). */
export function listen(server: Server, host: string, port: number): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => reject(error);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve(server.address() as AddressInfo);
    });
  });
}

/** Stops accepting, lets idle keep-alive sockets go, and cuts in-flight requests still open after `graceMs`. */
export function closeServer(server: Server, graceMs = 1000): Promise<void> {
  return new Promise((resolve, reject) => {
    const force = setTimeout(() => server.closeAllConnections(), graceMs);
    server.close((error) => {
      clearTimeout(force);
      if (error && (error as NodeJS.ErrnoException).code !== 'ERR_SERVER_NOT_RUNNING') reject(error);
      else resolve();
    });
    server.closeIdleConnections();
  });
}
