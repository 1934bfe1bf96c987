import { UsageError } from '../errors';
import type { LedgerRecord } from '../ledger/ledger-record';
import { completeDelete, nowIsoOf, writeRecord } from './group-steps';
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
    if (decision.record !== record && (await writeRecord(ledger, decision.record, decision.expectedVersion)) === 'conflict') {
      record = await ledger.readByProgramId(programId);
      continue;
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
