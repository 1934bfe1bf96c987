import type { LedgerRecord } from '../shared/src/ledger/ledger-record';
import { airWindows } from '../shared/src/schedule/lifecycle';
import type { ListedRecord } from '../shared/src/schedule/schedule-listing';
import { type OutputStyle, renderTable } from './output';

/** How a record's trigger reads in a table cell. */
export function describeTrigger(record: LedgerRecord): string {
  const trigger = record.Trigger;
  switch (trigger.kind) {
    case 'cli':
      return 'cli';
    case 'http':
      return trigger.idempotencyKey ? 'http (key)' : 'http';
    case 'timer':
      return `timer ${trigger.triggerName}`;
    case 'event':
      return `event ${trigger.id}`;
  }
}

/** What the STATE cell says: the state, with when a scheduled group goes off air, and any overlap with another slot. */
function describeState(record: ListedRecord, offAirAt: ReadonlyMap<string, LedgerRecord>, style: OutputStyle): string {
  const next = offAirAt.get(record.ClientToken);
  const parts: string[] = [record.State];
  if (record.State === 'scheduled' && next) parts.push(`until ${style.time(next.StartTime)} (then ${next.ProgramId})`);
  if (record.State === 'failed' && record.Failure) parts.push(`${record.Failure.Code} after ${record.Failure.Attempts} attempt(s)`);
  if (record.Overlaps && record.Overlaps.length > 0) {
    const more = (record.OverlapCount ?? 0) - record.Overlaps.length;
    parts.push(`OVERLAPS ${record.Overlaps.join(',')}${more > 0 ? ` +${more} more` : ''}`);
  }
  return parts.join(' ');
}

/** Records as an aligned text table, one line each, times in the style's zone; only counts and ids, never a URL. */
export function ledgerTable(records: readonly ListedRecord[], style: OutputStyle, verdicts?: ReadonlyMap<string, string>): string {
  const offAirAt = new Map<string, LedgerRecord>();
  for (const window of airWindows(records)) if (window.endedBy) offAirAt.set(window.record.ClientToken, window.endedBy);
  const header = ['STATE', 'PROGRAM ID', 'SLOT', 'CASTER', 'START', 'REPEAT', 'ITEMS', 'TRIGGER', 'CREATED'];
  if (verdicts) header.push('VERIFIED');
  const rows = records.map((record) => {
    const row = [
      describeState(record, offAirAt, style),
      record.ProgramId ?? '-',
      record.Slot ?? '-',
      record.CasterId ?? record.DomainName,
      style.time(record.StartTime),
      String(record.RepeatNum),
      String(record.Items.length),
      describeTrigger(record),
      style.time(record.CreatedAt),
    ];
    if (verdicts) row.push(verdicts.get(record.ProgramId ?? '') ?? '-');
    return row;
  });
  return renderTable({ header, rows });
}
