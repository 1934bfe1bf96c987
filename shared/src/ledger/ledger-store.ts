import type { RecordIndex, TriggerView } from '../schedule/lifecycle';
import type { LedgerRecord } from './ledger-record';

/** One record to write, applied only while the stored version is still `expectedVersion` (0: no record yet). */
export interface RecordWrite {
  readonly record: LedgerRecord;
  readonly expectedVersion: number;
  /** Where the record is filed, as `recordIndex` derives it. */
  readonly index: RecordIndex;
}

/** A trigger's move to its next generation, applied only while it is still at `from`. */
export interface GenerationWrite {
  readonly baseToken: string;
  readonly from: number;
}

/** Writes applied all together or not at all. */
export interface LedgerChange {
  readonly records?: readonly RecordWrite[];
  readonly generation?: GenerationWrite;
}

/** Which open records to read: one slot, one studio, or the whole scope. */
export interface OpenFilter {
  readonly slotKey?: string | undefined;
  readonly studioKey?: string | undefined;
}

/** How many records one scope holds: where a person's records are when their own scope is empty. */
export interface ScopeSummary {
  readonly scope: string;
  readonly records: number;
  readonly open: number;
}

/** Writes that were lost (the store did not answer), by ClientToken, with the time of the first loss. */
export type LedgerGaps = Readonly<Record<string, string>>;

/**
 * Where records live (Redis or a JSON file). Every method is one atomic update or one consistent read of one
 * scope. A store holds no rule of the schedule: it compares versions, writes, and keeps the indexes a write names.
 */
export interface LedgerStore {
  /** `redis` or `file`, with where (a file path, a Redis host) for messages. */
  readonly description: string;
  /** The trigger's current generation and the record of that generation's token. */
  readTrigger(scope: string, baseToken: string): Promise<TriggerView>;
  /** The record of a group, by the ProgramId the API gave it. */
  readByProgramId(scope: string, programId: string): Promise<LedgerRecord | undefined>;
  /** The open (not final) records of a slot, a studio or the scope, by StartTime. */
  readOpen(scope: string, filter?: OpenFilter): Promise<LedgerRecord[]>;
  /** Every record of the scope, final ones included (for `ls --all`); the cost grows with history. */
  readAll(scope: string): Promise<LedgerRecord[]>;
  /** Applies a change atomically; false, with nothing written, when a version or generation moved meanwhile. */
  apply(scope: string, change: LedgerChange): Promise<boolean>;
  /** The lost writes not yet repaired. */
  readGaps(scope: string): Promise<LedgerGaps>;
  /** Records lost writes; an earlier time for a token is kept. A settled write of that token later repairs it. */
  noteGaps(scope: string, gaps: LedgerGaps): Promise<void>;
  /** Every scope holding records, with their counts (for `ls` over an empty scope); optional for a store. */
  readScopes?(): Promise<ScopeSummary[]>;
  /** Opens what the store needs (a Redis connection) ahead of the first request, e.g. in FC's initializer. */
  warmUp?(): Promise<void>;
  close(): Promise<void>;
}
