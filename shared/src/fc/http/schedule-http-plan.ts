import { authorizeListing, mayListRecord } from '../../authorization/studio-access';
import { HttpError } from '../../errors';
import type { LedgerRecord } from '../../ledger/ledger-record';
import { redact } from '../../logging/redact';
import { withOverlaps } from '../../schedule/schedule-listing';
import { schedulePlan } from '../../schedule/schedule-plan';
import { readHttpPlanRequest } from '../../triggers/http/http-plan-request';
import type { HttpRequestInput } from '../../triggers/http/http-request-fields';
import { readScheduleQuery } from '../../triggers/http/schedule-query';
import { getFcInstance, scheduleDependenciesFor } from '../fc-instance';
import type { FcHttpResponse, FcMiddleware, InvocationContext } from '../fc-types';
import { listFailedTriggers } from './failed-trigger-listing';
import { httpRequestFromFcEvent } from './fc-http-request';
import { jsonResponse } from './http-response';

/** One route of the HTTP function: a method and path, and what answers it. */
interface HttpRoute {
  readonly method: string;
  readonly path: string;
  answer(http: HttpRequestInput, context: InvocationContext): Promise<FcHttpResponse>;
}

/**
 * The HTTP function's routes. `GET /schedule` lists the ledger; everything else is read as a plan to schedule,
 * whose reader answers 405 for a method other than POST (so a plan posted to any path still schedules, as before).
 */
const ROUTES: readonly HttpRoute[] = [
  { method: 'GET', path: '/schedule', answer: (http, context) => listSchedule(http, context) },
  { method: 'POST', path: '/', answer: (http, context) => schedulePostedPlan(http, context) },
];
const PLAN_ROUTE = ROUTES[1] as HttpRoute;

/** Middleware: reads FC's HTTP event into the request the routes answer. */
export function httpPlanRequest(): FcMiddleware {
  return {
    before: function readHttpRequest(request) {
      request.event = httpRequestFromFcEvent(request.event);
    },
  };
}

/** HTTP handler core: answers the request by its route. */
export async function scheduleHttpPlan(http: HttpRequestInput, context: InvocationContext): Promise<FcHttpResponse> {
  const path = http.path && http.path.length > 1 ? http.path.replace(/\/$/, '') : http.path;
  const route = ROUTES.find((candidate) => candidate.method === http.method && candidate.path === path) ?? PLAN_ROUTE;
  return route.answer(http, context);
}

/** `POST /`: schedules the plan and answers 201 with the group (or, for a retry, with what became of it). */
async function schedulePostedPlan(http: HttpRequestInput, context: InvocationContext): Promise<FcHttpResponse> {
  const request = readHttpPlanRequest(http, undefined, getFcInstance().environment.planRules);
  const result = await schedulePlan(request, scheduleDependenciesFor(context));
  return jsonResponse(201, {
    ProgramId: result.ProgramId,
    ItemIds: result.ItemIds,
    RequestId: result.RequestId,
    ClientToken: result.ClientToken,
    State: result.State,
    ...(result.FromLedger ? { FromLedger: true } : {}),
    ...(result.Slot === undefined ? {} : { Slot: result.Slot }),
    ...(result.OffAirAt === undefined ? {} : { OffAirAt: result.OffAirAt }),
    ...(result.Overlaps ? { Overlaps: result.Overlaps } : {}),
    ...(result.warnings ? { warnings: result.warnings } : {}),
  });
}

/**
 * `GET /schedule[?caster=ID]`: the open records of the ledger (`?failed=1`: the failed triggers, failed-trigger-listing.ts), by StartTime, secrets redacted, each group that airs
 * at the same time as another slot of its studio marked `Overlaps`. `Incomplete` gives the time of the first lost
 * ledger write not yet repaired, when there is one. The ledger is shared (the CLI and other deployments write it
 * too), so the allow-lists decide what is shown: a studio this function may not schedule for is refused (403, as
 * POST refuses it) and never listed.
 */
async function listSchedule(http: HttpRequestInput, context: InvocationContext): Promise<FcHttpResponse> {
  const query = readScheduleQuery(http);
  const { ledger, environment } = getFcInstance();
  const { studioAccess, defaultCasterId } = environment;
  authorizeListing(studioAccess, query.caster, defaultCasterId);
  if (!ledger) throw new HttpError(404, 'NoLedger', 'This function keeps no ledger: set REDIS_URL (or LEDGER_FILE for one instance)');
  if (query.failed) return listFailedTriggers(ledger, query, { studioAccess, defaultCasterId }, context);
  let records: LedgerRecord[];
  let gaps: Record<string, string>;
  try {
    [records, gaps] = await Promise.all([ledger.readOpen(), ledger.readGaps()]);
  } catch (error) {
    // The cause (a file path, a Redis host) goes to the logs, not to the caller.
    context.invocationLogger.error('the ledger could not be read', { error });
    throw new HttpError(503, 'LedgerUnavailable', 'The schedule ledger cannot be read right now; try again later', { 'retry-after': '5' });
  }
  const shown = records.filter(
    (record) => (query.caster === undefined || record.CasterId === query.caster) && mayListRecord(studioAccess, record, defaultCasterId),
  );
  const incomplete = Object.values(gaps).sort()[0];
  return jsonResponse(200, redact({ Records: withOverlaps(shown), ...(incomplete === undefined ? {} : { Incomplete: incomplete }) }));
}
