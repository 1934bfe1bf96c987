import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { ApiError, apiErrorBody, newRequestId } from './api-error';

/** How long an over-limit request's remaining bytes are read and dropped before the socket is closed. */
const LINGER_MS = 2000;

function errorFor(code: string | undefined, maxHeaderBytes: number): ApiError {
  if (code === 'HPE_HEADER_OVERFLOW')
    return new ApiError(
      'RequestHeaderFieldsTooLarge',
      `The request line and headers exceed ${maxHeaderBytes} bytes. Generated SDKs put every parameter in the URL query; send fewer or shorter values.`,
    );
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return new ApiError('RequestTimeout');
  return new ApiError('BadRequest');
}

/**
 * Answers a request Node's HTTP parser refused (headers over `maxHeaderBytes`, malformed HTTP, a request that
 * timed out) with the API's JSON error body instead of Node's bare status line: clients built on Alibaba's
 * OpenAPI engine parse every error body as JSON, and an empty one surfaces as "Unexpected end of JSON input".
 * The rest of the request is read and dropped for a moment after the answer, because closing a socket with
 * unread bytes resets the connection and the client would lose the answer it is owed.
 */
export function answerClientError(error: NodeJS.ErrnoException, socket: Duplex, maxHeaderBytes: number): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const apiError = errorFor(error.code, maxHeaderBytes);
  const requestId = newRequestId();
  const body = JSON.stringify(apiErrorBody(apiError, requestId));
  socket.end(
    `HTTP/1.1 ${apiError.httpStatus} ${STATUS_CODES[apiError.httpStatus] ?? 'Error'}\r\n` +
      'content-type: application/json;charset=utf-8\r\n' +
      `content-length: ${Buffer.byteLength(body)}\r\n` +
      `x-acs-request-id: ${requestId}\r\n` +
      'connection: close\r\n\r\n' +
      body,
  );
  socket.resume();
  setTimeout(() => socket.destroy(), LINGER_MS).unref();
}
