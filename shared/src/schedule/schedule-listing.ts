import type { LedgerRecord } from '../ledger/ledger-record';
import { studioKeyOf, studioOverlaps } from './lifecycle';

/** Each record with the ProgramIds of other slots of its studio it airs together with, when any. */
export function withOverlaps(records: readonly LedgerRecord[]): (LedgerRecord & { Overlaps?: string[] })[] {
  const byStudio = new Map<string, LedgerRecord[]>();
  for (const record of records) {
    const key = studioKeyOf(record);
    byStudio.set(key, [...(byStudio.get(key) ?? []), record]);
  }
  const overlapping = new Map<string, string[]>();
  for (const studio of byStudio.values()) {
    for (const { record, other } of studioOverlaps(studio)) {
      overlapping.set(record.ClientToken, [...(overlapping.get(record.ClientToken) ?? []), other.ProgramId as string]);
      overlapping.set(other.ClientToken, [...(overlapping.get(other.ClientToken) ?? []), record.ProgramId as string]);
    }
  }
  return records.map((record) => {
    const others = overlapping.get(record.ClientToken);
    return others ? { ...record, Overlaps: others } : record;
  });
}
