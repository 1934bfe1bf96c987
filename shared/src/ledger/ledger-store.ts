import type { LedgerIntent, LedgerRecord, LedgerState } from './ledger-record';

/** What the ledger holds for one trigger: its current generation and whatever that generation's token has. */
export interface TokenLookup {
  readonly generation: number;
  readonly clientToken: string;
  readonly record?: LedgerRecord | undefined;
  readonly intent?: LedgerIntent | undefined;
}

/** Every record of one scope, and whether some write was lost. */
export interface LedgerSnapshot {
  readonly records: readonly LedgerRecord[];
  /** ISO 8601 UTC of the first write that failed, when one did: records may be missing since then. */
  readonly incompleteSince?: string | undefined;
}

/** A state change, applied only when the record is in one of `from`. */
export interface LedgerTransition {
  readonly programId: string;
  readonly from: readonly LedgerState[];
  readonly to: LedgerState;
  readonly updatedAt: string;
}

/**
 * Where records live (Redis or a JSON file). Every method is one atomic update or one consistent read of
 * one scope (see ledger-scope.ts); a store never interprets records beyond what these operations need.
 */
export interface LedgerStore {
  /** `redis` or `file`, with where (a file path, a Redis host) for messages. */
  readonly description: string;
  lookUp(scope: string, baseToken: string): Promise<TokenLookup>;
  /** Records what is about to be sent under intent.ClientToken; an intent already there is kept as it is. */
  recordIntent(scope: string, intent: LedgerIntent): Promise<void>;
  /**
   * Stores a created group, drops its intent and, when it names a slot, marks the slot's previous live group
   * `superseded` by it. Returns the ProgramId it superseded, if any.
   */
  commit(scope: string, record: LedgerRecord): Promise<string | undefined>;
  /** Applies a state change; returns the record after it, or undefined when absent or not in `from`. */
  transition(scope: string, change: LedgerTransition): Promise<LedgerRecord | undefined>;
  /** Moves baseToken from generation `from` to `from + 1`; returns the generation now current (a racer may have moved it). */
  advanceGeneration(scope: string, baseToken: string, from: number): Promise<number>;
  load(scope: string): Promise<LedgerSnapshot>;
  /** Notes that a write failed at `sinceIso`; the earliest such time is kept. */
  markIncomplete(scope: string, sinceIso: string): Promise<void>;
  close(): Promise<void>;
}
