import { createHash } from 'node:crypto';
import { tokenForGeneration } from '../idempotency/token-generation';
import { createCircuitBreaker } from '../pacing/circuit-breaker';
import type { Redis } from '../pacing/redis-connection';
import type { TriggerView } from '../schedule/lifecycle';
import { type FailedTrigger, newestFirst } from './failed-trigger';
import { LedgerUnavailableError } from './ledger-errors';
import type { LedgerRecord } from './ledger-record';
import type { LedgerStore, OpenFilter } from './ledger-store';
import {
  ARCHIVE,
  ARCHIVED_KEYS,
  archivedRecord,
  IMPORT,
  importRecords,
  monthScore,
  pageOfArchive,
  READ_PAGE,
} from './redis-ledger-archive';

export interface RedisLedgerStoreOptions {
  readonly redisUrl: string;
  readonly keyPrefix?: string;
  readonly commandTimeoutMs?: number;
}

// Keys of a scope, under one hash tag (so a cluster keeps a scope on one node):
//   records  hash  ClientToken -> record JSON        versions hash ClientToken -> version
//   programs hash  ProgramId -> ClientToken          generations hash baseToken -> "n|token" (only past 1)
//   open     zset  ClientToken by start ms (every open record)
//   studio:<key> / slot:<key>  zset, the same for one studio / one slot
//   gaps     hash  ClientToken -> ISO time of a lost write
//   ended    zset  ClientToken by UpdatedAt ms (every final record not archived yet)
//   archived hash  ClientToken -> month (the token index, kept as long as the archive)
//   archive:<yyyy-MM> hash ClientToken -> record JSON    archive-months zset  month by yyyyMM
//   failures hash  failed trigger key -> entry JSON   failed zset  failed trigger key by last failure ms
// The scripts compare versions and write; they hold no rule of the schedule.

/** KEYS: generations, records, archived. ARGV: baseToken. Returns {generation, record JSON|false, archive month|false}. */
const READ_TRIGGER = `
local n, token = 1, ARGV[1]
local g = redis.call('HGET', KEYS[1], ARGV[1])
if g then
  local sep = string.find(g, '|', 1, true)
  n = tonumber(string.sub(g, 1, sep - 1))
  token = string.sub(g, sep + 1)
end
local body = redis.call('HGET', KEYS[2], token)
if body then return {n, body} end
return {n, false, redis.call('HGET', KEYS[3], token)}
`;

/**
 * KEYS: records, versions, programs, open, gaps, generations, ended, archived, then a studio and a slot index per
 * write. ARGV: write count, generation baseToken ('' for none), its from, its "n|token" entry, then per write:
 * token, expected version, new version, JSON, ProgramId (''), open ('1'/'0'), settled ('1'/'0'), start ms,
 * UpdatedAt ms. Returns 1 when applied, 0 when a version or the generation moved (an archived record takes no write).
 */
const APPLY = `
local count = tonumber(ARGV[1])
for i = 0, count - 1 do
  local a = 5 + i * 9
  local current = tonumber(redis.call('HGET', KEYS[2], ARGV[a]) or '0')
  if current ~= tonumber(ARGV[a + 1]) then return 0 end
  if redis.call('HEXISTS', KEYS[8], ARGV[a]) == 1 then return 0 end
end
if ARGV[2] ~= '' then
  local n = 1
  local g = redis.call('HGET', KEYS[6], ARGV[2])
  if g then n = tonumber(string.sub(g, 1, string.find(g, '|', 1, true) - 1)) end
  if n ~= tonumber(ARGV[3]) then return 0 end
  redis.call('HSET', KEYS[6], ARGV[2], ARGV[4])
end
for i = 0, count - 1 do
  local a = 5 + i * 9
  local token = ARGV[a]
  redis.call('HSET', KEYS[1], token, ARGV[a + 3])
  redis.call('HSET', KEYS[2], token, ARGV[a + 2])
  if ARGV[a + 4] ~= '' then redis.call('HSET', KEYS[3], ARGV[a + 4], token) end
  local studio, slot = KEYS[9 + i * 2], KEYS[10 + i * 2]
  if ARGV[a + 5] == '1' then
    redis.call('ZADD', KEYS[4], ARGV[a + 7], token)
    redis.call('ZADD', studio, ARGV[a + 7], token)
    if slot ~= KEYS[4] then redis.call('ZADD', slot, ARGV[a + 7], token) end
    redis.call('ZREM', KEYS[7], token)
  else
    redis.call('ZREM', KEYS[4], token)
    redis.call('ZREM', studio, token)
    redis.call('ZREM', slot, token)
    redis.call('ZADD', KEYS[7], ARGV[a + 8], token)
  end
  if ARGV[a + 6] == '1' then redis.call('HDEL', KEYS[5], token) end
end
return 1
`;

