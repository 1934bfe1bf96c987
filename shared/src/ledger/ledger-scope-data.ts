import { tokenForGeneration } from '../idempotency/token-generation';
import type { LedgerIntent, LedgerRecord } from './ledger-record';
import { LIVE_STATES } from './ledger-record';
import type { LedgerSnapshot, LedgerTransition, TokenLookup } from './ledger-store';

/** One scope of the ledger as plain JSON: what the file store keeps per scope, and what its operations edit. */
export interface LedgerScopeData {
  /** By ProgramId. */
  records: Record<string, LedgerRecord>;
  /** ClientToken -> ProgramId. */
  tokens: Record<string, string>;
  /** By ClientToken, until the group is created. */
  intents: Record<string, LedgerIntent>;
  /** Base token -> current generation, only once past 1. */
  generations: Record<string, number>;
  /** slotKey -> ProgramId of the slot's newest group. */
  slots: Record<string, string>;
  incompleteSince?: string | undefined;
}

/** An empty scope. */
export function emptyScopeData(): LedgerScopeData {
  return { records: {}, tokens: {}, intents: {}, generations: {}, slots: {} };
}

/** The key that makes a slot one per studio: the same slot name in two studios is two slots. */
export function slotKeyOf(record: Pick<LedgerRecord, 'CasterId' | 'DomainName' | 'Slot'>): string | undefined {
  if (record.Slot === undefined) return undefined;
  return `${record.CasterId ?? `domain:${record.DomainName}`}/${record.Slot}`;
}

/** What the scope holds for a trigger's current generation. */
export function lookUpToken(data: LedgerScopeData, baseToken: string): TokenLookup {
  const generation = own(data.generations, baseToken) ?? 1;
  const clientToken = tokenForGeneration(baseToken, generation);
  const programId = own(data.tokens, clientToken);
  return {
    generation,
    clientToken,
    record: programId === undefined ? undefined : own(data.records, programId),
    intent: own(data.intents, clientToken),
  };
}

/** Keeps the first intent for a token: a retry must resend what the first attempt sent. */
export function addIntent(data: LedgerScopeData, intent: LedgerIntent): void {
  if (own(data.intents, intent.ClientToken) === undefined && own(data.tokens, intent.ClientToken) === undefined) {
    put(data.intents, intent.ClientToken, intent);
  }
}

/** Stores a created group and supersedes its slot's previous live group; returns that group's ProgramId. */
export function commitRecord(data: LedgerScopeData, record: LedgerRecord): string | undefined {
  const existing = own(data.records, record.ProgramId);
  // A group answered again (a retry after a lost answer) keeps the state it already has.
  put(data.records, record.ProgramId, existing ? { ...record, State: existing.State, SupersededBy: existing.SupersededBy } : record);
  put(data.tokens, record.ClientToken, record.ProgramId);
  delete data.intents[record.ClientToken];
  const slotKey = slotKeyOf(record);
  if (slotKey === undefined || existing) return undefined;
  const previousId = own(data.slots, slotKey);
  put(data.slots, slotKey, record.ProgramId);
  const previous = previousId === undefined ? undefined : own(data.records, previousId);
  if (!previous || previousId === record.ProgramId || previous.State !== 'scheduled') return undefined;
  put(data.records, previous.ProgramId, { ...previous, State: 'superseded', SupersededBy: record.ProgramId, UpdatedAt: record.CreatedAt });
  return previous.ProgramId;
}

/** Applies a state change if the record is in one of its `from` states. */
export function applyTransition(data: LedgerScopeData, change: LedgerTransition): LedgerRecord | undefined {
  const record = own(data.records, change.programId);
  if (!record || !change.from.includes(record.State)) return undefined;
  const next: LedgerRecord = { ...record, State: change.to, UpdatedAt: change.updatedAt };
  put(data.records, change.programId, next);
  return next;
}

/** Compare-and-set of a trigger's generation. */
export function bumpGeneration(data: LedgerScopeData, baseToken: string, from: number): number {
  const current = own(data.generations, baseToken) ?? 1;
  if (current !== from) return current;
  put(data.generations, baseToken, from + 1);
  return from + 1;
}

/** The scope as a snapshot, records oldest first. */
export function snapshotOf(data: LedgerScopeData): LedgerSnapshot {
  const records = Object.values(data.records).sort((a, b) => a.CreatedAt.localeCompare(b.CreatedAt));
  return { records, incompleteSince: data.incompleteSince };
}

/** Keeps the earliest time a write was lost. */
export function noteIncomplete(data: LedgerScopeData, sinceIso: string): void {
  if (data.incompleteSince === undefined || sinceIso < data.incompleteSince) data.incompleteSince = sinceIso;
}

/** True when the studio still holds the group. */
export function isLive(record: Pick<LedgerRecord, 'State'>): boolean {
  return LIVE_STATES.includes(record.State);
}

// Records are keyed by values that come from outside (tokens, ProgramIds): never read inherited properties.
function own<T>(map: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(map, key) ? map[key] : undefined;
}

// Defined, not assigned: a key such as "__proto__" (a ClientToken may be any printable ASCII) stays an own entry.
function put<T>(map: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(map, key, { value, enumerable: true, writable: true, configurable: true });
}
