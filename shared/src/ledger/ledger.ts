import { type Logger, silentLogger } from '../logging/logger';
import type { TriggerView } from '../schedule/lifecycle';
import type { LedgerRecord } from './ledger-record';
import type { LedgerChange, LedgerGaps, LedgerStore, OpenFilter } from './ledger-store';

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
  /** Connects ahead of the first request; a failure is only logged (the first request tries again). */
  warmUp?(): Promise<void>;
  close(): Promise<void>;
}

export interface LedgerOptions {
  readonly store: LedgerStore;
  readonly scope: string;
  readonly logger?: Logger;
}

/** Wraps a store for one scope with the never-block-scheduling rule and the record of lost writes. */
export function createLedger(options: LedgerOptions): Ledger {
  const { store, scope } = options;
  const logger = options.logger ?? silentLogger;
  // Lost writes not yet handed to the store, by token.
  let unsaved: Record<string, string> = {};

  const saveGaps = async (): Promise<void> => {
    if (Object.keys(unsaved).length === 0) return;
    const gaps = unsaved;
    try {
      await store.noteGaps(scope, gaps);
      if (unsaved === gaps) unsaved = {};
    } catch {
      // Still unwritable: the next write tries again.
    }
  };

  return {
    scope,
    description: store.description,
    async readTrigger(baseToken) {
      try {
        return await store.readTrigger(scope, baseToken);
      } catch (error) {
        logger.warn('ledger unreadable; scheduling with the trigger’s first-generation ClientToken', { ledger: store.description, error });
        return undefined;
      }
    },
    readByProgramId: (programId) => store.readByProgramId(scope, programId),
    readOpen: (filter) => store.readOpen(scope, filter),
    readAll: () => store.readAll(scope),
    async write(change) {
      let applied: boolean;
      try {
        applied = await store.apply(scope, change);
      } catch (error) {
        const sinceIso = new Date().toISOString();
        for (const { record } of change.records ?? []) unsaved[record.ClientToken] ??= sinceIso;
        logger.warn('ledger write failed; scheduling goes on, the ledger is incomplete until this is repaired', {
          ledger: store.description,
          error,
          change,
        });
        return 'lost';
      }
      await saveGaps();
      return applied ? 'applied' : 'conflict';
    },
    async readGaps() {
      const stored = await store.readGaps(scope);
      return { ...unsaved, ...stored };
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
