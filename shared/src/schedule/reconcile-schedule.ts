import { LedgerUnavailableError } from '../ledger/ledger-errors';
import type { LedgerRecord } from '../ledger/ledger-record';
import type { OpenFilter } from '../ledger/ledger-store';
import { completeAdd, completeDelete, nowIsoOf, nowMsOf, recordEvent } from './group-steps';
import { type DueDeletion, dueDeletions, isLeftBehind, slotKeyOf } from './lifecycle';
import type { ScheduleDependencies } from './schedule-carousel';

/** A step a reconciliation could not take, with the code of the failure: it stays for the next one. */
export interface ReconcileFailure {
  readonly ClientToken: string;
  readonly ProgramId?: string | undefined;
  readonly State: string;
  /** The studio and slot it belongs to (`<CasterId>/<slot>`), when it has a slot: which slot is not reconciled. */
  readonly Slot?: string | undefined;
  readonly code: string;
}

/** What a reconciliation did. */
export interface ReconcileOutcome {
  /** Pending records it finished (an add or a delete whose answer had been lost), with the state each reached. */
  readonly finished: readonly { readonly ClientToken: string; readonly ProgramId?: string | undefined; readonly State: string }[];
  /** Groups deleted because the next group of their slot has started. */
  readonly retired: readonly string[];
  /** Groups deleted before they aired, replaced at the same StartTime. */
  readonly replaced: readonly string[];
  readonly failed: readonly ReconcileFailure[];
  /** True when the deadline stopped it before everything due was done. */
  readonly stoppedByDeadline: boolean;
}

// Stop starting calls this close to the deadline: a call that cannot finish would only be retried.
const CALL_BUDGET_MS = 1_000;

/** The deletions due now among these open records, without doing anything (`gc --dry-run`). */
export function deletionsDue(records: readonly LedgerRecord[], nowMs: number): DueDeletion[] {
  return dueDeletions(records, nowMs);
}

/**
 * Brings the schedule in line with its timeline: first finishes what lost answers or crashes left pending (an
 * intent is sent again with its token, a delete is sent again; only once its actor has had the ledger's pending grace), then deletes each group whose window is over
 * (its successor has started) or empty (replaced at the same StartTime). Scope: one slot, one studio or all.
 */
export async function reconcileSchedule(dependencies: ScheduleDependencies, filter: OpenFilter = {}): Promise<ReconcileOutcome> {
  const { ledger, session } = dependencies;
  if (!ledger) throw new Error('reconcileSchedule needs a ledger');
  const finished: { ClientToken: string; ProgramId?: string | undefined; State: string }[] = [];
  const retired: string[] = [];
  const replaced: string[] = [];
  const failed: ReconcileFailure[] = [];
  let stoppedByDeadline = false;
  const timeLeft = (): boolean => {
    if (session.deadlineAtMs === undefined || Date.now() + CALL_BUDGET_MS <= session.deadlineAtMs) return true;
    stoppedByDeadline = true;
    return false;
  };
  const fail = (record: LedgerRecord, error: unknown): void => {
    failed.push({
      ClientToken: record.ClientToken,
      ProgramId: record.ProgramId,
      State: record.State,
      Slot: slotKeyOf(record),
      code: codeOf(error),
    });
  };

  for (const record of await ledger.readOpen(filter)) {
    if (!isLeftBehind(record, nowMsOf(dependencies), ledger.pendingGraceMs) || !timeLeft()) continue;
    try {
      const step =
        record.State === 'intent' ? await completeAdd(ledger, record, dependencies) : await completeDelete(ledger, record, dependencies);
      if (step.write !== 'conflict')
        finished.push({ ClientToken: record.ClientToken, ProgramId: step.record.ProgramId, State: step.record.State });
    } catch (error) {
      fail(record, error);
    }
  }

  for (const due of dueDeletions(await ledger.readOpen(filter), nowMsOf(dependencies))) {
    if (!timeLeft()) break;
    const started = await recordEvent(ledger, due.record, due.event, nowIsoOf(dependencies));
    if (started.write === 'conflict') continue; // another actor moved it: it decides
    if (started.write === 'lost') {
      // Deleted without `retiring` written, the record would name a group the studio no longer has: the next
      // reconciliation deletes it instead, once the ledger can say so first.
      fail(due.record, new LedgerUnavailableError('The ledger could not record the deletion before it was sent'));
      continue;
    }
    try {
      const done = await completeDelete(ledger, started.record, dependencies);
      (done.record.State === 'replaced' ? replaced : retired).push(due.record.ProgramId as string);
    } catch (error) {
      fail(started.record, error);
    }
  }
  if (failed.length > 0 || stoppedByDeadline) {
    session.logger.warn('the schedule is not fully reconciled; the next tick or gc finishes it', { failed, stoppedByDeadline });
  }
  return { finished, retired, replaced, failed, stoppedByDeadline };
}

function codeOf(error: unknown): string {
  return (error as { code?: string } | undefined)?.code ?? 'Error';
}
