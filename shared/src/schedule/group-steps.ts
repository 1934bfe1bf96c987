/**
 * The calls that move a pending record on, each followed by the write of its answer: shared by every actor
 * (a submission, a reconciliation, a cancel), so whoever comes next finishes what a lost answer or a crash left.
 */
import { LiveApiError } from '../errors';
import type { Ledger, WriteOutcome } from '../ledger/ledger';
import type { LedgerRecord } from '../ledger/ledger-record';
import type { EpisodeGroupRequest } from '../live/operations';
import { applyEvent, deletedEvent, type EventDetails, type GroupEvent, recordIndex } from './lifecycle';
import { type ScheduleDependencies, sendEpisodeGroup } from './schedule-carousel';

/** A record after a step, and how its write went (`conflict`: a racer moved it first; read it again). */
export interface StepOutcome {
  readonly record: LedgerRecord;
  readonly write: WriteOutcome;
}

// DeleteCasterEpisodeGroup documents no "not found" code; the emulator answers InvalidProgram.NotFound
// (UNCONFIRMED on the service). A group already gone is as good as deleted.
const ALREADY_GONE_CODE = 'InvalidProgram.NotFound';

/** Writes one record over the version it was decided on. */
export function writeRecord(ledger: Ledger, record: LedgerRecord, expectedVersion: number): Promise<WriteOutcome> {
  return ledger.write({ records: [{ record, expectedVersion, index: recordIndex(record) }] });
}

/** Moves a record by `event` and writes it over its current version. */
export async function recordEvent(
  ledger: Ledger,
  record: LedgerRecord,
  event: GroupEvent,
  nowIso: string,
  details?: EventDetails,
): Promise<StepOutcome> {
  const next = applyEvent(record, event, nowIso, details);
  return { record: next, write: await writeRecord(ledger, next, record.Version) };
}

/** The AddCasterEpisodeGroup an intent stands for: its token and the parameters it recorded, never looked up again. */
export function episodeGroupOf(record: LedgerRecord): EpisodeGroupRequest {
  return {
    ...record.Resolved,
    StartTime: record.StartTime,
    RepeatNum: record.RepeatNum,
    Items: record.Items,
    ClientToken: record.ClientToken,
  };
}

/**
 * Sends an intent's AddCasterEpisodeGroup (again, after a lost answer: the same token makes the API answer with
 * the same group) and records the group. A refusal for good is recorded as `failed` with its Code and RequestId,
 * then thrown; any other error leaves the intent for the next actor (the group may exist) and is thrown.
 */
export async function completeAdd(ledger: Ledger, intent: LedgerRecord, dependencies: ScheduleDependencies): Promise<StepOutcome> {
  let answer: Awaited<ReturnType<typeof sendEpisodeGroup>>;
  try {
    answer = await sendEpisodeGroup(episodeGroupOf(intent), intent.CasterId, dependencies);
  } catch (error) {
    if (error instanceof LiveApiError && !error.retryable) {
      const refusal = { Code: error.code, Message: error.detail, RequestId: error.requestId };
      await recordEvent(ledger, intent, 'refused', nowIsoOf(dependencies), { refusal });
    }
    throw error;
  }
  return recordEvent(ledger, intent, 'added', nowIsoOf(dependencies), { answer });
}

/** Sends the DeleteCasterEpisodeGroup a `cancelling` or `retiring` record stands for, then records it done. */
export async function completeDelete(
  ledger: Ledger,
  record: LedgerRecord,
  dependencies: ScheduleDependencies,
): Promise<StepOutcome & { readonly requestId?: string | undefined; readonly alreadyGone: boolean }> {
  let requestId: string | undefined;
  let alreadyGone = false;
  try {
    requestId = (await dependencies.session.deleteEpisodeGroup(record.ProgramId as string)).RequestId;
  } catch (error) {
    if (!(error instanceof LiveApiError && error.code === ALREADY_GONE_CODE)) throw error;
    alreadyGone = true;
  }
  return { ...(await recordEvent(ledger, record, deletedEvent(record), nowIsoOf(dependencies))), requestId, alreadyGone };
}

/** Now, as ISO 8601 UTC, on the dependencies' clock. */
export function nowIsoOf(dependencies: Pick<ScheduleDependencies, 'nowMs'>): string {
  return new Date(nowMsOf(dependencies)).toISOString();
}

/** Now, in epoch ms, on the dependencies' clock. */
export function nowMsOf(dependencies: Pick<ScheduleDependencies, 'nowMs'>): number {
  return (dependencies.nowMs ?? Date.now)();
}
