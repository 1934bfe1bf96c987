import type { IncomingMessage, ServerResponse } from 'node:http';
import { timelineZoneOf } from '../cli/commands/timeline';
import type { ScheduleSnapshot } from '../cli/ledger-access';
import { renderTimeline } from '../cli/timeline/render-timeline';
import { redactText } from '../shared/src/logging/redact';

/** The path `npm start` serves the live timeline page at. */
export const TIMELINE_PATH = '/_local/timeline';

/**
 * `GET /_local/timeline`: the timeline page rendered from the ledger at the moment of the request, offering first
 * the zone `?tz=` names, else TIMELINE_TZ of `env` (else the viewer's own).
 */
export async function serveTimeline(
  request: IncomingMessage,
  response: ServerResponse,
  loadRecords: () => Promise<ScheduleSnapshot>,
  env: NodeJS.ProcessEnv = {},
): Promise<void> {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' }).end('Use GET\n');
    return;
  }
  const query = new URL(request.url ?? '/', 'http://local').searchParams;
  let zone: string | undefined;
  try {
    zone = timelineZoneOf(query.get('tz') ?? undefined, env);
  } catch (error) {
    response.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' }).end(`${redactText((error as Error).message)}\n`);
    return;
  }
  let html: string;
  try {
    const { records, incompleteSince, failures } = await loadRecords();
    html = renderTimeline(records, { now: new Date(), showInactive: query.has('all'), incompleteSince, zone, failures });
  } catch (error) {
    // The ledger could not be read: say why, as text; never a stack or a value that could hold a secret.
    const message = redactText(error instanceof Error ? error.message : String(error));
    response
      .writeHead(503, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' })
      .end(`The timeline is unavailable: ${message}\n`);
    return;
  }
  response.writeHead(200, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(html),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  response.end(request.method === 'HEAD' ? undefined : html);
}
