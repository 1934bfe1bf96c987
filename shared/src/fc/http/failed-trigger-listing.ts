import { mayListRecord, type StudioAccessLists } from '../../authorization/studio-access';
import { HttpError } from '../../errors';
import type { FailedTrigger } from '../../ledger/failed-trigger';
import type { Ledger } from '../../ledger/ledger';
import { redact } from '../../logging/redact';
import type { ScheduleQuery } from '../../triggers/http/schedule-query';
import type { FcHttpResponse, InvocationContext } from '../fc-types';
import { jsonResponse } from './http-response';

/**
 * `GET /schedule?failed=1[&caster=ID]`: the timer ticks and events that failed and have not succeeded since, the most
 * recent failure first, each with its reason (the API's Code and RequestId, or the field errors), its attempts and
 * its input as it arrived, secrets redacted. The allow-lists decide what is shown, as for the records: a failure is
 * listed when its studio (the one its input names, else CASTER_ID) may be listed.
 */
export async function listFailedTriggers(
  ledger: Ledger,
  query: ScheduleQuery,
  access: { readonly studioAccess: StudioAccessLists; readonly defaultCasterId?: string | undefined },
  context: InvocationContext,
): Promise<FcHttpResponse> {
  let failures: FailedTrigger[];
  try {
    failures = await ledger.readFailures();
  } catch (error) {
    context.invocationLogger.error('the ledger could not be read', { error });
    throw new HttpError(503, 'LedgerUnavailable', 'The schedule ledger cannot be read right now; try again later', { 'retry-after': '5' });
  }
  const shown = failures.filter(
    (failure) =>
      (query.caster === undefined || failure.CasterId === query.caster) &&
      mayListRecord(access.studioAccess, { CasterId: failure.CasterId, DomainName: failure.DomainName ?? '' }, access.defaultCasterId),
  );
  return jsonResponse(200, redact({ Failures: shown }));
}
