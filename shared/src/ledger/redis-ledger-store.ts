import { createHash } from 'node:crypto';
import { tokenForGeneration } from '../idempotency/token-generation';
import { createCircuitBreaker } from '../pacing/circuit-breaker';
import type { Redis } from '../pacing/redis-connection';
import { LedgerUnavailableError } from './ledger-errors';
import type { LedgerIntent, LedgerRecord, LedgerState } from './ledger-record';
import { byCreatedAt, slotKeyOf } from './ledger-scope-data';
import type { LedgerStore, TokenLookup } from './ledger-store';
import {
  COMMIT_SCRIPT,
  GENERATION_SCRIPT,
  INCOMPLETE_SCRIPT,
  INTENT_SCRIPT,
  LOOKUP_SCRIPT,
  TRANSITION_SCRIPT,
} from './redis-ledger-scripts';

export interface RedisLedgerStoreOptions {
  readonly redisUrl: string;
  readonly keyPrefix?: string;
  readonly commandTimeoutMs?: number;
}

/** A Lua script with its SHA-1, sent by EVALSHA and by EVAL only when Redis does not hold it yet. */
interface Script {
  readonly lua: string;
  readonly sha: string;
}

function script(lua: string): Script {
  return { lua, sha: createHash('sha1').update(lua).digest('hex') };
}

const SCRIPTS = {
  lookUp: script(LOOKUP_SCRIPT),
  intent: script(INTENT_SCRIPT),
  commit: script(COMMIT_SCRIPT),
  transition: script(TRANSITION_SCRIPT),
  generation: script(GENERATION_SCRIPT),
  incomplete: script(INCOMPLETE_SCRIPT),
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

interface StateFields {
  State: LedgerState;
  SupersededBy?: string | undefined;
  UpdatedAt?: string | undefined;
}

/**
 * The ledger in Redis, shared by every FC instance and the CLI: the same Redis the pacer uses. Each scope is
 * a few hashes under one hash tag (so it also works on a cluster), changed only through the Lua scripts in
 * redis-ledger-scripts.ts, each atomic. ioredis is loaded on first use, never at cold start.
 */
export function createRedisLedgerStore(options: RedisLedgerStoreOptions): LedgerStore {
  const keyPrefix = options.keyPrefix ?? 'caster-carousel:ledger';
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
  const keys = (scope: string): string[] => {
    const base = `${keyPrefix}:{${scope}}`;
    return ['records', 'states', 'tokens', 'intents', 'generations', 'slots', 'incomplete'].map((name) => `${base}:${name}`);
  };

  return {
    description: `redis ${host}`,
    lookUp: (scope, baseToken) =>
      run('look up a token', async (client) => {
        const reply = await runScript(client, SCRIPTS.lookUp, keys(scope), [baseToken]);
        const [generation, clientToken, body, state, intent] = Array.isArray(reply) ? (reply as unknown[]) : [];
        const lookup: TokenLookup = {
          generation: Number(generation),
          clientToken: String(clientToken),
          record: typeof body === 'string' && typeof state === 'string' ? joinRecord(body, state) : undefined,
          intent: typeof intent === 'string' ? (JSON.parse(intent) as LedgerIntent) : undefined,
        };
        return lookup;
      }),
    recordIntent: (scope, intent) =>
      run('record an intent', async (client) => {
        await runScript(client, SCRIPTS.intent, keys(scope), [intent.ClientToken, JSON.stringify(intent)]);
      }),
    commit: (scope, record) =>
      run('record a group', async (client) => {
        const { State, SupersededBy, UpdatedAt, ...body } = record;
        const superseded: StateFields = { State: 'superseded', SupersededBy: record.ProgramId, UpdatedAt: record.CreatedAt };
        const reply = await runScript(client, SCRIPTS.commit, keys(scope), [
          record.ProgramId,
          JSON.stringify(body),
          JSON.stringify({ State, SupersededBy, UpdatedAt }),
          record.ClientToken,
          slotKeyOf(record) ?? '',
          JSON.stringify(superseded),
        ]);
        return typeof reply === 'string' ? reply : undefined;
      }),
    transition: (scope, change) =>
      run('change a state', async (client) => {
        const reply = await runScript(client, SCRIPTS.transition, keys(scope), [
          change.programId,
          change.to,
          change.updatedAt,
          ...change.from,
        ]);
        if (!Array.isArray(reply)) return undefined;
        const [body, state] = reply as unknown[];
        return typeof body === 'string' && typeof state === 'string' ? joinRecord(body, state) : undefined;
      }),
    advanceGeneration: (scope, baseToken, from) =>
      run('advance a generation', async (client) => {
        const entry = `${from + 1}|${tokenForGeneration(baseToken, from + 1)}`;
        return Number(await runScript(client, SCRIPTS.generation, keys(scope), [baseToken, String(from), entry]));
      }),
    load: (scope) =>
      run('load the ledger', async (client) => {
        const [recordsKey, statesKey, , , , , incompleteKey] = keys(scope) as [string, string, string, string, string, string, string];
        const [bodies, states, incompleteSince] = await Promise.all([
          client.hgetall(recordsKey),
          client.hgetall(statesKey),
          client.get(incompleteKey),
        ]);
        const records: LedgerRecord[] = [];
        for (const [programId, body] of Object.entries(bodies)) {
          const state = states[programId];
          if (state !== undefined) records.push(joinRecord(body, state));
        }
        records.sort(byCreatedAt);
        return { records, incompleteSince: incompleteSince ?? undefined };
      }),
    markIncomplete: (scope, sinceIso) =>
      run('mark the ledger incomplete', async (client) => {
        await runScript(client, SCRIPTS.incomplete, keys(scope), [sinceIso]);
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

function joinRecord(body: string, state: string): LedgerRecord {
  return { ...(JSON.parse(body) as Omit<LedgerRecord, keyof StateFields>), ...(JSON.parse(state) as StateFields) };
}

// A Redis URL may carry a password: messages name the host alone.
function safeHost(redisUrl: string): string {
  try {
    return new URL(redisUrl).host;
  } catch {
    return '(REDIS_URL)';
  }
}
