import type { RecordIndex, TriggerView } from '../schedule/lifecycle';
import type { FailedTrigger } from './failed-trigger';
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

/**
 * A record as an export holds it (`ledger import`), filed where `recordIndex` says, or straight into the archive of
 * `archiveMonth` (yyyy-MM) when it ended longer ago than the retention. Applied only over an older version of its
 * token (or none): an import never moves a record back.
 */
export interface RecordImport {
  readonly record: LedgerRecord;
  readonly index: RecordIndex;
  readonly archiveMonth?: string | undefined;
}

/** What an import did: records new to the store, records it held at an older version, records it already held. */
export interface ImportCounts {
  readonly added: number;
  readonly updated: number;
  readonly unchanged: number;
}

/** One page of archived records and where the next one starts (absent after the last page). */
export interface ArchivePage {
  readonly records: LedgerRecord[];
  readonly next?: string | undefined;
}

/** Which archived records to page through: those that ended at or after `sinceMs`, from `cursor` on. */
export interface ArchiveQuery {
  readonly sinceMs?: number | undefined;
  readonly cursor?: string | undefined;
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
  /**
   * Every record not archived: the open ones and those that ended within the retention (`ls --all` adds the archive).
   * Its cost follows the live records, not history.
   */
  readAll(scope: string): Promise<LedgerRecord[]>;
  /** Applies a change atomically; false, with nothing written, when a version or generation moved meanwhile. */
  apply(scope: string, change: LedgerChange): Promise<boolean>;
  /** The lost writes not yet repaired. */
  readGaps(scope: string): Promise<LedgerGaps>;
  /** Records lost writes; an earlier time for a token is kept. A settled write of that token later repairs it. */
  noteGaps(scope: string, gaps: LedgerGaps): Promise<void>;
  /** Removes each token's gap while it still holds the given time (a gap noted again since, with another time, stays). */
  forgetGaps(scope: string, gaps: LedgerGaps): Promise<void>;
  /**
   * Records a failed delivery of a trigger under `failure.Key`, atomically merged with what the store holds
   * (mergeFailure: Attempts grows by one, at least to `failure.Attempts`; the first failure's time is kept).
   * Returns the entry as stored.
   */
  recordFailure(scope: string, failure: FailedTrigger): Promise<FailedTrigger>;
  /** Forgets the failures of these keys (a later success of the trigger); returns how many it held. */
  clearFailures(scope: string, keys: readonly string[]): Promise<number>;
  /** Every failed trigger of the scope, the most recent failure first. */
  readFailures(scope: string): Promise<FailedTrigger[]>;
  /**
   * Moves at most `limit` records that ended (a final state, by UpdatedAt) before `endedBeforeMs` to the archive of
   * the month they ended in; returns how many moved. Archived records stay readable by their trigger and ProgramId
   * (the token index is kept), never again in readOpen or readAll, and take no more writes.
   */
  archiveEnded?(scope: string, endedBeforeMs: number, limit: number): Promise<number>;
  /** One page of the archive, oldest month first, read on demand (`ls --all`, `ls --since`, `ledger export`). */
  readArchive?(scope: string, query: ArchiveQuery): Promise<ArchivePage>;
  /** Files exported records as they are (`ledger import`): idempotent, never over a newer version. */
  importRecords?(scope: string, imports: readonly RecordImport[]): Promise<ImportCounts>;
  /** Every scope holding records, with their counts (for `ls` over an empty scope); optional for a store. */
  readScopes?(): Promise<ScopeSummary[]>;
  /** Opens what the store needs (a Redis connection) ahead of the first request, e.g. in FC's initializer. */
  warmUp?(): Promise<void>;
  close(): Promise<void>;
}
