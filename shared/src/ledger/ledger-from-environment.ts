import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Environment } from '../config/environment';
import { ConfigurationError } from '../errors';
import type { Logger } from '../logging/logger';
import { createFileLedgerStore } from './file-ledger-store';
import { createLedger, type Ledger } from './ledger';
import type { LedgerStore } from './ledger-store';
import { createRedisLedgerStore } from './redis-ledger-store';

/**
 * The scope that keeps answers apart: the Live endpoint's origin, the region and the account name
 * (PACING_ACCOUNT, which already names the account everywhere that shares one rate limit). A CLI user who
 * works against the emulator and then production never gets one's answer for the other.
 */
export function ledgerScope(environment: Pick<Environment, 'endpoint' | 'regionId' | 'pacingAccount'>): string {
  let origin = environment.endpoint;
  try {
    origin = new URL(environment.endpoint).origin;
  } catch {
    // An endpoint that is not a URL fails later, when a request is built; scope it by its text meanwhile.
  }
  return `${origin}|${environment.regionId}|${environment.pacingAccount}`;
}

/** Where the CLI keeps its ledger without LEDGER_FILE: `$XDG_STATE_HOME/caster-carousel/ledger.json`, else `~/.local/state/...`. */
export function defaultLedgerFile(env: NodeJS.ProcessEnv): string {
  const stateHome = env['XDG_STATE_HOME']?.trim() ? (env['XDG_STATE_HOME'] as string) : join(env['HOME'] || homedir(), '.local', 'state');
  return join(stateHome, 'caster-carousel', 'ledger.json');
}

/**
 * The store the environment asks for: none with LEDGER=off; Redis when REDIS_URL is set; else the JSON file
 * at LEDGER_FILE, else at `defaultFile` (the CLI gives one; the functions do not, so without REDIS_URL or
 * LEDGER_FILE they keep no ledger).
 */
export function ledgerStoreFromEnvironment(
  environment: Pick<Environment, 'redisUrl'>,
  env: NodeJS.ProcessEnv,
  defaultFile?: string,
): LedgerStore | undefined {
  const setting = env['LEDGER']?.trim().toLowerCase();
  if (setting === 'off') return undefined;
  if (setting !== undefined && setting !== '' && setting !== 'on') throw new ConfigurationError('LEDGER must be off or on');
  if (environment.redisUrl) return createRedisLedgerStore({ redisUrl: environment.redisUrl });
  const file = env['LEDGER_FILE']?.trim() ? (env['LEDGER_FILE'] as string) : defaultFile;
  return file ? createFileLedgerStore({ file }) : undefined;
}

/** The ledger of the environment's scope, or undefined when it keeps none. */
export function ledgerFromEnvironment(
  environment: Pick<Environment, 'redisUrl' | 'endpoint' | 'regionId' | 'pacingAccount'>,
  env: NodeJS.ProcessEnv,
  logger: Logger,
  defaultFile?: string,
): Ledger | undefined {
  const store = ledgerStoreFromEnvironment(environment, env, defaultFile);
  return store
    ? createLedger({ store, scope: ledgerScope(environment), logger, pendingGraceMs: pendingGraceMs(env), retentionMs: retentionMs(env) })
    : undefined;
}

/** LEDGER_RETENTION_DAYS: how long a record that ended stays live before it moves to the archive (default 30). */
function retentionMs(env: NodeJS.ProcessEnv): number | undefined {
  const text = env['LEDGER_RETENTION_DAYS']?.trim();
  if (!text) return undefined;
  const days = Number(text);
  if (!Number.isInteger(days) || days < 0) throw new ConfigurationError('LEDGER_RETENTION_DAYS must be a whole number of days, 0 or more');
  return days * 24 * 3_600_000;
}

/** LEDGER_PENDING_GRACE_S: how long a pending record belongs to its actor before a tick or gc finishes it (default 30). */
function pendingGraceMs(env: NodeJS.ProcessEnv): number | undefined {
  const text = env['LEDGER_PENDING_GRACE_S']?.trim();
  if (!text) return undefined;
  const seconds = Number(text);
  if (!Number.isInteger(seconds) || seconds < 0)
    throw new ConfigurationError('LEDGER_PENDING_GRACE_S must be a whole number of seconds, 0 or more');
  return seconds * 1000;
}
