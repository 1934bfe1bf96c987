import { HttpError } from '../../errors';
import type { HttpRequestInput } from './http-request-fields';

/** `GET /schedule?caster=ID`: a request for the ledger's records, optionally of one studio. */
export interface ScheduleQuery {
  readonly kind: 'schedule-query';
  readonly caster?: string | undefined;
}

const SCHEDULE_PATH = '/schedule';
// The plan schema's CasterId rule.
const CASTER_ID = /^[A-Za-z0-9_*-]{1,64}$/;

/** True for a request aimed at the schedule listing rather than at scheduling a plan. */
export function isScheduleQuery(request: HttpRequestInput): boolean {
  return request.method === 'GET' && (request.path === SCHEDULE_PATH || request.path === `${SCHEDULE_PATH}/`);
}

/** Reads `GET /schedule`'s query; a malformed `caster` is a 400 naming the parameter, never echoing it. */
export function readScheduleQuery(request: HttpRequestInput): ScheduleQuery {
  const caster = request.query?.['caster'];
  if (caster !== undefined && caster !== '' && !CASTER_ID.test(caster)) {
    throw new HttpError(400, 'InvalidQuery', 'caster must be 1 to 64 letters, digits, "_", "-" or "*"');
  }
  return { kind: 'schedule-query', caster: caster || undefined };
}
