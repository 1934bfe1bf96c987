/**
 * A recording reverse proxy on 127.0.0.1 in front of the Live API emulator: it forwards every request unchanged
 * and keeps what was actually sent on the wire, so a test knows the exact signatures (V1 `Signature` values,
 * ACS3 `Signature=` hex from the Authorization header) and STS tokens that went out, and can then prove that
 * none of them turns up in any output. A connection the emulator drops (an injected reset) is dropped here too.
 *
 * @example
 * const proxy = await startRecordingProxy(emulator.url);
 * // ... point LIVE_ENDPOINT at proxy.url, run the flows ...
 * const sent = proxy.signatures(); // every signature that was sent
 * await proxy.close();
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as it went through the proxy. */
export interface ProxiedRequest {
  readonly method: string;
  /** Path and raw (still encoded) query. */
  readonly url: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
  /** The decoded query and form parameters. */
  readonly params: Record<string, string>;
  /** `v1`, `acs3`, or undefined for unsigned requests. */
  readonly algorithm: 'v1' | 'acs3' | undefined;
  /** The signature this request carried: the V1 `Signature` parameter or the ACS3 Authorization `Signature=`. */
  readonly signature: string | undefined;
  /** The STS token it carried (`SecurityToken` or `x-acs-security-token`). */
  readonly securityToken: string | undefined;
  /** The emulator's status, or undefined when it dropped the connection. */
  status?: number;
  /** The emulator's response body. */
  responseBody?: string;
}

export interface RecordingProxy {
  /** `http://127.0.0.1:<port>`: use it as LIVE_ENDPOINT. */
  readonly url: string;
  /** Every request forwarded so far, in arrival order. */
  readonly requests: ProxiedRequest[];
  /** Every distinct signature that was sent. */
  signatures(): string[];
  /** Every distinct STS token that was sent. */
  securityTokens(): string[];
  close(): Promise<void>;
}

function decodeForm(text: string): Record<string, string> {
  const params: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(text)) params[name] = value;
  return params;
}

function describe(method: string, url: string, headers: http.IncomingHttpHeaders, body: string): ProxiedRequest {
  const query = url.includes('?') ? url.slice(url.indexOf('?') + 1) : '';
  // The project encodes spaces as %20 and '+' as %2B, so URLSearchParams decodes its queries and forms exactly.
  const params = {
    ...decodeForm(query),
    ...((headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded') ? decodeForm(body) : {}),
  };
  const authorization = typeof headers['authorization'] === 'string' ? headers['authorization'] : undefined;
  const acs3 = authorization?.startsWith('ACS3-') ? /Signature=([0-9a-fA-F]+)/.exec(authorization)?.[1] : undefined;
  const tokenHeader = headers['x-acs-security-token'];
  return {
    method,
    url,
    headers,
    body,
    params,
    algorithm: acs3 ? 'acs3' : params['Signature'] ? 'v1' : undefined,
    signature: acs3 ?? params['Signature'],
    securityToken: (typeof tokenHeader === 'string' ? tokenHeader : undefined) ?? params['SecurityToken'],
  };
}

/** Starts a proxy on an ephemeral loopback port forwarding to `targetUrl` (an http:// origin). */
export async function startRecordingProxy(targetUrl: string): Promise<RecordingProxy> {
  const target = new URL(targetUrl);
  const requests: ProxiedRequest[] = [];
  const agent = new http.Agent({ keepAlive: false });
  const server = http.createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const body = Buffer.concat(chunks);
      const record = describe(incoming.method ?? 'GET', incoming.url ?? '/', incoming.headers, body.toString('utf8'));
      requests.push(record);
      const upstream = http.request(
        // Headers go on unchanged, Host included: ACS3 signs it, so the client's Host is the one the emulator must check.
        { host: target.hostname, port: target.port, method: incoming.method, path: incoming.url, headers: incoming.headers, agent },
        (answer) => {
          const answerChunks: Buffer[] = [];
          answer.on('data', (chunk: Buffer) => answerChunks.push(chunk));
          answer.on('end', () => {
            const answerBody = Buffer.concat(answerChunks);
            record.status = answer.statusCode;
            record.responseBody = answerBody.toString('utf8');
            const headers = { ...answer.headers };
            delete headers['transfer-encoding'];
            delete headers['connection'];
            outgoing.writeHead(answer.statusCode ?? 502, { ...headers, 'content-length': String(answerBody.length) });
            outgoing.end(answerBody);
          });
          answer.on('error', () => incoming.socket.destroy());
        },
      );
      // The emulator dropped the connection (an injected reset): drop the client's too, so it sees the same.
      upstream.on('error', () => incoming.socket.destroy());
      upstream.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const distinct = (pick: (request: ProxiedRequest) => string | undefined): string[] => [
    ...new Set(requests.map(pick).filter((value): value is string => value !== undefined && value !== '')),
  ];
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    signatures: () => distinct((request) => request.signature),
    securityTokens: () => distinct((request) => request.securityToken),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        agent.destroy();
      }),
  };
}
