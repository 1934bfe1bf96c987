import { type Environment, readEnvironment } from '../shared/src/config/environment';
import { createLiveClientFromEnvironment } from '../shared/src/config/live-client-from-environment';
import { createPacerFromEnvironment } from '../shared/src/config/pacer-from-environment';
import { createCasterConfigCache } from '../shared/src/live/caster-config-cache';
import type { LiveClient } from '../shared/src/live/live-client';
import { openLiveSession } from '../shared/src/live/live-session';
import type { RetryPolicy } from '../shared/src/live/retry-policy';
import { createLogger, type Logger, silentLogger } from '../shared/src/logging/logger';
import type { Pacer } from '../shared/src/pacing/pacer';
import type { ScheduleDependencies } from '../shared/src/schedule/schedule-carousel';
import type { CliIo } from './cli-io';
import { type ResolvedCredentials, resolveCliCredentials } from './credentials/resolve-cli-credentials';
import { noteCalling, noteSent } from './interruption';
import { openCliLedger } from './ledger-access';

/** A client and its helpers, built from the environment and the credential chain for one CLI command. */
export interface LiveContext {
  readonly environment: Environment;
  readonly client: LiveClient;
  readonly logger: Logger;
  readonly dependencies: ScheduleDependencies;
  /** The credentials and where they came from; undefined only for a dry run that found none. */
  readonly resolved: ResolvedCredentials | undefined;
  close(): Promise<void>;
}

export interface LiveContextOptions {
  /** False only for --dry-run, which shows placeholders when no source has credentials. */
  readonly requireCredentials: boolean;
  /** False for a command that sends nothing (`ls` without --verify): the credential chain is not even loaded. */
  readonly readsCredentials?: boolean;
  /** `--profile NAME`. */
  readonly profile?: string | undefined;
  readonly retry?: Partial<RetryPolicy>;
}

/** Reads the environment, then the credential chain; bad settings and missing credentials fail here, before anything is sent. */
export async function createLiveContext(io: CliIo, options: LiveContextOptions): Promise<LiveContext> {
  const environment = readEnvironment(io.env);
  const resolved = await credentialsFor(options);
  // Logs go to stderr so stdout stays the JSON result, and only when LOG_LEVEL asks: the error block says it all.
  const logger = io.env['LOG_LEVEL']
    ? createLogger({ level: environment.logLevel, write: (line) => io.stderr(`${line}\n`) })
    : silentLogger;
  const pacer = createPacerFromEnvironment(environment, logger);
  const credentials = resolved?.credentials ?? { accessKeyId: '<ALIBABA_CLOUD_ACCESS_KEY_ID>', accessKeySecret: 'unset-secret' };
  const client = trackCalls(
    createLiveClientFromEnvironment(environment, {
      credentials,
      pacer: trackSends(pacer),
      logger,
      ...(options.retry ? { retry: options.retry } : {}),
    }),
  );
  const ledger = openCliLedger(io, io.env['LOG_LEVEL'] ? logger : undefined);
  // A command is one invocation: its calls sign with the resolved credentials and run without a deadline.
  const dependencies: ScheduleDependencies = {
    session: openLiveSession(client, { credentials: resolved?.credentials, deadlineAtMs: undefined, logger }),
    configCache: createCasterConfigCache(),
    defaultCasterId: environment.defaultCasterId,
    studioAccess: environment.studioAccess,
    ledger,
  };
  const close = async (): Promise<void> => {
    await Promise.all([pacer.close?.(), ledger?.close()]);
  };
  return { environment, client, logger, dependencies, resolved, close };
}

// The pacer admits each attempt just before it is written to the wire: the moment a Ctrl-C must know about.
function trackSends(pacer: Pacer): Pacer {
  return {
    acquire: async (action, deadlineAtMs) => {
      await pacer.acquire(action, deadlineAtMs);
      noteSent(action);
    },
    ...(pacer.warmUp ? { warmUp: () => (pacer.warmUp as () => Promise<void>)() } : {}),
    ...(pacer.close ? { close: () => (pacer.close as () => Promise<void>)() } : {}),
  };
}

function trackCalls(client: LiveClient): LiveClient {
  return {
    ...client,
    call: (action, params, callOptions) => {
      noteCalling(action, params);
      return client.call(action, params, callOptions);
    },
  };
}

async function credentialsFor(options: LiveContextOptions): Promise<ResolvedCredentials | undefined> {
  if (options.readsCredentials === false && !options.requireCredentials) return undefined;
  try {
    return await resolveCliCredentials({ profile: options.profile });
  } catch (error) {
    if (options.requireCredentials) throw error;
    return undefined;
  }
}
