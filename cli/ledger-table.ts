import type { LedgerRecord } from '../shared/src/ledger/ledger-record';
import { airWindows } from '../shared/src/schedule/lifecycle';
import type { ListedRecord } from '../shared/src/schedule/schedule-listing';

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
function describeState(record: ListedRecord, offAirAt: ReadonlyMap<string, LedgerRecord>): string {
  const next = offAirAt.get(record.ClientToken);
  const parts: string[] = [record.State];
  if (record.State === 'scheduled' && next) parts.push(`until ${next.StartTime} (then ${next.ProgramId})`);
  if (record.State === 'failed' && record.Failure) parts.push(`${record.Failure.Code} after ${record.Failure.Attempts} attempt(s)`);
  if (record.Overlaps && record.Overlaps.length > 0) {
    const more = (record.OverlapCount ?? 0) - record.Overlaps.length;
    parts.push(`OVERLAPS ${record.Overlaps.join(',')}${more > 0 ? ` +${more} more` : ''}`);
  }
  return parts.join(' ');
}

/** Records as an aligned text table, one line each; only counts and ids, never a URL. */
export function ledgerTable(records: readonly ListedRecord[], verdicts?: ReadonlyMap<string, string>): string {
  const offAirAt = new Map<string, LedgerRecord>();
  for (const window of airWindows(records)) if (window.endedBy) offAirAt.set(window.record.ClientToken, window.endedBy);
  const header = ['STATE', 'PROGRAM ID', 'SLOT', 'CASTER', 'START (UTC)', 'REPEAT', 'ITEMS', 'TRIGGER', 'CREATED (UTC)'];
  if (verdicts) header.push('VERIFIED');
  const rows = records.map((record) => {
    // Only the cells that come from outside (ids, names) can hold control characters.
    const row = [
      oneLine(describeState(record, offAirAt)),
      oneLine(record.ProgramId ?? '-'),
      oneLine(record.Slot ?? '-'),
      oneLine(record.CasterId ?? record.DomainName),
      record.StartTime,
      String(record.RepeatNum),
      String(record.Items.length),
      oneLine(describeTrigger(record)),
      record.CreatedAt.replace(/\.\d{3}Z$/, 'Z'),
    ];
    if (verdicts) row.push(verdicts.get(record.ProgramId ?? '') ?? '-');
    return row;
  });
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const format = (cells: readonly string[]): string =>
    cells
      .map((cell, column) => cell.padEnd(widths[column]!))
      .join('  ')
      .trimEnd();
  return [format(header), ...rows.map(format)].join('\n');
}

// Cells come from the ledger (a trigger name, an event id): keep each on one line, without terminal controls.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/g;

function oneLine(text: string): string {
  return text.replace(CONTROL_CHARACTERS, '?');
}
