import { redactAuthKeys } from './redact';
import type { RequestLog } from './request-log';
import type { StateStore } from './state-store';

/** What the read-only inspection endpoints show. */
export interface InspectionDeps {
  readonly state: StateStore;
  readonly requestLog: RequestLog;
}

/** A JSON answer from an inspection endpoint. */
interface InspectionAnswer {
  readonly status: number;
  readonly body: unknown;
}

/** The path prefix of the emulator's own endpoints; they are outside the API (no signature, no faults). */
export const INSPECTION_PREFIX = '/_emulator/';

function episodeGroups(deps: InspectionDeps): unknown {
  return {
    EpisodeGroups: deps.state.listGroups().map((group) => ({
      ProgramId: group.ProgramId,
      CasterId: group.CasterId,
      CallbackUrl: redactAuthKeys(group.CallbackUrl),
      DomainName: group.DomainName,
      SideOutputUrl: redactAuthKeys(group.SideOutputUrl),
      StartTime: group.StartTime,
      RepeatNum: group.RepeatNum,
      Items: group.Items.map((item) => ({ ItemId: item.ItemId, ItemName: item.ItemName, VodUrl: redactAuthKeys(item.VodUrl) })),
      ClientToken: group.ClientToken,
      ReceivedAt: group.ReceivedAt,
      AccessKeyId: group.AccessKeyId,
      Action: group.Action,
    })),
  };
}

/**
 * Answers `GET /_emulator/episode-groups`, `GET /_emulator/requests` and `GET /_emulator/health`.
 * Read-only by design: tests and people look, only the API changes state.
 */
export function answerInspection(method: string, path: string, deps: InspectionDeps): InspectionAnswer {
  const routes: Record<string, () => unknown> = {
    [`${INSPECTION_PREFIX}episode-groups`]: () => episodeGroups(deps),
    // Entries were redacted when recorded (request-log.ts holds no secret to begin with).
    [`${INSPECTION_PREFIX}requests`]: () => ({ Requests: deps.requestLog.list() }),
    [`${INSPECTION_PREFIX}health`]: () => ({ Status: 'ok' }),
  };
  const route = Object.hasOwn(routes, path) ? routes[path] : undefined;
  if (!route)
    return { status: 404, body: { Code: 'NotFound', Message: `No emulator endpoint ${path}; try ${Object.keys(routes).join(', ')}.` } };
  if (method !== 'GET') return { status: 405, body: { Code: 'MethodNotAllowed', Message: 'Inspection endpoints are read-only: use GET.' } };
  return { status: 200, body: route() };
}
