/**
 * The Redis ledger's paged reads, archive and import (key layout: redis-ledger-store.ts). Every reply here is
 * bounded: a page of records by bytes, an archive page by HSCAN's count, the archive's months by two at a time.
 */
import type { Redis } from '../pacing/redis-connection';
import type { LedgerRecord } from './ledger-record';
import type { ArchivePage, ArchiveQuery, ImportCounts, RecordImport } from './ledger-store';

/** A scope's key by name. */
type KeyOf = (name: string) => string;

/**
 * KEYS: an index zset, records. ARGV: start rank, most entries, byte budget. Returns {next rank or -1, bodies...}:
 * the records of the index from `start` on, until the entries or the budget run out (one record may pass it).
 */
export const READ_PAGE = `
local start, most, budget = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local tokens = redis.call('ZRANGE', KEYS[1], start, start + most - 1)
local out, used, taken = {-1}, 0, 0
for _, token in ipairs(tokens) do
  if used >= budget then break end
  local body = redis.call('HGET', KEYS[2], token)
  if body then
    out[#out + 1] = body
    used = used + #body
  end
  taken = taken + 1
end
if taken < #tokens or #tokens == most then out[1] = start + taken end
return out
`;

/** The fixed keys of ARCHIVE, before one archive:<month> key per record. */
export const ARCHIVED_KEYS = ['records', 'versions', 'ended', 'archived', 'archive-months'] as const;

/**
 * KEYS: records, versions, ended, archived, archive-months, then the archive:<month> of each record.
 * ARGV per record: token, month, month score. Moves each record still ended and live; returns how many moved.
 */
export const ARCHIVE = `
local moved = 0
for i = 1, #ARGV, 3 do
  local token = ARGV[i]
  if redis.call('ZSCORE', KEYS[3], token) then
    local body = redis.call('HGET', KEYS[1], token)
    if body then
      redis.call('HSET', KEYS[5 + (i + 2) / 3], token, body)
      redis.call('HSET', KEYS[4], token, ARGV[i + 1])
      redis.call('ZADD', KEYS[5], ARGV[i + 2], ARGV[i + 1])
      redis.call('HDEL', KEYS[1], token)
      redis.call('HDEL', KEYS[2], token)
      moved = moved + 1
    end
    redis.call('ZREM', KEYS[3], token)
  end
end
return moved
`;

const IMPORT_KEYS = ['records', 'versions', 'programs', 'open', 'ended', 'archived', 'archive-months', 'generations'] as const;
const IMPORT_BATCH = 100;

/**
 * KEYS: records, versions, programs, open, ended, archived, archive-months, generations, then per record its
 * studio index, its slot index (or open) and its archive:<month> (or records). ARGV per record: token, version,
 * JSON, ProgramId (''), open ('1'/'0'), start ms, UpdatedAt ms, archive month ('' to keep it live), month score,
 * baseToken, generation. A record is filed only over an older live version of its token, or none; an archived
 * token is never written. Returns {added, updated, unchanged}.
 */
export const IMPORT = `
local added, updated, unchanged = 0, 0, 0
for i = 0, (#KEYS - 8) / 3 - 1 do
  local a = 1 + i * 11
  local token = ARGV[a]
  local studio, slot, target = KEYS[9 + i * 3], KEYS[10 + i * 3], KEYS[11 + i * 3]
  local current = redis.call('HGET', KEYS[2], token)
  if redis.call('HEXISTS', KEYS[6], token) == 1 or (current and tonumber(current) >= tonumber(ARGV[a + 1])) then
    unchanged = unchanged + 1
  else
    if current then updated = updated + 1 else added = added + 1 end
    if ARGV[a + 3] ~= '' then redis.call('HSET', KEYS[3], ARGV[a + 3], token) end
    local generation = tonumber(ARGV[a + 10])
    if generation > 1 then
      local held, g = 1, redis.call('HGET', KEYS[8], ARGV[a + 9])
      if g then held = tonumber(string.sub(g, 1, string.find(g, '|', 1, true) - 1)) end
      if generation > held then redis.call('HSET', KEYS[8], ARGV[a + 9], ARGV[a + 10] .. '|' .. token) end
    end
    if ARGV[a + 7] ~= '' then
      redis.call('HDEL', KEYS[1], token)
      redis.call('HDEL', KEYS[2], token)
      redis.call('ZREM', KEYS[4], token)
      redis.call('ZREM', studio, token)
      redis.call('ZREM', slot, token)
      redis.call('ZREM', KEYS[5], token)
      redis.call('HSET', target, token, ARGV[a + 2])
      redis.call('HSET', KEYS[6], token, ARGV[a + 7])
      redis.call('ZADD', KEYS[7], ARGV[a + 8], ARGV[a + 7])
    else
      redis.call('HSET', KEYS[1], token, ARGV[a + 2])
      redis.call('HSET', KEYS[2], token, ARGV[a + 1])
      if ARGV[a + 4] == '1' then
        redis.call('ZADD', KEYS[4], ARGV[a + 5], token)
        redis.call('ZADD', studio, ARGV[a + 5], token)
        redis.call('ZADD', slot, ARGV[a + 5], token)
        redis.call('ZREM', KEYS[5], token)
      else
        redis.call('ZREM', KEYS[4], token)
        redis.call('ZREM', studio, token)
        redis.call('ZREM', slot, token)
        redis.call('ZADD', KEYS[5], ARGV[a + 6], token)
      end
    end
  end
end
return {added, updated, unchanged}
`;

