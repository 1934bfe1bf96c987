import { createHash, createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One scripted answer: an HTTP status and a JSON body (RequestId is filled in when absent). */
export interface ScriptedAnswer {
  readonly status: number;
  readonly body: Record<string, unknown>;
  readonly headers?: Record<string, string>;
}

/** A request as the endpoint saw it, with its verdict on the signature. */
export interface ReceivedRequest {
  readonly method: string;
  readonly action: string;
  readonly params: Record<string, string>;
  readonly signatureValid: boolean;
  readonly answeredStatus: number;
}

export interface SignatureCheckingEndpoint {
  readonly url: string;
  readonly received: ReceivedRequest[];
  /** Queues answers for an action; once the queue is empty the default answer for the action is used. */
  script(action: string, answers: ScriptedAnswer[]): void;
  close(): Promise<void>;
}

// An independent V1 verifier written from the published procedure (not the project's signer), so that a bug
// in the project's signing cannot hide by agreeing with itself.
function encode(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
function expectedV1Signature(method: string, params: Record<string, string>, secret: string): string {
  const canonical = Object.keys(params)
    .filter((name) => name !== 'Signature')
    .sort()
    .map((name) => `${encode(name)}=${encode(params[name]!)}`)
    .join('&');
  const stringToSign = `${method}&${encode('/')}&${encode(canonical)}`;
  return createHmac('sha1', `${secret}&`).update(stringToSign).digest('base64');
}

/** Starts a loopback endpoint that checks V1 signatures against one AccessKey pair and answers from a script. */
export async function startSignatureCheckingEndpoint(
  accessKeyId: string,
  accessKeySecret: string,
  securityToken?: string,
): Promise<SignatureCheckingEndpoint> {
  const received: ReceivedRequest[] = [];
  const scripts = new Map<string, ScriptedAnswer[]>();
  let programCounter = 0;
  const defaultAnswer = (action: string, params: Record<string, string>): ScriptedAnswer => {
    if (action === 'DescribeCasterConfig') {
      return {
        status: 200,
        body: {
          CasterId: params['CasterId'],
          CallbackUrl: 'http://callback.example.com/caster/abc?auth_key=1700000000-0-0-studiocallbacksecret',
          DomainName: 'studio.example.com',
          SideOutputUrl: 'rtmp://side.example.com/caster/abc?auth_key=1700000000-0-0-sideoutputsecret',
        },
      };
    }
    if (action === 'AddCasterEpisodeGroup') {
      programCounter += 1;
      const itemCount = Object.keys(params).filter((name) => /^Item\.\d+\.ItemName$/.test(name)).length;
      return {
        status: 200,
        body: {
          ProgramId: `program-${programCounter}`,
          ItemIds: { ItemId: Array.from({ length: itemCount }, (_, i) => `item-${programCounter}-${i + 1}`) },
        },
      };
    }
    return { status: 200, body: {} };
  };

  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const url = new URL(request.url ?? '/', 'http://localhost');
      const params: Record<string, string> = Object.fromEntries(url.searchParams);
      if (request.method === 'POST') Object.assign(params, Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8'))));
      const action = params['Action'] ?? '';
      const signatureValid =
        params['AccessKeyId'] === accessKeyId &&
        params['SignatureMethod'] === 'HMAC-SHA1' &&
        params['SecurityToken'] === securityToken &&
        params['Signature'] === expectedV1Signature(request.method ?? 'GET', params, accessKeySecret);
      const requestId = createHash('md5').update(`${received.length}`).digest('hex').toUpperCase();
      let answer: ScriptedAnswer;
      if (!signatureValid) {
        answer = {
          status: 400,
          body: { Code: 'SignatureDoesNotMatch', Message: 'Specified signature is not matched with our calculation.' },
        };
      } else {
        answer = scripts.get(action)?.shift() ?? defaultAnswer(action, params);
      }
      received.push({ method: request.method ?? '', action, params, signatureValid, answeredStatus: answer.status });
      response.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      response.end(JSON.stringify({ RequestId: requestId, ...answer.body }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    script: (action, answers) => scripts.set(action, [...(scripts.get(action) ?? []), ...answers]),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
