import { LiveApiError, UsageError } from '../errors';
import type { Ledger } from '../ledger/ledger';
import { LedgerUnavailableError } from '../ledger/ledger-errors';
import type { LedgerRecord } from '../ledger/ledger-record';
import { completeAdd, completeDelete, nowIsoOf, writeRecord } from './group-steps';
import { decideCancel } from './lifecycle';
import type { ScheduleDependencies } from './schedule-carousel';

/** What a cancel did. */
export interface CancelOutcome {
  readonly ProgramId: string;
  /** The record's state after the cancel; `deleted (not in the ledger)` for a group only the studio knew. */
  readonly State: string;
  readonly RequestId?: string | undefined;
  /** True when DeleteCasterEpisodeGroup found nothing: the studio no longer had the group. */
  readonly AlreadyGone: boolean;
  /** True when the ledger already held the group as deleted: nothing was sent. */
  readonly AlreadyDone: boolean;
  readonly record?: LedgerRecord | undefined;
}

// Each round either finishes or follows a racer's write.
const MAX_ROUNDS = 4;

/**
 * Deletes a group a person no longer wants (DeleteCasterEpisodeGroup) and records it `cancelled`, writing
 * `cancelling` first so a lost answer is finished by the next actor. Its trigger then schedules anew (its next
 * token generation), and the group before it in its slot keeps the air. A group the ledger already holds as
 * deleted is answered from it; one unknown to both the ledger and the studio is the API's own error.
 */
export async function cancelGroup(programId: string, dependencies: ScheduleDependencies): Promise<CancelOutcome> {
  const { ledger, session } = dependencies;
  let record = ledger ? await ledger.readByProgramId(programId) : undefined;
  // The group may be an intent's whose answer was lost (the ledger has no ProgramId for it yet): deleting it
  // around the ledger would let that intent be finished later with the group's ProgramId, a record naming a
  // group the studio no longer has. Pending adds are finished first, so the cancel is recorded against it.
  if (ledger && !record && (await finishPendingAdds(ledger, dependencies))) record = await ledger.readByProgramId(programId);
  if (!ledger || !record) {
    const { RequestId } = await session.deleteEpisodeGroup(programId);
    return { ProgramId: programId, State: 'deleted (not in the ledger)', RequestId, AlreadyGone: false, AlreadyDone: false };
  }
  for (let round = 0; round < MAX_ROUNDS && record; round += 1) {
    const decision = decideCancel(record, nowIsoOf(dependencies));
    if (decision.kind === 'alreadyDone') {
      return { ProgramId: programId, State: record.State, AlreadyGone: false, AlreadyDone: true, record };
    }
    if (decision.kind === 'notCancellable') throw new UsageError(`${programId} cannot be cancelled: ${decision.reason}`);
    if (decision.record !== record) {
      const outcome = await writeRecord(ledger, decision.record, decision.expectedVersion);
      if (outcome === 'conflict') {
        record = await ledger.readByProgramId(programId);
        continue;
      }
      // Deleting without `cancelling` written would leave the record `scheduled` for a group the studio no longer
      // has, which no reconciliation repairs and which its trigger's retries would keep answering with.
      if (outcome === 'lost')
        throw new LedgerUnavailableError(`The ledger could not record the cancel of ${programId}; nothing was deleted, try again`);
    }
    const done = await completeDelete(ledger, decision.record, dependencies);
    return {
      ProgramId: programId,
      State: done.record.State,
      RequestId: done.requestId,
      AlreadyGone: done.alreadyGone,
      AlreadyDone: false,
      record: done.record,
    };
  }
  throw new UsageError(`${programId} kept changing while it was being cancelled; run cancel again`);
}

/**
 * Sends the AddCasterEpisodeGroup of every intent of the scope again (the same token answers with the same group)
 * and records the answers; true when there was any. An add that fails, or whose answer cannot be recorded, stops
 * the cancel: the group to cancel may be that intent's.
 */
async function finishPendingAdds(ledger: Ledger, dependencies: ScheduleDependencies): Promise<boolean> {
  const intents = (await ledger.readOpen()).filter((record) => record.State === 'intent');
  for (const intent of intents) {
    let step: Awaited<ReturnType<typeof completeAdd>>;
    try {
      step = await completeAdd(ledger, intent, dependencies);
    } catch (error) {
      // Refused for good: recorded `failed`, it owns no group. Anything else: it may own the group, so stop.
      if (error instanceof LiveApiError && !error.retryable) continue;
      throw error;
    }
    if (step.write === 'lost') throw new LedgerUnavailableError('The ledger could not record a pending group before the cancel; try again');
  }
  return intents.length > 0;
}