/** KEYS: gaps. ARGV: token, ISO time pairs. Keeps the earliest time per token. */
const NOTE_GAPS = `
for i = 1, #ARGV, 2 do
  local known = redis.call('HGET', KEYS[1], ARGV[i])
  if not known or ARGV[i + 1] < known then redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
end
return 1
`;

/** KEYS: gaps. ARGV: token, ISO time pairs. Removes each token whose gap still holds that time. */
const FORGET_GAPS = `
for i = 1, #ARGV, 2 do
  if redis.call('HGET', KEYS[1], ARGV[i]) == ARGV[i + 1] then redis.call('HDEL', KEYS[1], ARGV[i]) end
end
return 1
`;

/**
 * KEYS: failures, failed. ARGV: key, entry JSON without Attempts and FirstFailedAt, the least Attempts, the
 * FirstFailedAt of a first failure, the last failure's epoch ms. Appends the merged Attempts (one more than held,
 * at least the least) and the first failure's time to the JSON, stores it and returns it.
 */
const RECORD_FAILURE = `
local attempts, first = 0, ARGV[4]
local held = redis.call('HGET', KEYS[1], ARGV[1])
if held then
  local ok, old = pcall(cjson.decode, held)
  if ok and type(old) == 'table' then
    if type(old.Attempts) == 'number' then attempts = old.Attempts end
    if type(old.FirstFailedAt) == 'string' then first = old.FirstFailedAt end
  end
end
attempts = attempts + 1
local least = tonumber(ARGV[3])
if least > attempts then attempts = least end
local stored = string.sub(ARGV[2], 1, -2) .. ',"Attempts":' .. string.format('%d', attempts) .. ',"FirstFailedAt":' .. cjson.encode(first) .. '}'
redis.call('HSET', KEYS[1], ARGV[1], stored)
redis.call('ZADD', KEYS[2], ARGV[5], ARGV[1])
return stored
`;

/** KEYS: failures, failed. ARGV: keys. Forgets each; returns how many were held. */
const CLEAR_FAILURES = `
local cleared = 0
for i = 1, #ARGV do
  cleared = cleared + redis.call('HDEL', KEYS[1], ARGV[i])
  redis.call('ZREM', KEYS[2], ARGV[i])
end
return cleared
`;

/** A Lua script with its SHA-1, sent by EVALSHA and by EVAL only when Redis does not hold it yet. */
interface Script {
  readonly lua: string;
  readonly sha: string;
}

function script(lua: string): Script {
  return { lua, sha: createHash('sha1').update(lua).digest('hex') };
}

const SCRIPTS = {
  readTrigger: script(READ_TRIGGER),
  apply: script(APPLY),
  noteGaps: script(NOTE_GAPS),
  forgetGaps: script(FORGET_GAPS),
  recordFailure: script(RECORD_FAILURE),
  clearFailures: script(CLEAR_FAILURES),
  readPage: script(READ_PAGE),
  archive: script(ARCHIVE),
  import: script(IMPORT),
} as const;

async function runScript(client: Redis, which: Script, keys: readonly string[], args: readonly string[]): Promise<unknown> {
  try {
    return await client.evalsha(which.sha, keys.length, ...keys, ...args);
  } catch (error) {
    if (!(error instanceof Error && error.message.startsWith('NOSCRIPT'))) throw error;
    return client.eval(which.lua, keys.length, ...keys, ...args);
  }
}

