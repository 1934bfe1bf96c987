import { HttpError } from '../../errors';
import type { HttpRequestInput } from './http-request-fields';

/** `GET /schedule?caster=ID[&failed=1]`: a request for the ledger's records (or failed triggers), optionally of one studio. */
export interface ScheduleQuery {
  readonly kind: 'schedule-query';
  readonly caster?: string | undefined;
  /** `failed=1`: the failed timer ticks and events instead of the records. */
  readonly failed: boolean;
}

const SCHEDULE_PATH = '/schedule';
// The plan schema's CasterId rule.
const CASTER_ID = /^[A-Za-z0-9_*-]{1,64}$/;
const FLAG_VALUES: ReadonlySet<string> = new Set(['1', 'true', '0', 'false', '']);

/** True for a request aimed at the schedule listing rather than at scheduling a plan. */
export function isScheduleQuery(request: HttpRequestInput): boolean {
  return request.method === 'GET' && (request.path === SCHEDULE_PATH || request.path === `${SCHEDULE_PATH}/`);
}

/** Reads `GET /schedule`'s query; a malformed `caster` or `failed` is a 400 naming the parameter, never echoing it. */
export function readScheduleQuery(request: HttpRequestInput): ScheduleQuery {
  const caster = request.query?.['caster'];
  if (caster !== undefined && caster !== '' && !CASTER_ID.test(caster)) {
    throw new HttpError(400, 'InvalidQuery', 'caster must be 1 to 64 letters, digits, "_", "-" or "*"');
  }
  const failed = request.query?.['failed'];
  if (failed !== undefined && !FLAG_VALUES.has(failed)) {
    throw new HttpError(400, 'InvalidQuery', 'failed must be 1, true, 0 or false');
  }
  return { kind: 'schedule-query', caster: caster || undefined, failed: failed === '1' || failed === 'true' };
}
