/**
 * The JSON-file ledger's archive, in the folder `<file>.archive/` beside the live file `<file>` (which keeps only
 * the open records, and is rewritten by every change; a record moves here in the change that ends it):
 *
 *   YYYY-MM.jsonl  append-only record lines (record-line.ts) of every scope's records that ended that month: the
 *                  same lines `caster-carousel ledger import` reads
 *   tokens-XX.tsv  the token index, in 256 shards by the first byte of SHA-1(scope, token); one line per record:
 *                  JSON(scope) TAB JSON(ClientToken) TAB month TAB offset TAB length (of its line in YYYY-MM.jsonl)
 *   programs-XX.tsv  the same by SHA-1(scope, ProgramId): JSON(scope) TAB JSON(ProgramId) TAB JSON(ClientToken)
 *
 * A lookup reads one shard (1/256 of the index), never a record it does not return: its cost stays flat as
 * history grows. JSON strings hold no raw tab or newline, so lines split on them. Only complete lines count, so
 * a write cut short by a crash is never read; the next append starts on a line of its own. Everything is
 * written under the ledger's lock, mode 0600 (records hold auth_key URLs).
 */
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { LedgerUnavailableError } from './ledger-errors';
import type { LedgerRecord } from './ledger-record';
import type { ArchivePage, ArchiveQuery } from './ledger-store';
import { RECORD_LINE_FORMAT, type RecordLine, recordLine } from './record-line';

/** Where an archived record's line is. */
interface ArchivedEntry {
  readonly month: string;
  readonly offset: number;
  readonly length: number;
}

const PAGE_BYTES = 256 * 1024;
const NEWLINE = 0x0a;
const MONTH_FILE = /^(\d{4}-\d{2})\.jsonl$/;

/** The archive folder of a ledger file. */
export function archiveFolderOf(file: string): string {
  return `${file}.archive`;
}

function shardOf(file: string, kind: 'tokens' | 'programs', scope: string, key: string): string {
  const byte = createHash('sha1').update(scope).update('\n').update(key).digest('hex').slice(0, 2);
  return join(archiveFolderOf(file), `${kind}-${byte}.tsv`);
}

/** The archived record of a token of a scope, or undefined when it was never archived. */
export function findArchivedToken(file: string, scope: string, token: string): LedgerRecord | undefined {
  const entry = tokenEntry(file, scope, token);
  return entry ? readArchivedRecord(file, scope, token, entry) : undefined;
}

/** The archived record of a ProgramId of a scope, or undefined. */
export function findArchivedProgram(file: string, scope: string, programId: string): LedgerRecord | undefined {
  const head = `${JSON.stringify(scope)}\t${JSON.stringify(programId)}\t`;
  const line = completeLines(shardOf(file, 'programs', scope, programId)).find((candidate) => candidate.startsWith(head));
  if (line === undefined) return undefined;
  const token = parseJson<string>(line.slice(head.length));
  return typeof token === 'string' ? findArchivedToken(file, scope, token) : undefined;
}

/** Which of these tokens of a scope are archived (each shard read once). */
export function archivedAmong(file: string, scope: string, tokens: readonly string[]): Set<string> {
  const byShard = new Map<string, string[]>();
  for (const token of tokens) {
    const shard = shardOf(file, 'tokens', scope, token);
    byShard.set(shard, [...(byShard.get(shard) ?? []), token]);
  }
  const found = new Set<string>();
  for (const [shard, wanted] of byShard) {
    const heads = new Map(wanted.map((token) => [`${JSON.stringify(scope)}\t${JSON.stringify(token)}`, token]));
    for (const line of completeLines(shard)) {
      const token = heads.get(line.slice(0, line.indexOf('\t', line.indexOf('\t') + 1)));
      if (token !== undefined) found.add(token);
    }
  }
  return found;
}

