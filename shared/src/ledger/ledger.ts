import { type Logger, silentLogger } from '../logging/logger';
import { DEFAULT_PENDING_GRACE_MS, recordIndex, type TriggerView } from '../schedule/lifecycle';
import type { FailedTrigger } from './failed-trigger';
import type { LedgerRecord } from './ledger-record';
import type {
  ArchivePage,
  ArchiveQuery,
  ImportCounts,
  LedgerChange,
  LedgerGaps,
  LedgerStore,
  OpenFilter,
  RecordImport,
  ScopeSummary,
} from './ledger-store';
import { archiveMonthOf } from './record-line';

/** How long a record that ended stays live before it moves to the archive (LEDGER_RETENTION_DAYS): 30 days. */
export const DEFAULT_RETENTION_MS = 30 * 24 * 3_600_000;

/** How a write went: applied, refused because a racer changed what it was decided on, or lost (the store did not answer). */
export type WriteOutcome = 'applied' | 'conflict' | 'lost';

/**
 * The ledger of one scope, as the schedule's actors use it. A lost write never stops scheduling (the ClientToken
 * stays the safety net): it is logged as a warning with what was being written (redacted, as every log line is),
 * and the tokens it concerned are recorded as gaps by the next write that succeeds, so `ls` and `GET /schedule`
 * show `Incomplete` until a settled write of each token repairs it.
 */
export interface Ledger {
  readonly scope: string;
  readonly description: string;
  /** How long a pending record belongs to its actor before a reconciliation finishes it (LEDGER_PENDING_GRACE_S). */
  readonly pendingGraceMs: number;
  /** Undefined when the store could not answer: the caller schedules with the trigger's first-generation token. */
  readTrigger(baseToken: string): Promise<TriggerView | undefined>;
  /** Throws when the store cannot answer. */
  readByProgramId(programId: string): Promise<LedgerRecord | undefined>;
  /** Throws when the store cannot answer: a listing or a reconciliation must never pass for complete when it is not. */
  readOpen(filter?: OpenFilter): Promise<LedgerRecord[]>;
  /** Every record not archived (open, or ended within the retention); throws when the store cannot answer. */
  readAll(): Promise<LedgerRecord[]>;
  /** How long a record that ended stays live before it moves to the archive (LEDGER_RETENTION_DAYS). */
  readonly retentionMs: number;
  /**
   * Moves at most `limit` records that ended longer than the retention before `nowMs` to the archive; returns how
   * many moved (0 for a store without one). Throws when the store cannot answer.
   */
  archiveEnded(nowMs: number, limit?: number): Promise<number>;
  /** One page of the archive, oldest month first; empty for a store without one. Throws when the store cannot answer. */
  readArchive(query?: ArchiveQuery): Promise<ArchivePage>;
  /** Files exported records as they are (those that ended longer than the retention before `nowMs` straight into the archive). */
  importRecords(records: readonly LedgerRecord[], nowMs: number): Promise<ImportCounts>;
  write(change: LedgerChange): Promise<WriteOutcome>;
  /** The lost writes not yet repaired (this process's included, even before the store took them). */
  readGaps(): Promise<LedgerGaps>;
  /**
   * Records a failed delivery of a trigger (ls --failed); undefined, logged as a warning, when the store did not
   * answer: the failure destination still has it.
   */
  recordFailure(failure: FailedTrigger): Promise<FailedTrigger | undefined>;
  /** Forgets the failures of triggers that have now succeeded; 0, logged as a warning, when the store did not answer. */
  clearFailures(keys: readonly string[]): Promise<number>;
  /** Every failed trigger, the most recent failure first; throws when the store cannot answer. */
  readFailures(): Promise<FailedTrigger[]>;
  /** Every scope of the store holding records, this one included; absent when the store cannot list them. */
  readScopes?(): Promise<ScopeSummary[]>;
  /** Connects ahead of the first request; a failure is only logged (the first request tries again). */
  warmUp?(): Promise<void>;
  close(): Promise<void>;
}

export interface LedgerOptions {
  readonly store: LedgerStore;
  readonly scope: string;
  readonly logger?: Logger;
  readonly pendingGraceMs?: number;
  readonly retentionMs?: number;
}

// Records moved per archiveEnded call unless the caller says: a submission archives a little at a time.
const ARCHIVE_BATCH = 200;

/** A write the store did not answer: when it was lost, and the record version it carried. */
interface LostWrite {
  readonly since: string;
  readonly baseToken: string;
  readonly generation: number;
  readonly version: number;
}

