import { type Environment, readEnvironment } from '../config/environment';
import { createLiveClientFromEnvironment } from '../config/live-client-from-environment';
import { createPacerFromEnvironment } from '../config/pacer-from-environment';
import type { Ledger } from '../ledger/ledger';
import { ledgerFromEnvironment } from '../ledger/ledger-from-environment';
import { type CasterConfigCache, createCasterConfigCache } from '../live/caster-config-cache';
import type { LiveClient } from '../live/live-client';
import { openLiveSession } from '../live/live-session';
import { createLogger, type Logger } from '../logging/logger';
import type { Pacer } from '../pacing/pacer';
import type { ScheduleDependencies } from '../schedule/schedule-carousel';
import type { InvocationContext } from './fc-types';

/** What one FC instance keeps between invocations. */
export interface FcInstance {
  readonly environment: Environment;
  /** The base logger; invocations add their requestId with `child`. */
  readonly logger: Logger;
  /** Shared by every invocation of this instance, so concurrent invocations queue for the same API budget. */
  readonly pacer: Pacer;
  /** DescribeCasterConfig answers, reused across invocations for their TTL. */
  readonly configCache: CasterConfigCache;
  /** One Live client for the instance; each invocation signs with its own credentials (FC's STS keys rotate). */
  readonly client: LiveClient;
  /** The schedule ledger: in Redis with REDIS_URL, in LEDGER_FILE without; none when neither is set or LEDGER=off. */
  readonly ledger: Ledger | undefined;
}

let instance: FcInstance | undefined;

/** The instance state, created on first use; a failed creation (bad environment) is retried on the next call. */
export function getFcInstance(env: NodeJS.ProcessEnv = process.env): FcInstance {
  instance ??= createFcInstance(env);
  return instance;
}

/** The instance state if it was created, without creating it. */
export function peekFcInstance(): FcInstance | undefined {
  return instance;
}

/** Builds fresh instance state from the environment; throws ConfigurationError naming a bad variable. */
export function createFcInstance(env: NodeJS.ProcessEnv = process.env): FcInstance {
  const environment = readEnvironment(env);
  const logger = createLogger({ level: environment.logLevel, fields: functionFields(env) });
  const pacer = createPacerFromEnvironment(environment, logger);
  const client = createLiveClientFromEnvironment(environment, { pacer, logger });
  const ledger = ledgerFromEnvironment(environment, env, logger);
  return { environment, logger, pacer, configCache: createCasterConfigCache(), client, ledger };
}

/**
 * What scheduling needs for one invocation: the instance's cache, ledger and default studio, and a Live session
 * carrying the invocation's credentials, deadline and logger into every call.
 */
export function scheduleDependenciesFor(
  context: Pick<InvocationContext, 'invocationLogger' | 'liveCredentials' | 'deadlineAtMs'>,
): ScheduleDependencies {
  const { client, configCache, environment, ledger } = getFcInstance();
  return {
    session: openLiveSession(client, {
      credentials: context.liveCredentials,
      deadlineAtMs: context.deadlineAtMs,
      logger: context.invocationLogger,
    }),
    configCache,
    defaultCasterId: environment.defaultCasterId,
    studioAccess: environment.studioAccess,
    ledger,
  };
}

/** A logger for the rare failure that happens before the instance exists (e.g. a bad environment variable). */
export function fallbackLogger(env: NodeJS.ProcessEnv = process.env): Logger {
  return createLogger({ fields: functionFields(env) });
}

function functionFields(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const name = env['FC_FUNCTION_NAME'];
  return name ? { function: name } : {};
}
