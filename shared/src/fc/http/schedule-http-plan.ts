import { HttpError } from '../../errors';
import { isLive } from '../../ledger/ledger-scope-data';
import type { LedgerSnapshot } from '../../ledger/ledger-store';
import { redact } from '../../logging/redact';
import type { ScheduleRequest } from '../../schedule/schedule-request';
import { scheduleWithLedger } from '../../schedule/schedule-with-ledger';
import { readHttpPlanRequest } from '../../triggers/http/http-plan-request';
import { isScheduleQuery, readScheduleQuery, type ScheduleQuery } from '../../triggers/http/schedule-query';
import { getFcInstance, scheduleDependenciesFor } from '../fc-instance';
import type { FcHttpResponse, FcMiddleware, InvocationContext } from '../fc-types';
import { httpRequestFromFcEvent } from './fc-http-request';
import { jsonResponse } from './http-response';

/**
 * Middleware: reads FC's HTTP event into a schedule request (405, 413, 415 and 400 are thrown as typed errors), or
 * `GET /schedule` into a schedule query.
 */
export function httpPlanRequest(options: { readonly maxBodyBytes?: number } = {}): FcMiddleware {
  return {
    before: function readHttpPlan(request) {
      const http = httpRequestFromFcEvent(request.event);
      request.event = isScheduleQuery(http)
        ? readScheduleQuery(http)
        : readHttpPlanRequest(http, request.context.deadlineAtMs, options.maxBodyBytes);
    },
  };
}

/** HTTP handler core: schedules the request's plan and answers 201 with the episode group; or lists the ledger. */
export async function scheduleHttpPlan(request: ScheduleRequest | ScheduleQuery, context: InvocationContext): Promise<FcHttpResponse> {
  if ('kind' in request) return listSchedule(request, context);
  const result = await scheduleWithLedger(request, scheduleDependenciesFor(context));
  return jsonResponse(201, {
    ProgramId: result.ProgramId,
    ItemIds: result.ItemIds,
    RequestId: result.RequestId,
    ClientToken: result.ClientToken,
  });
}

/**
 * `GET /schedule[?caster=ID]`: the live records of the ledger (scheduled and superseded), oldest first, secrets
 * redacted. `Incomplete` gives the time of the first lost ledger write, when one was lost.
 */
async function listSchedule(query: ScheduleQuery, context: InvocationContext): Promise<FcHttpResponse> {
  const { ledger } = getFcInstance();
  if (!ledger) throw new HttpError(404, 'NoLedger', 'This function keeps no ledger: set REDIS_URL (or LEDGER_FILE for one instance)');
  let snapshot: LedgerSnapshot;
  try {
    snapshot = await ledger.load();
  } catch (error) {
    // The cause (a file path, a Redis host) goes to the logs, not to the caller.
    context.invocationLogger.error('the ledger could not be read', { error });
    throw new HttpError(503, 'LedgerUnavailable', 'The schedule ledger cannot be read right now; try again later', { 'retry-after': '5' });
  }
  const records = snapshot.records.filter((record) => isLive(record) && (query.caster === undefined || record.CasterId === query.caster));
  return jsonResponse(200, redact({ Records: records, ...(snapshot.incompleteSince ? { Incomplete: snapshot.incompleteSince } : {}) }));
}
