import type { LiveClient } from '../live/live-client';
import type { LedgerRecord } from './ledger-record';
import { isLive } from './ledger-scope-data';

/** What the service said of a record: still there, gone, or no answer (the code of the failure). */
export type Verification = 'present' | 'missing' | `unknown (${string})`;

/**
 * Asks the service about each live record with ListPlaylist filtered by its ProgramId. The link between an
 * episode group and a playlist is documented for AddCasterEpisodeGroupContent and assumed (UNCONFIRMED) for
 * AddCasterEpisodeGroup; that is why a missing group is only reported, never changed in the ledger.
 * Records that are not live are not asked about. One request at a time: ListPlaylist allows 10 per second.
 */
export async function verifyRecords(
  client: LiveClient,
  records: readonly LedgerRecord[],
  deadlineAtMs?: number,
): Promise<Map<string, Verification>> {
  const verdicts = new Map<string, Verification>();
  for (const record of records) {
    if (!isLive(record)) continue;
    try {
      const body = await client.call(
        'ListPlaylist',
        { ProgramId: record.ProgramId, Page: '1', PageSize: '10' },
        { httpMethod: 'POST', ...(deadlineAtMs === undefined ? {} : { deadlineAtMs }), logFields: { ProgramId: record.ProgramId } },
      );
      verdicts.set(record.ProgramId, programIds(body['ProgramList']).includes(record.ProgramId) ? 'present' : 'missing');
    } catch (error) {
      verdicts.set(record.ProgramId, `unknown (${(error as { code?: string }).code ?? 'Error'})`);
    }
  }
  return verdicts;
}

// The SDK model has ProgramList as an array; an XML-to-JSON answer may wrap it as { Program: [...] }.
function programIds(list: unknown): string[] {
  const entries = Array.isArray(list) ? list : list && typeof list === 'object' ? Object.values(list).flat() : [];
  return entries
    .map((entry) => (entry && typeof entry === 'object' ? (entry as { ProgramId?: unknown }).ProgramId : undefined))
    .filter((id): id is string => typeof id === 'string');
}
