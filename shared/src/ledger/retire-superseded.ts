import { LiveApiError } from '../errors';
import type { CallOptions, LiveClient } from '../live/live-client';
import { deleteCasterEpisodeGroup } from '../live/operations';
import type { Ledger } from './ledger';
import type { LedgerRecord } from './ledger-record';
import { isLive, slotKeyOf } from './ledger-scope-data';

/** A superseded group whose successor has started, and so may go off air without leaving dead air. */
export interface RetirementCandidate {
  readonly record: LedgerRecord;
  readonly successor: LedgerRecord;
}

/**
 * The superseded groups that can be deleted now: their successor is still live and its StartTime has passed.
 * A group whose successor was cancelled, is unknown, or has not started yet stays on air.
 */
export function retirementCandidates(records: readonly LedgerRecord[], nowMs: number, slotKey?: string): RetirementCandidate[] {
  const byId = new Map(records.map((record) => [record.ProgramId, record]));
  const candidates: RetirementCandidate[] = [];
  for (const record of records) {
    if (record.State !== 'superseded' || record.SupersededBy === undefined) continue;
    if (slotKey !== undefined && slotKeyOf(record) !== slotKey) continue;
    const successor = byId.get(record.SupersededBy);
    if (!successor || !isLive(successor) || Date.parse(successor.StartTime) > nowMs) continue;
    candidates.push({ record, successor });
  }
  return candidates;
}

export interface RetireOptions extends Pick<CallOptions, 'logger' | 'credentials'> {
  readonly nowMs?: number;
  readonly deadlineAtMs?: number | undefined;
  /** Only this slot (a slotKeyOf value); every slot of the ledger when absent. */
  readonly slotKey?: string | undefined;
}

export interface RetireOutcome {
  readonly retired: string[];
  readonly failed: { ProgramId: string; code: string }[];
}

// DeleteCasterEpisodeGroup documents no "not found" code; the emulator answers InvalidProgram.NotFound
// (UNCONFIRMED on the service). A group already gone is as good as deleted: it is retired too.
const ALREADY_GONE_CODES = new Set(['InvalidProgram.NotFound']);
// Stop starting deletes this close to the deadline: a delete that cannot finish would only be retried.
const DELETE_BUDGET_MS = 1_000;

/** Deletes every superseded group whose successor has started (DeleteCasterEpisodeGroup), then marks it `retired`. */
export async function retireSupersededGroups(ledger: Ledger, client: LiveClient, options: RetireOptions = {}): Promise<RetireOutcome> {
  const nowMs = options.nowMs ?? Date.now();
  const { records } = await ledger.load();
  const outcome: RetireOutcome = { retired: [], failed: [] };
  for (const { record } of retirementCandidates(records, nowMs, options.slotKey)) {
    if (options.deadlineAtMs !== undefined && Date.now() + DELETE_BUDGET_MS > options.deadlineAtMs) break;
    try {
      await deleteCasterEpisodeGroup(client, record.ProgramId, {
        deadlineAtMs: options.deadlineAtMs,
        logFields: { ProgramId: record.ProgramId },
      });
    } catch (error) {
      if (!(error instanceof LiveApiError && ALREADY_GONE_CODES.has(error.code))) {
        outcome.failed.push({ ProgramId: record.ProgramId, code: (error as { code?: string }).code ?? 'Error' });
        continue;
      }
    }
    await ledger.transition({ programId: record.ProgramId, from: ['superseded'], to: 'retired', updatedAt: new Date().toISOString() });
    outcome.retired.push(record.ProgramId);
  }
  return outcome;
}