/** Appends records to the archive of their month, then their index lines. Call it holding the ledger's lock. */
export function appendToArchive(file: string, scope: string, records: readonly { record: LedgerRecord; month: string }[]): void {
  if (records.length === 0) return;
  const folder = archiveFolderOf(file);
  try {
    mkdirSync(folder, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new LedgerUnavailableError(`Cannot create the ledger archive ${folder}: ${(error as NodeJS.ErrnoException).code}`, {
      cause: error,
    });
  }
  const byMonth = new Map<string, LedgerRecord[]>();
  for (const { record, month } of records) byMonth.set(month, [...(byMonth.get(month) ?? []), record]);
  const indexLines = new Map<string, string[]>();
  const index = (shard: string, line: string): void => {
    indexLines.set(shard, [...(indexLines.get(shard) ?? []), line]);
  };
  for (const [month, monthRecords] of byMonth) {
    appendLines(join(folder, `${month}.jsonl`), (offset) => {
      let at = offset;
      const lines: string[] = [];
      for (const record of monthRecords) {
        const line = `${recordLine(scope, record)}\n`;
        const length = Buffer.byteLength(line);
        lines.push(line);
        const token = JSON.stringify(record.ClientToken);
        index(shardOf(file, 'tokens', scope, record.ClientToken), [JSON.stringify(scope), token, month, at, length - 1].join('\t'));
        if (record.ProgramId !== undefined) {
          index(
            shardOf(file, 'programs', scope, record.ProgramId),
            [JSON.stringify(scope), JSON.stringify(record.ProgramId), token].join('\t'),
          );
        }
        at += length;
      }
      return lines.join('');
    });
  }
  for (const [shard, lines] of indexLines) appendLines(shard, () => `${lines.join('\n')}\n`);
}

/** A page of a scope's archive, oldest month first; a page may be empty and still have a next one. */
export function readArchivePage(file: string, scope: string, query: ArchiveQuery): ArchivePage {
  const sinceMonth = query.sinceMs === undefined ? '' : new Date(query.sinceMs).toISOString().slice(0, 7);
  const [cursorMonth = '', cursorOffset = '0'] = (query.cursor ?? '').split(':');
  const months = archiveMonths(file).filter((month) => month >= sinceMonth && month >= cursorMonth);
  const month = months[0];
  if (month === undefined) return { records: [] };
  const offset = month === cursorMonth ? Number(cursorOffset) : 0;
  const nextMonth = months[1] === undefined ? undefined : `${months[1]}:0`;
  const descriptor = openOrUndefined(join(archiveFolderOf(file), `${month}.jsonl`));
  if (descriptor === undefined) return { records: [], next: nextMonth };
  try {
    const size = fstatSync(descriptor).size;
    let length = Math.max(0, Math.min(PAGE_BYTES, size - offset));
    let text = '';
    // At least one whole line per page, however long a record is.
    for (;;) {
      const bytes = Buffer.alloc(length);
      const read = readSync(descriptor, bytes, 0, length, offset);
      const end = bytes.subarray(0, read).lastIndexOf(NEWLINE);
      if (end >= 0 || offset + read >= size) {
        text = bytes.subarray(0, end + 1).toString('utf8');
        break;
      }
      length *= 2;
    }
    const records: LedgerRecord[] = [];
    for (const raw of text.split('\n')) {
      const line = raw === '' ? undefined : parseLine(raw);
      if (line?.scope !== scope) continue;
      if (query.sinceMs !== undefined && !(Date.parse(line.record.UpdatedAt) >= query.sinceMs)) continue;
      records.push(line.record);
    }
    const consumed = offset + Buffer.byteLength(text);
    return { records, next: consumed < size && text !== '' ? `${month}:${consumed}` : nextMonth };
  } finally {
    closeSync(descriptor);
  }
}

function tokenEntry(file: string, scope: string, token: string): ArchivedEntry | undefined {
  const head = `${JSON.stringify(scope)}\t${JSON.stringify(token)}\t`;
  for (const line of completeLines(shardOf(file, 'tokens', scope, token))) {
    if (!line.startsWith(head)) continue;
    const [month = '', offset, length] = line.slice(head.length).split('\t');
    const entry = { month, offset: Number(offset), length: Number(length) };
    // A line a crash cut short (then ended by the next append) names no whole place: the next one does.
    if (MONTH_FILE.test(`${month}.jsonl`) && Number.isSafeInteger(entry.offset) && Number.isSafeInteger(entry.length)) return entry;
  }
  return undefined;
}

function readArchivedRecord(file: string, scope: string, token: string, entry: ArchivedEntry): LedgerRecord | undefined {
  const descriptor = openOrUndefined(join(archiveFolderOf(file), `${entry.month}.jsonl`));
  if (descriptor === undefined) return undefined;
  try {
    const bytes = Buffer.alloc(entry.length);
    const read = readSync(descriptor, bytes, 0, entry.length, entry.offset);
    const line = parseLine(bytes.subarray(0, read).toString('utf8'));
    return line?.scope === scope && line.record.ClientToken === token ? line.record : undefined;
  } finally {
    closeSync(descriptor);
  }
}

function archiveMonths(file: string): string[] {
  let names: string[];
  try {
    names = readdirSync(archiveFolderOf(file));
  } catch {
    return [];
  }
  const months: string[] = [];
  for (const name of names) {
    const month = MONTH_FILE.exec(name)?.[1];
    if (month) months.push(month);
  }
  return months.sort();
}

function parseJson<T>(text: string): T | undefined {
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}

function parseLine(text: string): RecordLine | undefined {
  const line = parseJson<RecordLine>(text);
  return line?.format === RECORD_LINE_FORMAT && typeof line.record === 'object' && line.record !== null ? line : undefined;
}

/** The complete lines of a shard (none when it does not exist). */
function completeLines(path: string): string[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new LedgerUnavailableError(`Cannot read the ledger archive ${path}: ${(error as NodeJS.ErrnoException).code}`, { cause: error });
  }
  const lines = text.split('\n');
  lines.pop(); // after the last newline: empty, or a line a crash cut short
  return lines;
}

/** Appends what `text(offset)` gives at the end of a file, on a line of its own. */
function appendLines(path: string, text: (offset: number) => string): void {
  let descriptor: number | undefined;
  try {
    descriptor = openSync(path, 'a+', 0o600);
    let size = fstatSync(descriptor).size;
    if (size > 0) {
      const last = Buffer.alloc(1);
      readSync(descriptor, last, 0, 1, size - 1);
      if (last[0] !== NEWLINE) {
        writeSync(descriptor, '\n');
        size += 1;
      }
    }
    writeSync(descriptor, text(size));
  } catch (error) {
    throw new LedgerUnavailableError(`Cannot write the ledger archive ${path}: ${(error as NodeJS.ErrnoException).code}`, { cause: error });
  } finally {
    if (descriptor !== undefined) closeSync(descriptor);
  }
}

function openOrUndefined(path: string): number | undefined {
  try {
    return openSync(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new LedgerUnavailableError(`Cannot read the ledger archive ${path}: ${(error as NodeJS.ErrnoException).code}`, { cause: error });
  }
}