const RECONNECT_BACKOFF_MS = 5_000;
// HMGET and HSCAN in pieces, so no reply grows past a bounded size.
const READ_CHUNK = 500;
// readOpen's pages: at most this many index entries, and records up to this many bytes (then one more at most).
const PAGE = [String(1000), String(512 * 1024)] as const;

/**
 * The ledger in Redis, shared by every FC instance and the CLI: the same Redis the pacer uses. Reads go through
 * the open indexes, so their cost follows the open records, not history. ioredis is loaded on first use.
 */
export function createRedisLedgerStore(options: RedisLedgerStoreOptions): LedgerStore {
  const keyPrefix = options.keyPrefix ?? 'caster-carousel:ledger2';
  const host = safeHost(options.redisUrl);
  let redis: Promise<Redis> | undefined;
  let reconnectNotBeforeMs = 0;

  const connect = async (): Promise<Redis> => {
    // Fail fast: scheduling goes on without the ledger rather than waiting for a dead Redis.
    const { connectFailFast } = await import('../pacing/redis-connection');
    return connectFailFast(options.redisUrl, options.commandTimeoutMs ?? 1_000);
  };
  const connection = (): Promise<Redis> => {
    if (Date.now() < reconnectNotBeforeMs) return Promise.reject(new Error('Redis was unreachable moments ago'));
    redis ??= connect().catch((error: unknown) => {
      redis = undefined;
      reconnectNotBeforeMs = Date.now() + RECONNECT_BACKOFF_MS;
      throw error;
    });
    return redis;
  };
  // A stalled Redis answers nothing until each command's timeout: after one failure the ledger is skipped for a
  // while (scheduling goes on, the ClientToken stays the safety net) instead of every request paying that timeout.
  const breaker = createCircuitBreaker({ openMs: RECONNECT_BACKOFF_MS });
  const run = async <T>(what: string, command: (client: Redis) => Promise<T>): Promise<T> => {
    if (!breaker.tryAcquire()) throw new LedgerUnavailableError(`The Redis ledger at ${host} could not ${what}: it failed moments ago`);
    try {
      const result = await command(await connection());
      breaker.succeeded();
      return result;
    } catch (error) {
      breaker.failed();
      throw new LedgerUnavailableError(`The Redis ledger at ${host} could not ${what}: ${(error as Error).message}`, { cause: error });
    }
  };
  const key = (scope: string, name: string): string => `${keyPrefix}:{${scope}}:${name}`;
  const recordsOf = async (client: Redis, scope: string, tokens: readonly string[]): Promise<LedgerRecord[]> => {
    const records: LedgerRecord[] = [];
    for (let start = 0; start < tokens.length; start += READ_CHUNK) {
      const bodies = await client.hmget(key(scope, 'records'), ...tokens.slice(start, start + READ_CHUNK));
      for (const body of bodies) if (body !== null) records.push(JSON.parse(body) as LedgerRecord);
    }
    return records;
  };

  return {
    description: `redis ${host}`,
    readTrigger: (scope, baseToken) =>
      run('read a trigger', async (client) => {
        const reply = await runScript(
          client,
          SCRIPTS.readTrigger,
          [key(scope, 'generations'), key(scope, 'records'), key(scope, 'archived')],
          [baseToken],
        );
        const [generation, body, month] = Array.isArray(reply) ? (reply as unknown[]) : [];
        const n = Number(generation);
        const token = tokenForGeneration(baseToken, n);
        const view: TriggerView = {
          generation: n,
          // Not live: a record that ended long ago is read from its month's archive (a retry is still answered).
          record:
            typeof body === 'string'
              ? (JSON.parse(body) as LedgerRecord)
              : typeof month === 'string'
                ? await archivedRecord(client, (name) => key(scope, name), token, month)
                : undefined,
        };
        return view;
      }),
    readByProgramId: (scope, programId) =>
      run('read a group', async (client) => {
        const token = await client.hget(key(scope, 'programs'), programId);
        if (token === null) return undefined;
        const live = (await recordsOf(client, scope, [token]))[0];
        if (live) return live;
        const month = await client.hget(key(scope, 'archived'), token);
        return month === null ? undefined : archivedRecord(client, (name) => key(scope, name), token, month);
      }),
    readOpen: (scope, filter: OpenFilter = {}) =>
      run('read open records', async (client) => {
        const index =
          filter.slotKey !== undefined
            ? key(scope, `slot:${filter.slotKey}`)
            : filter.studioKey !== undefined
              ? key(scope, `studio:${filter.studioKey}`)
              : key(scope, 'open');
        // Page by page, each reply bounded in bytes, however many records are open (a listing that spans pages
        // while records move may miss or repeat one; the next read sees it).
        const records: LedgerRecord[] = [];
        const seen = new Set<string>();
        let start = 0;
        while (start >= 0) {
          const reply = (await runScript(client, SCRIPTS.readPage, [index, key(scope, 'records')], [String(start), ...PAGE])) as unknown[];
          start = Number(reply[0]);
          for (let i = 1; i < reply.length; i += 1) {
            const record = JSON.parse(reply[i] as string) as LedgerRecord;
            if (!seen.has(record.ClientToken)) records.push(record);
            seen.add(record.ClientToken);
          }
        }
        return records;
      }),
    readAll: (scope) =>
      run('read every record', async (client) => {
        const records: LedgerRecord[] = [];
        let cursor = '0';
        do {
          const [next, entries] = await client.hscan(key(scope, 'records'), cursor, 'COUNT', READ_CHUNK);
          for (let i = 1; i < entries.length; i += 2) records.push(JSON.parse(entries[i] as string) as LedgerRecord);
          cursor = next;
        } while (cursor !== '0');
        return records;
      }),
    apply: (scope, change) =>
      run('write a change', async (client) => {
        const writes = change.records ?? [];
        const keys = ['records', 'versions', 'programs', 'open', 'gaps', 'generations', 'ended', 'archived'].map((name) =>
          key(scope, name),
        );
        const args: string[] = [String(writes.length)];
        const generation = change.generation;
        if (generation) {
          const next = generation.from + 1;
          args.push(generation.baseToken, String(generation.from), `${next}|${tokenForGeneration(generation.baseToken, next)}`);
        } else {
          args.push('', '', '');
        }
        for (const { record, expectedVersion, index } of writes) {
          keys.push(
            key(scope, `studio:${index.studioKey}`),
            index.slotKey === undefined ? key(scope, 'open') : key(scope, `slot:${index.slotKey}`),
          );
          args.push(
            record.ClientToken,
            String(expectedVersion),
            String(record.Version),
            JSON.stringify(record),
            record.ProgramId ?? '',
            index.open ? '1' : '0',
            index.settled ? '1' : '0',
            String(index.startMs),
            String(Date.parse(record.UpdatedAt) || 0),
          );
        }
        return Number(await runScript(client, SCRIPTS.apply, keys, args)) === 1;
      }),
    archiveEnded: (scope, endedBeforeMs, limit) =>
      run('archive ended records', async (client) => {
        const due = await client.zrangebyscore(key(scope, 'ended'), '-inf', `(${endedBeforeMs}`, 'WITHSCORES', 'LIMIT', 0, limit);
        if (due.length === 0) return 0;
        const keys = ARCHIVED_KEYS.map((name) => key(scope, name));
        const args: string[] = [];
        for (let i = 0; i < due.length; i += 2) {
          const month = new Date(Number(due[i + 1])).toISOString().slice(0, 7);
          keys.push(key(scope, `archive:${month}`));
          args.push(due[i] as string, month, String(monthScore(month)));
        }
        return Number(await runScript(client, SCRIPTS.archive, keys, args));
      }),
    readArchive: (scope, query) => run('read the archive', (client) => pageOfArchive(client, (name) => key(scope, name), query)),
    importRecords: (scope, imports) =>
      run('import records', (client) =>
        importRecords(
          imports,
          (name) => key(scope, name),
          (keys, args) => runScript(client, SCRIPTS.import, keys, args),
        ),
      ),
    readGaps: (scope) =>
      run('read lost writes', async (client) => {
        const gaps: Record<string, string> = {};
        let cursor = '0';
        do {
          const [next, entries] = await client.hscan(key(scope, 'gaps'), cursor, 'COUNT', READ_CHUNK);
          for (let i = 0; i + 1 < entries.length; i += 2)
            Object.defineProperty(gaps, entries[i] as string, { value: entries[i + 1], enumerable: true });
          cursor = next;
        } while (cursor !== '0');
        return gaps;
      }),
    readScopes: () =>
      run('list scopes', async (client) => {
        const head = `${keyPrefix}:{`;
        const tail = '}:records';
        const summaries = [];
        let cursor = '0';
        do {
          const [next, keys] = await client.scan(cursor, 'MATCH', `${globEscape(head)}*${globEscape(tail)}`, 'COUNT', READ_CHUNK);
          for (const found of keys) {
            const scope = found.slice(head.length, found.length - tail.length);
            const [records, open] = await Promise.all([client.hlen(found), client.zcard(key(scope, 'open'))]);
            if (records > 0) summaries.push({ scope, records, open });
          }
          cursor = next;
        } while (cursor !== '0');
        return summaries;
      }),
    noteGaps: (scope, gaps) =>
      run('record lost writes', async (client) => {
        const args = Object.entries(gaps).flat();
        if (args.length > 0) await runScript(client, SCRIPTS.noteGaps, [key(scope, 'gaps')], args);
      }),
    forgetGaps: (scope, gaps) =>
      run('forget repaired lost writes', async (client) => {
        const args = Object.entries(gaps).flat();
        if (args.length > 0) await runScript(client, SCRIPTS.forgetGaps, [key(scope, 'gaps')], args);
      }),
    recordFailure: (scope, failure) =>
      run('record a failed trigger', async (client) => {
        const { Attempts, FirstFailedAt, ...entry } = failure;
        const stored = await runScript(
          client,
          SCRIPTS.recordFailure,
          [key(scope, 'failures'), key(scope, 'failed')],
          [failure.Key, JSON.stringify(entry), String(Attempts), FirstFailedAt, String(Date.parse(failure.LastFailedAt) || 0)],
        );
        return JSON.parse(String(stored)) as FailedTrigger;
      }),
    clearFailures: (scope, keys) =>
      run('clear failed triggers', async (client) =>
        keys.length === 0
          ? 0
          : Number(await runScript(client, SCRIPTS.clearFailures, [key(scope, 'failures'), key(scope, 'failed')], [...keys])),
      ),
    readFailures: (scope) =>
      run('read failed triggers', async (client) => {
        const keys = await client.zrange(key(scope, 'failed'), 0, -1);
        const failures: FailedTrigger[] = [];
        for (let start = 0; start < keys.length; start += READ_CHUNK) {
          const bodies = await client.hmget(key(scope, 'failures'), ...keys.slice(start, start + READ_CHUNK));
          for (const body of bodies) if (body !== null) failures.push(JSON.parse(body) as FailedTrigger);
        }
        return newestFirst(failures);
      }),
    warmUp: async () => {
      await connection();
    },
    close: async () => {
      const pending = redis;
      redis = undefined;
      if (!pending) return;
      const client = await pending.catch(() => undefined);
      await client?.quit().catch(() => client.disconnect());
    },
  };
}

// A key prefix is matched literally by SCAN, whatever glob characters it holds.
function globEscape(text: string): string {
  return text.replace(/[*?[\]\\]/g, (character) => `\\${character}`);
}

// A Redis URL may carry a password: messages name the host alone.
function safeHost(redisUrl: string): string {
  try {
    return new URL(redisUrl).host;
  } catch {
    return '(REDIS_URL)';
  }
}
