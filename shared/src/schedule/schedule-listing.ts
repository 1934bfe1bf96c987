import type { LedgerRecord } from '../ledger/ledger-record';
import { studioKeyOf, studioOverlaps } from './lifecycle';

/** How many overlapping ProgramIds a listing names per group; the count says how many there are in all. */
const NAMED_OVERLAPS = 5;

/** A record as listings show it: with the groups of other slots of its studio it airs together with, when any. */
export type ListedRecord = LedgerRecord & { readonly Overlaps?: readonly string[]; readonly OverlapCount?: number };

/** Each record with the ProgramIds (at most five, and their count) of other slots of its studio it airs together with. */
export function withOverlaps(records: readonly LedgerRecord[]): ListedRecord[] {
  const byStudio = new Map<string, LedgerRecord[]>();
  for (const record of records) {
    const key = studioKeyOf(record);
    const studio = byStudio.get(key);
    if (studio) studio.push(record);
    else byStudio.set(key, [record]);
  }
  const overlapping = new Map<string, { named: string[]; count: number }>();
  const note = (record: LedgerRecord, other: LedgerRecord): void => {
    let entry = overlapping.get(record.ClientToken);
    if (!entry) {
      entry = { named: [], count: 0 };
      overlapping.set(record.ClientToken, entry);
    }
    entry.count += 1;
    if (entry.named.length < NAMED_OVERLAPS) entry.named.push(other.ProgramId as string);
  };
  for (const studio of byStudio.values()) {
    for (const { record, other } of studioOverlaps(studio)) {
      note(record, other);
      note(other, record);
    }
  }
  return records.map((record) => {
    const entry = overlapping.get(record.ClientToken);
    return entry ? { ...record, Overlaps: entry.named, OverlapCount: entry.count } : record;
  });
}
