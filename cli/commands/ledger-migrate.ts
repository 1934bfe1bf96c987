import { existsSync, readFileSync, renameSync } from 'node:fs';
import { resolve } from 'node:path';
import { readEnvironment } from '../../shared/src/config/environment';
import { UsageError } from '../../shared/src/errors';
import type { Ledger } from '../../shared/src/ledger/ledger';
import { defaultLedgerFile } from '../../shared/src/ledger/ledger-from-environment';
import { type CliIo, EXIT_INVALID_INPUT, EXIT_OK } from '../cli-io';
import { type EarlierScope, migrateEarlierScope } from '../earlier-ledger';
import { count, emit, type OutputStyle, oneLine } from '../output';

/** Where the earlier release kept its Redis ledger: one hash-tagged set of keys per scope. */
const EARLIER_REDIS_PREFIX = 'caster-carousel:ledger';
const EARLIER_FILE_FORMAT = 'caster-carousel-ledger';
// Problems named before the migration is refused (the count says how many there are in all).
const NAMED_PROBLEMS = 20;

/** The earlier ledger of one scope, where it was read from, and what else that source holds. */
interface EarlierSource {
  readonly description: string;
  readonly scope: EarlierScope | undefined;
  readonly otherScopes: readonly string[];
  /** For a file at the ledger's own path: it moves aside before today's ledger is written there. */
  readonly moveAside?: { readonly from: string; readonly to: string } | undefined;
  /** Where the earlier ledger stays after the migration, for the operator to delete once satisfied. */
  readonly keptAt: string;
}

/**
 * `ledger migrate [--from FILE]`: carries the earlier release's ledger of this scope (its file ledger, format 1,
 * or its keys in the same Redis) over into today's ledger, as `ledger import` would, so the groups it scheduled
 * stay known: their triggers are still answered and the timeline retires the ones it had superseded.
 */
export async function migrateLedger(io: CliIo, style: OutputStyle, ledger: Ledger, from: string | undefined): Promise<number> {
  const environment = readEnvironment(io.env);
  const file = from ?? ledgerFileOf(io.env);
  const source =
    from === undefined && environment.redisUrl
      ? await readEarlierRedis(environment.redisUrl, ledger.scope)
      : // The ledger's own file moves aside before today's ledger is written there (given with --from or not).
        readEarlierFile(file, ledger.scope, !environment.redisUrl && resolve(file) === resolve(ledgerFileOf(io.env)));
  if (source.scope === undefined) {
    // Nothing of this scope, but the file must still make way: this scope starts afresh, the others migrate from
    // where it is kept.
    if (source.moveAside !== undefined) renameSync(source.moveAside.from, source.moveAside.to);
    emit(io, style, {
      json: { Source: source.description, Records: 0, KeptAt: source.keptAt, OtherScopes: source.otherScopes },
      text: () =>
        [
          `ledger migrate: nothing to migrate: ${source.description} holds no earlier records of scope ${ledger.scope}.`,
          ...otherScopeLines(source),
        ].join('\n'),
    });
    return EXIT_OK;
  }
  const migrated = migrateEarlierScope(source.scope);
  if (migrated.refused.length > 0) {
    const named = migrated.refused
      .slice(0, NAMED_PROBLEMS)
      .map(({ key, problem }) => `  ${oneLine(key).slice(0, 80)}: ${oneLine(problem)}`);
    io.stderr(
      `caster-carousel ledger migrate: ${source.description} is refused, nothing was migrated: ${count(migrated.refused.length, 'entry', 'entries')} cannot be carried over\n${named.join('\n')}${migrated.refused.length > named.length ? `\n  ... and ${migrated.refused.length - named.length} more` : ''}\n`,
    );
    return EXIT_INVALID_INPUT;
  }
  if (source.moveAside !== undefined) renameSync(source.moveAside.from, source.moveAside.to);
  const counts = await ledger.importRecords(migrated.records, Date.now());
  const incompleteSince = source.scope.incompleteSince;
  emit(io, style, {
    json: {
      Source: source.description,
      Records: migrated.records.length,
      Added: counts.added,
      Updated: counts.updated,
      Unchanged: counts.unchanged,
      SupersededNowScheduled: migrated.supersededNowScheduled,
      IncompleteSince: incompleteSince,
      KeptAt: source.keptAt,
      OtherScopes: source.otherScopes,
    },
    text: () =>
      [
        `ledger migrate: ${count(migrated.records.length, 'record')} of ${source.description} carried into ${ledger.description}: ${counts.added} added, ${counts.updated} updated to a newer version, ${counts.unchanged} already there.`,
        ...(migrated.supersededNowScheduled > 0
          ? [
              `${count(migrated.supersededNowScheduled, 'superseded group')} ${migrated.supersededNowScheduled === 1 ? 'is' : 'are'} scheduled again: the timeline now decides by StartTime, and the next tick or caster-carousel gc deletes each once its successor has started.`,
            ]
          : []),
        ...(incompleteSince !== undefined
          ? [
              `The earlier ledger lost a write at ${style.time(incompleteSince)} and cannot say which: run caster-carousel ls --verify to find groups the studio no longer has.`,
            ]
          : []),
        `The earlier ledger is kept at ${source.keptAt}; delete it once you are satisfied.`,
        ...otherScopeLines(source),
      ].join('\n'),
  });
  return EXIT_OK;
}