/** Wraps a store for one scope with the never-block-scheduling rule and the record of lost writes. */
export function createLedger(options: LedgerOptions): Ledger {
  const { store, scope } = options;
  const logger = options.logger ?? silentLogger;
  const retentionMs = options.retentionMs ?? DEFAULT_RETENTION_MS;
  // Lost writes not yet handed to the store, by token. A Map: a token may be any printable ASCII, "__proto__" included.
  const unsaved = new Map<string, LostWrite>();

  // A write the store did not answer may still have been applied: Redis runs a command that timed out once it
  // resumes. When the store already holds the token settled at (or past) the lost version, that write (or a later
  // one) was the settled write that repairs a gap; noted anyway, the gap would stay forever, as nothing writes a
  // settled record again.
  const repaired = async (token: string, lost: LostWrite): Promise<boolean> => {
    const view = await store.readTrigger(scope, lost.baseToken);
    if (view.generation > lost.generation) return true; // the trigger moved on, which only an ended record allows
    const record = view.record;
    return record?.ClientToken === token && record.Version >= lost.version && recordIndex(record).settled;
  };
  const saveGaps = async (): Promise<void> => {
    if (unsaved.size === 0) return;
    const lostWrites = new Map(unsaved);
    const timesOf = (tokens: Iterable<string>): Record<string, string> => {
      const times: Record<string, string> = {};
      for (const token of tokens) Object.defineProperty(times, token, { value: lostWrites.get(token)?.since, enumerable: true });
      return times;
    };
    const repairedTokens = async (): Promise<Set<string>> => {
      const tokens = new Set<string>();
      for (const [token, lost] of lostWrites) if (await repaired(token, lost)) tokens.add(token);
      return tokens;
    };
    try {
      const before = await repairedTokens();
      const gaps = timesOf([...lostWrites.keys()].filter((token) => !before.has(token)));
      if (Object.keys(gaps).length > 0) await store.noteGaps(scope, gaps);
      // A settled write that lands between the look above and the note finds no gap to repair, and nothing writes
      // a settled record again: look once more now that the gaps are there, and take back those already repaired
      // (an earlier attempt's too, if it failed before this step). A settled write after this repairs the rest.
      const after = await repairedTokens();
      if (after.size > 0) await store.forgetGaps(scope, timesOf(after));
      for (const [token, lost] of lostWrites) if (unsaved.get(token) === lost) unsaved.delete(token);
    } catch {
      // Still unwritable: the next write tries again.
    }
  };

  return {
    scope,
    description: store.description,
    pendingGraceMs: options.pendingGraceMs ?? DEFAULT_PENDING_GRACE_MS,
    async readTrigger(baseToken) {
      try {
        return await store.readTrigger(scope, baseToken);
      } catch (error) {
        // The group about to be sent blind gets no record: a gap for its token keeps `Incomplete` showing until a
        // retry of the trigger records it.
        if (!unsaved.has(baseToken)) unsaved.set(baseToken, { since: new Date().toISOString(), baseToken, generation: 1, version: 1 });
        logger.warn('ledger unreadable; scheduling with the trigger’s first-generation ClientToken', { ledger: store.description, error });
        return undefined;
      }
    },
    readByProgramId: (programId) => store.readByProgramId(scope, programId),
    readOpen: (filter) => store.readOpen(scope, filter),
    readAll: () => store.readAll(scope),
    retentionMs,
    archiveEnded: async (nowMs, limit = ARCHIVE_BATCH) => (store.archiveEnded ? store.archiveEnded(scope, nowMs - retentionMs, limit) : 0),
    readArchive: async (query = {}) => (store.readArchive ? store.readArchive(scope, query) : { records: [] }),
    async importRecords(records, nowMs) {
      if (!store.importRecords) throw new Error(`The ${store.description} ledger cannot import records`);
      const imports: RecordImport[] = records.map((record) => {
        const index = recordIndex(record);
        const ended = !index.open && Date.parse(record.UpdatedAt) < nowMs - retentionMs;
        return { record, index, archiveMonth: ended ? archiveMonthOf(record) : undefined };
      });
      return store.importRecords(scope, imports);
    },
    async recordFailure(failure) {
      try {
        return await store.recordFailure(scope, failure);
      } catch (error) {
        logger.warn('ledger could not record a failed trigger; the failure destination and the logs still have it', {
          ledger: store.description,
          error,
          failedTrigger: failure.Key,
        });
        return undefined;
      }
    },
    async clearFailures(keys) {
      if (keys.length === 0) return 0;
      try {
        return await store.clearFailures(scope, keys);
      } catch (error) {
        logger.warn('ledger could not clear the failure of a trigger that succeeded; ls --failed shows it until its next success', {
          ledger: store.description,
          error,
          failedTriggers: keys,
        });
        return 0;
      }
    },
    readFailures: () => store.readFailures(scope),
    ...(store.readScopes ? { readScopes: () => (store.readScopes as () => Promise<ScopeSummary[]>)() } : {}),
    async write(change) {
      let applied: boolean;
      try {
        applied = await store.apply(scope, change);
      } catch (error) {
        const sinceIso = new Date().toISOString();
        for (const { record } of change.records ?? []) {
          const known = unsaved.get(record.ClientToken);
          unsaved.set(record.ClientToken, {
            since: known?.since ?? sinceIso,
            baseToken: record.BaseToken,
            generation: record.Generation,
            version: Math.max(known?.version ?? 0, record.Version),
          });
        }
        logger.warn('ledger write failed; scheduling goes on, the ledger is incomplete until this is repaired', {
          ledger: store.description,
          error,
          change,
        });
        return 'lost';
      }
      // A settled write of a lost token repairs it, as the store does for a gap it already holds.
      if (applied) for (const { record, index } of change.records ?? []) if (index.settled) unsaved.delete(record.ClientToken);
      await saveGaps();
      return applied ? 'applied' : 'conflict';
    },
    async readGaps() {
      const stored = await store.readGaps(scope);
      const gaps: Record<string, string> = {};
      for (const [token, lost] of unsaved) {
        if (!(await repaired(token, lost))) Object.defineProperty(gaps, token, { value: lost.since, enumerable: true });
      }
      return { ...gaps, ...stored };
    },
    async warmUp() {
      try {
        await store.warmUp?.();
      } catch (error) {
        logger.warn('ledger unavailable at start; scheduling goes on and tries it again per request', { ledger: store.description, error });
      }
    },
    async close() {
      await saveGaps();
      await store.close();
    },
  };
}
