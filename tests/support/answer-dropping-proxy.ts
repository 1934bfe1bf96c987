/**
 * A reverse proxy on 127.0.0.1 that forwards every request to a target it can be re-pointed at, and, while
 * told to, lets AddCasterEpisodeGroup reach the target but drops the connection instead of passing the answer
 * back: the group is created and its answer lost, however often the client retries.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface AnswerDroppingProxy {
  readonly url: string;
  /** The base URL requests are forwarded to. */
  target: string;
  /** While true, AddCasterEpisodeGroup answers are dropped. */
  dropAddAnswers: boolean;
  /** While set, the answers of this action (e.g. DeleteCasterEpisodeGroup) are dropped the same way. */
  dropAnswersOf?: string | undefined;
  close(): Promise<void>;
}

/** Starts the proxy in front of `target`. */
export async function startAnswerDroppingProxy(target: string): Promise<AnswerDroppingProxy> {
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      const sent = `${request.url ?? ''} ${body.toString('utf8')}`;
      const dropped =
        (proxy.dropAddAnswers && sent.includes('Action=AddCasterEpisodeGroup')) ||
        (proxy.dropAnswersOf !== undefined && sent.includes(`Action=${proxy.dropAnswersOf}`));
      const upstream = http.request(
        new URL(request.url ?? '/', proxy.target),
        { method: request.method, headers: { ...request.headers, host: new URL(proxy.target).host } },
        (answer) => {
          const answerChunks: Buffer[] = [];
          answer.on('data', (chunk: Buffer) => answerChunks.push(chunk));
          answer.on('end', () => {
            if (dropped) {
              request.socket.destroy();
              return;
            }
            response.writeHead(answer.statusCode ?? 502, answer.headers);
            response.end(Buffer.concat(answerChunks));
          });
        },
      );
      upstream.on('error', () => request.socket.destroy());
      upstream.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const proxy: AnswerDroppingProxy = {
    url: `http://127.0.0.1:${port}`,
    target,
    dropAddAnswers: false,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return proxy;
}
