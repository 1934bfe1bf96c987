/**
 * The test proxy that loses answers, for every test that needs a lost answer or a crashed caller: the model-based
 * schedule test and the plain repros alike.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** An AddCasterEpisodeGroup answer the studio gave (whether or not the client got it). */
export interface CreatedGroup {
  readonly ProgramId: string;
  readonly ClientToken: string;
}

/** Actions whose answers the proxy can lose. */
export type LosableAction = 'AddCasterEpisodeGroup' | 'DeleteCasterEpisodeGroup';

/**
 * A reverse proxy on 127.0.0.1 in front of the emulator, re-pointable at another target: it lets a request reach
 * the emulator and then drops the connection instead of passing the answer back, for the next N answers of an
 * action (Infinity: until told otherwise), so the group is made and its answer lost however often the client
 * retries; while `silenced`, it drops every request before it reaches the emulator (a process
 * that crashed sends nothing more). It notes every group the emulator created, by ClientToken.
 */
export interface FaultProxy {
  readonly url: string;
  target: string;
  /** How many more answers of each action to lose. */
  readonly dropAnswers: Record<LosableAction, number>;
  /** While true, nothing reaches the emulator. */
  silenced: boolean;
  /** Every group the emulator answered an AddCasterEpisodeGroup with, in order, first answers and replays alike. */
  readonly addAnswers: CreatedGroup[];
  close(): Promise<void>;
}

export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (proxy.silenced) {
        request.socket.destroy();
        return;
      }
      const body = Buffer.concat(chunks);
      const params = new URLSearchParams(body.toString('utf8'));
      for (const [name, value] of new URL(request.url ?? '/', 'http://proxy').searchParams) params.set(name, value);
      const action = params.get('Action') ?? '';
      const upstream = http.request(
        new URL(request.url ?? '/', proxy.target),
        { method: request.method, headers: { ...request.headers, host: new URL(proxy.target).host } },
        (answer) => {
          const answerChunks: Buffer[] = [];
          answer.on('data', (chunk: Buffer) => answerChunks.push(chunk));
          answer.on('end', () => {
            const answerBody = Buffer.concat(answerChunks);
            if (action === 'AddCasterEpisodeGroup') noteAdd(params.get('ClientToken'), answerBody);
            if ((action === 'AddCasterEpisodeGroup' || action === 'DeleteCasterEpisodeGroup') && proxy.dropAnswers[action] > 0) {
              proxy.dropAnswers[action] -= 1;
              request.socket.destroy();
              return;
            }
            response.writeHead(answer.statusCode ?? 502, answer.headers);
            response.end(answerBody);
          });
        },
      );
      upstream.on('error', () => request.socket.destroy());
      upstream.end(body);
    });
  });
  const noteAdd = (clientToken: string | null, answerBody: Buffer): void => {
    try {
      const parsed = JSON.parse(answerBody.toString('utf8')) as { ProgramId?: unknown };
      if (clientToken !== null && typeof parsed.ProgramId === 'string')
        proxy.addAnswers.push({ ProgramId: parsed.ProgramId, ClientToken: clientToken });
    } catch {
      // Not an answer with a group.
    }
  };
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const proxy: FaultProxy = {
    url: `http://127.0.0.1:${port}`,
    target,
    dropAnswers: { AddCasterEpisodeGroup: 0, DeleteCasterEpisodeGroup: 0 },
    silenced: false,
    addAnswers: [],
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return proxy;
}