function otherScopeLines(source: EarlierSource): string[] {
  if (source.otherScopes.length === 0) return [];
  return [
    `It also holds ${count(source.otherScopes.length, 'other scope')} (another endpoint, region or PACING_ACCOUNT): run ledger migrate --from ${source.keptAt} again with the variables of each:`,
    ...source.otherScopes.map((scope) => `  ${oneLine(scope)}`),
  ];
}

/** The CLI's ledger file: LEDGER_FILE, else the state file. */
function ledgerFileOf(env: NodeJS.ProcessEnv): string {
  return env['LEDGER_FILE']?.trim() ? (env['LEDGER_FILE'] as string) : defaultLedgerFile(env);
}

function readEarlierFile(file: string, scope: string, isLedgerFile: boolean): EarlierSource {
  let parsed: { format?: unknown; version?: unknown; scopes?: unknown };
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8')) as typeof parsed;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UsageError(`there is no earlier ledger at ${file} (give --from FILE)`);
    throw new UsageError(`cannot read ${file} as a ledger file: ${code ?? 'not JSON'}`);
  }
  if (parsed?.format !== EARLIER_FILE_FORMAT) throw new UsageError(`${file} is not a caster-carousel ledger file`);
  if (parsed.version !== 1) {
    // Already migrated (or never earlier): running the migration again changes nothing.
    return {
      description: `${file} (format ${String(parsed.version)}, which this release reads as it is)`,
      scope: undefined,
      otherScopes: [],
      keptAt: file,
    };
  }
  const scopes = (parsed.scopes !== null && typeof parsed.scopes === 'object' ? parsed.scopes : {}) as Record<string, EarlierScope>;
  const moveAsideTo = isLedgerFile ? `${resolve(file)}.format1` : undefined;
  if (moveAsideTo !== undefined && existsSync(moveAsideTo)) {
    throw new UsageError(`${moveAsideTo} exists already: move it away, or give it as --from to migrate from it`);
  }
  return {
    description: `the format-1 ledger file ${file}`,
    scope: Object.hasOwn(scopes, scope) ? scopes[scope] : undefined,
    otherScopes: Object.keys(scopes).filter((name) => name !== scope),
    moveAside: moveAsideTo === undefined ? undefined : { from: file, to: moveAsideTo },
    keptAt: moveAsideTo ?? file,
  };
}

async function readEarlierRedis(redisUrl: string, scope: string): Promise<EarlierSource> {
  const { connectFailFast } = await import('../../shared/src/pacing/redis-connection');
  const client = await connectFailFast(redisUrl, 10_000);
  const base = `${EARLIER_REDIS_PREFIX}:{${scope}}`;
  try {
    // A one-off read of a whole scope, never on a scheduling path: HGETALL is fine here.
    const [bodies, states, intents, generations, incompleteSince] = await Promise.all([
      client.hgetall(`${base}:records`),
      client.hgetall(`${base}:states`),
      client.hgetall(`${base}:intents`),
      client.hgetall(`${base}:generations`),
      client.get(`${base}:incomplete`),
    ]);
    const records: Record<string, unknown> = {};
    for (const [programId, body] of Object.entries(bodies)) {
      const state = states[programId];
      Object.defineProperty(records, programId, {
        value: { ...(parseJson(body) ?? {}), ...(state === undefined ? {} : (parseJson(state) ?? {})) },
        enumerable: true,
      });
    }
    const parsedIntents: Record<string, unknown> = {};
    for (const [token, text] of Object.entries(intents))
      Object.defineProperty(parsedIntents, token, { value: parseJson(text), enumerable: true });
    const empty = Object.keys(records).length === 0 && Object.keys(parsedIntents).length === 0;
    return {
      description: `the earlier Redis ledger (keys ${base}:*)`,
      scope: empty ? undefined : { records, intents: parsedIntents, generations, incompleteSince: incompleteSince ?? undefined },
      otherScopes: [],
      keptAt: `the keys ${base}:*`,
    };
  } finally {
    client.disconnect();
  }
}

function parseJson(text: string): object | null {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' ? value : null;
  } catch {
    return null;
  }
}
