import type { LedgerRecord } from '../shared/src/ledger/ledger-record';

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

/** Records as an aligned text table, one line each; only counts and ids, never a URL. */
export function ledgerTable(records: readonly LedgerRecord[], verdicts?: ReadonlyMap<string, string>): string {
  const header = ['STATE', 'PROGRAM ID', 'SLOT', 'CASTER', 'START (UTC)', 'REPEAT', 'ITEMS', 'TRIGGER', 'CREATED (UTC)'];
  if (verdicts) header.push('VERIFIED');
  const rows = records.map((record) => {
    const row = [
      record.State === 'superseded' && record.SupersededBy ? `superseded by ${record.SupersededBy}` : record.State,
      record.ProgramId,
      record.Slot ?? '-',
      record.CasterId ?? record.DomainName,
      record.StartTime,
      String(record.RepeatNum),
      String(record.Items.length),
      describeTrigger(record),
      record.CreatedAt.replace(/\.\d{3}Z$/, 'Z'),
    ];
    if (verdicts) row.push(verdicts.get(record.ProgramId) ?? '-');
    return row.map(oneLine);
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
function oneLine(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: replacing control characters is the point
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
}