/** A month's place in the archive-months zset: yyyyMM as a number. */
export function monthScore(month: string): number {
  return Number(month.replace('-', ''));
}

/** An archived record, from the hash of its month. */
export async function archivedRecord(client: Redis, key: KeyOf, token: string, month: string): Promise<LedgerRecord | undefined> {
  const body = await client.hget(key(`archive:${month}`), token);
  return body === null ? undefined : (JSON.parse(body) as LedgerRecord);
}

const ARCHIVE_SCAN_COUNT = 100;

/** One HSCAN page of one month of the archive, oldest month first; cursor: `month|HSCAN cursor`. */
export async function pageOfArchive(client: Redis, key: KeyOf, query: ArchiveQuery): Promise<ArchivePage> {
  const [cursorMonth, scanCursor = '0'] = query.cursor ? query.cursor.split('|') : [];
  const from =
    cursorMonth !== undefined
      ? monthScore(cursorMonth)
      : query.sinceMs === undefined
        ? '-inf'
        : monthScore(new Date(query.sinceMs).toISOString().slice(0, 7));
  const months = await client.zrangebyscore(key('archive-months'), from, '+inf', 'LIMIT', 0, 2);
  const month = months[0];
  if (month === undefined) return { records: [] };
  const [next, entries] = await client.hscan(
    key(`archive:${month}`),
    month === cursorMonth ? scanCursor : '0',
    'COUNT',
    ARCHIVE_SCAN_COUNT,
  );
  const records: LedgerRecord[] = [];
  for (let i = 1; i < entries.length; i += 2) {
    const record = JSON.parse(entries[i] as string) as LedgerRecord;
    if (query.sinceMs === undefined || Date.parse(record.UpdatedAt) >= query.sinceMs) records.push(record);
  }
  return { records, next: next !== '0' ? `${month}|${next}` : months[1] === undefined ? undefined : `${months[1]}|0` };
}

/** Files imported records in batches, each batch one script. */
export async function importRecords(
  imports: readonly RecordImport[],
  key: KeyOf,
  run: (keys: string[], args: string[]) => Promise<unknown>,
): Promise<ImportCounts> {
  const counts = { added: 0, updated: 0, unchanged: 0 };
  for (let start = 0; start < imports.length; start += IMPORT_BATCH) {
    const keys: string[] = IMPORT_KEYS.map((name) => key(name));
    const args: string[] = [];
    for (const { record, index, archiveMonth } of imports.slice(start, start + IMPORT_BATCH)) {
      keys.push(
        key(`studio:${index.studioKey}`),
        index.slotKey === undefined ? key('open') : key(`slot:${index.slotKey}`),
        archiveMonth === undefined ? key('records') : key(`archive:${archiveMonth}`),
      );
      args.push(
        record.ClientToken,
        String(record.Version),
        JSON.stringify(record),
        record.ProgramId ?? '',
        index.open ? '1' : '0',
        String(index.startMs),
        String(Date.parse(record.UpdatedAt) || 0),
        archiveMonth ?? '',
        archiveMonth === undefined ? '0' : String(monthScore(archiveMonth)),
        record.BaseToken,
        String(record.Generation),
      );
    }
    const [added, updated, unchanged] = (await run(keys, args)) as number[];
    counts.added += Number(added);
    counts.updated += Number(updated);
    counts.unchanged += Number(unchanged);
  }
  return counts;
}
