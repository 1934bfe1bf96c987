import { UsageError } from '../shared/src/errors';
import type { Ledger } from '../shared/src/ledger/ledger';
import type { LedgerRecord } from '../shared/src/ledger/ledger-record';
import { recordIndex } from '../shared/src/schedule/lifecycle';
import { type DisplayZone, parseStartOption } from './time-zone';

/**
 * Which records a view reads: the open ones (`ls`); the live ones, open or ended within the retention (the
 * timeline page: the archive is read only from the retention's start); or with history, the live ones and the
 * archive read page by page (`ls --all`, `ls --since`, `timeline --all`), only what ended since `sinceMs` when given.
 */
export type RecordRange = 'open' | 'live' | { readonly history: true; readonly sinceMs?: number | undefined };

/** The records of a range; the archive is read only when the range asks for history. */
export async function readRecords(ledger: Ledger, range: RecordRange): Promise<LedgerRecord[]> {
  if (range === 'open') return ledger.readOpen();
  const live = await ledger.readAll();
  // Ended within the retention: still live in Redis; in the file store's archive already (it moves them at once).
  const { sinceMs } = range === 'live' ? { sinceMs: Date.now() - ledger.retentionMs } : range;
  const records =
    sinceMs === undefined ? live : live.filter((record) => recordIndex(record).open || Date.parse(record.UpdatedAt) >= sinceMs);
  // A record archived by a process that stopped before it rewrote the live file is in both: listed once.
  const seen = new Set(live.map((record) => record.ClientToken));
  for await (const page of archivePages(ledger, sinceMs)) {
    for (const record of page) {
      if (seen.has(record.ClientToken)) continue;
      seen.add(record.ClientToken);
      records.push(record);
    }
  }
  return records;
}

/** The archive of a ledger's scope, one page at a time, oldest month first (ended since `sinceMs` when given). */
export async function* archivePages(ledger: Ledger, sinceMs?: number): AsyncGenerator<readonly LedgerRecord[]> {
  let cursor: string | undefined;
  do {
    const page = await ledger.readArchive({ sinceMs, cursor });
    yield page.records;
    cursor = page.next;
  } while (cursor !== undefined);
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * `--since DATE` as epoch ms: `YYYY-MM-DD` is that day's midnight in the display zone; anything `--start` takes
 * (an ISO 8601 time with `Z` or an offset, `YYYY-MM-DD HH:MM`, `today HH:MM`) is that instant.
 */
export function parseSinceOption(text: string, zone: DisplayZone, nowMs: number): number {
  const trimmed = text.trim();
  try {
    return Date.parse(parseStartOption(DATE_ONLY.test(trimmed) ? `${trimmed} 00:00` : trimmed, zone, nowMs));
  } catch {
    throw new UsageError(
      `--since ${JSON.stringify(trimmed).slice(0, 40)} is not a date: give YYYY-MM-DD (midnight in the display zone), YYYY-MM-DD HH:MM, or an ISO 8601 time with Z or an offset`,
    );
  }
}
