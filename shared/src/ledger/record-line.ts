import type { LedgerRecord } from './ledger-record';

/**
 * One record as a line of JSON: what `caster-carousel ledger export` writes, `ledger import` reads and the file
 * store's monthly archive keeps. `version` changes only when a field changes meaning; a reader refuses a version
 * it does not know rather than guess.
 */
export interface RecordLine {
  readonly format: typeof RECORD_LINE_FORMAT;
  readonly version: typeof RECORD_LINE_VERSION;
  /** The ledger scope the record belongs to: endpoint origin, region and account, joined by `|`. */
  readonly scope: string;
  readonly record: LedgerRecord;
}

export const RECORD_LINE_FORMAT = 'caster-carousel-record';
export const RECORD_LINE_VERSION = 1;

/** The line of a record, without its newline. */
export function recordLine(scope: string, record: LedgerRecord): string {
  const line: RecordLine = { format: RECORD_LINE_FORMAT, version: RECORD_LINE_VERSION, scope, record };
  return JSON.stringify(line);
}

/** The month (UTC yyyy-MM) a final record ended in: the archive it goes to. */
export function archiveMonthOf(record: Pick<LedgerRecord, 'UpdatedAt'>): string {
  return new Date(Date.parse(record.UpdatedAt)).toISOString().slice(0, 7);
}
