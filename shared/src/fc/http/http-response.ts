import type { FcHttpResponse } from '../fc-types';

/** A JSON response in the shape FC's HTTP trigger expects. */
export function jsonResponse(statusCode: number, body: unknown, headers: Readonly<Record<string, string>> = {}): FcHttpResponse {
  return {
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
    isBase64Encoded: false,
    body: JSON.stringify(body),
  };
}
