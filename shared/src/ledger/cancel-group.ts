import { LiveApiError } from '../errors';
import type { LiveClient } from '../live/live-client';
import { deleteCasterEpisodeGroup } from '../live/operations';
import type { Ledger } from './ledger';
import type { LedgerRecord } from './ledger-record';

/** What a cancel did: the API's RequestId, or that the studio no longer had the group. */
export interface CancelOutcome {
  readonly ProgramId: string;
  readonly RequestId?: string | undefined;
  /** True when DeleteCasterEpisodeGroup found nothing and the ledger's record was closed anyway. */
  readonly AlreadyGone: boolean;
  /** The record after the change, when the ledger held the group. */
  readonly record?: LedgerRecord | undefined;
}

// The emulator's answer for an unknown ProgramId; the service documents none (UNCONFIRMED).
const NOT_FOUND_CODE = 'InvalidProgram.NotFound';

/**
 * Deletes a group (DeleteCasterEpisodeGroup), then marks its record `cancelled`, so the trigger that made it
 * schedules anew (next token generation) instead of replaying the deleted ProgramId. A group the studio no
 * longer has is closed in the ledger too; one unknown to both is the API's error.
 */
export async function cancelGroup(
  client: LiveClient,
  ledger: Ledger | undefined,
  programId: string,
  nowIso = new Date().toISOString(),
): Promise<CancelOutcome> {
  let requestId: string | undefined;
  let notFound: LiveApiError | undefined;
  try {
    requestId = (await deleteCasterEpisodeGroup(client, programId, { logFields: { ProgramId: programId } })).RequestId;
  } catch (error) {
    if (!(ledger && error instanceof LiveApiError && error.code === NOT_FOUND_CODE)) throw error;
    notFound = error;
  }
  const record = await ledger?.transition({ programId, from: ['scheduled', 'superseded'], to: 'cancelled', updatedAt: nowIso });
  // Unknown to both: the API's own answer, with its RequestId, is what an operator needs.
  if (notFound && !record) throw notFound;
  const alreadyGone = notFound !== undefined;
  return { ProgramId: programId, RequestId: requestId, AlreadyGone: alreadyGone, record };
}
