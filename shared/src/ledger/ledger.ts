import { type Logger, silentLogger } from '../logging/logger';
import { DEFAULT_PENDING_GRACE_MS, recordIndex, type TriggerView } from '../schedule/lifecycle';
import type { LedgerRecord } from './ledger-record';
import type { LedgerChange, LedgerGaps, LedgerStore, OpenFilter, ScopeSummary } from './ledger-store';

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
  /** Every record, history included; throws when the store cannot answer. */
  readAll(): Promise<LedgerRecord[]>;
  write(change: LedgerChange): Promise<WriteOutcome>;
  /** The lost writes not yet repaired (this process's included, even before the store took them). */
  readGaps(): Promise<LedgerGaps>;
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
}

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
    try {
      const gaps: Record<string, string> = {};
      for (const [token, lost] of lostWrites)
        if (!(await repaired(token, lost))) Object.defineProperty(gaps, token, { value: lost.since, enumerable: true });
      if (Object.keys(gaps).length > 0) await store.noteGaps(scope, gaps);
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
