import type { LedgerRecord } from '../ledger/ledger-record';
import { nowIsoOf, recordEvent } from './group-steps';
import type { ScheduleDependencies } from './schedule-carousel';

/** What the service said of a group: still there, gone (now recorded `missing`), or no answer (the code). */
export type Verification = 'present' | 'missing' | `unknown (${string})`;

/**
 * Asks the service about each scheduled group with ListPlaylist filtered by its ProgramId, one at a time
 * (ListPlaylist allows 10 per second), and records the ones it no longer has as `missing`, so their triggers may
 * schedule anew. Assumed (UNCONFIRMED): groups made by AddCasterEpisodeGroup are listed by ListPlaylist, as the
 * AddCasterEpisodeGroupContent page says of its groups. Were that wrong, every group would read `missing`; so a
 * group is marked missing only when the service lists at least one other group of the scope, which shows that
 * episode groups do appear there.
 */
export async function verifyGroups(
  records: readonly LedgerRecord[],
  dependencies: ScheduleDependencies,
): Promise<Map<string, Verification>> {
  const verdicts = new Map<string, Verification>();
  const gone: LedgerRecord[] = [];
  let anyListed = false;
  for (const record of records) {
    if (record.State !== 'scheduled' || record.ProgramId === undefined) continue;
    try {
      const page = await dependencies.session.listPlaylist(record.ProgramId);
      if (page.ProgramIds.includes(record.ProgramId)) {
        anyListed = true;
        verdicts.set(record.ProgramId, 'present');
      } else {
        gone.push(record);
      }
    } catch (error) {
      verdicts.set(record.ProgramId, `unknown (${(error as { code?: string }).code ?? 'Error'})`);
    }
  }
  for (const record of gone) {
    const programId = record.ProgramId as string;
    if (!anyListed || !dependencies.ledger) {
      verdicts.set(programId, 'unknown (not listed, and no group of the scope is: ListPlaylist may not list episode groups)');
      continue;
    }
    await recordEvent(dependencies.ledger, record, 'verifiedMissing', nowIsoOf(dependencies));
    verdicts.set(programId, 'missing');
  }
  return verdicts;
}
