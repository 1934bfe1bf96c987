import { type Logger, silentLogger } from '../logging/logger';
import type { LedgerIntent, LedgerRecord } from './ledger-record';
import type { LedgerSnapshot, LedgerStore, LedgerTransition, TokenLookup } from './ledger-store';

/**
 * The ledger of one scope, as scheduling uses it: a failed read or write never stops scheduling (the
 * ClientToken stays the safety net). A failed write is logged as a warning with the whole record (redacted,
 * as every log line is), and the next successful write marks the scope incomplete so `ls` can say so.
 */
export interface Ledger {
  readonly scope: string;
  readonly description: string;
  /** Undefined when the store could not answer. */
  lookUp(baseToken: string): Promise<TokenLookup | undefined>;
  recordIntent(intent: LedgerIntent): Promise<void>;
  /** The superseded ProgramId, if any; undefined also when the write failed. */
  commit(record: LedgerRecord): Promise<string | undefined>;
  /** Undefined when the record is absent, not in a `from` state, or the write failed. */
  transition(change: LedgerTransition): Promise<LedgerRecord | undefined>;
  /** The generation now current; `from` itself when the write failed. */
  advanceGeneration(baseToken: string, from: number): Promise<number>;
  /** Throws when the store cannot be read: a listing must never pass for complete when it is not. */
  load(): Promise<LedgerSnapshot>;
  close(): Promise<void>;
}

export interface LedgerOptions {
  readonly store: LedgerStore;
  readonly scope: string;
  readonly logger?: Logger;
  readonly now?: () => Date;
}

/** Wraps a store for one scope with the never-block-scheduling rule. */
export function createLedger(options: LedgerOptions): Ledger {
  const { store, scope } = options;
  const logger = options.logger ?? silentLogger;
  const now = options.now ?? (() => new Date());
  let lostWriteSince: string | undefined;

  const lost = (what: string, error: unknown, fields: Record<string, unknown>): void => {
    lostWriteSince ??= now().toISOString();
    logger.warn(`ledger write failed (${what}); scheduling goes on, the ledger may be incomplete`, {
      ledger: store.description,
      error,
      ...fields,
    });
  };
  const write = async <T>(what: string, fields: Record<string, unknown>, fallback: T, work: () => Promise<T>): Promise<T> => {
    let result: T;
    try {
      result = await work();
    } catch (error) {
      lost(what, error, fields);
      return fallback;
    }
    if (lostWriteSince !== undefined) {
      const since = lostWriteSince;
      try {
        await store.markIncomplete(scope, since);
        lostWriteSince = undefined;
      } catch {
        // Still unwritable: the next write tries again.
      }
    }
    return result;
  };

  return {
    scope,
    description: store.description,
    async lookUp(baseToken) {
      try {
        return await store.lookUp(scope, baseToken);
      } catch (error) {
        logger.warn('ledger unreadable; scheduling with the trigger’s first-generation ClientToken', { ledger: store.description, error });
        return undefined;
      }
    },
    recordIntent: (intent) => write('intent', { intent }, undefined, () => store.recordIntent(scope, intent)),
    commit: (record) => write('record', { record }, undefined, () => store.commit(scope, record)),
    transition: (change) => write('state change', { change }, undefined, () => store.transition(scope, change)),
    advanceGeneration: (baseToken, from) =>
      write('generation', { baseToken, from }, from, () => store.advanceGeneration(scope, baseToken, from)),
    load: () => store.load(scope),
    close: () => store.close(),
  };
}
