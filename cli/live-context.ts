import { type Environment, readEnvironment } from '../shared/src/config/environment';
import { createLiveClientFromEnvironment } from '../shared/src/config/live-client-from-environment';
import { createPacerFromEnvironment } from '../shared/src/config/pacer-from-environment';
import { ConfigurationError } from '../shared/src/errors';
import { createCasterConfigCache } from '../shared/src/live/caster-config-cache';
import type { LiveClient } from '../shared/src/live/live-client';
import { createLogger, type Logger } from '../shared/src/logging/logger';
import type { ScheduleDependencies } from '../shared/src/schedule/schedule-carousel';
import type { CliIo } from './cli-io';

/** A client and its helpers, built from the environment for one CLI command. */
export interface LiveContext {
  readonly environment: Environment;
  readonly client: LiveClient;
  readonly logger: Logger;
  readonly dependencies: ScheduleDependencies;
  close(): Promise<void>;
}

/** Builds the client from the environment; missing credentials fail here, before anything is sent. */
export function createLiveContext(io: CliIo, options: { requireCredentials: boolean }): LiveContext {
  const environment = readEnvironment(io.env);
  if (options.requireCredentials && !environment.credentials) {
    throw new ConfigurationError(
      'Missing credentials: set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET (and ALIBABA_CLOUD_SECURITY_TOKEN for STS keys)',
    );
  }
  // CLI logs go to stderr so stdout stays the JSON result; quiet unless LOG_LEVEL asks for more.
  const logger = createLogger({ level: io.env['LOG_LEVEL'] ? environment.logLevel : 'warn', write: (line) => io.stderr(`${line}\n`) });
  const pacer = createPacerFromEnvironment(environment, logger);
  // Without credentials only --dry-run gets here; it shows placeholders and sends nothing.
  const credentials = environment.credentials ?? { accessKeyId: '<ALIBABA_CLOUD_ACCESS_KEY_ID>', accessKeySecret: 'unset-secret' };
  const client = createLiveClientFromEnvironment(environment, { credentials, pacer, logger });
  const dependencies: ScheduleDependencies = {
    client,
    configCache: createCasterConfigCache(),
    defaultCasterId: environment.defaultCasterId,
    logger,
  };
  return { environment, client, logger, dependencies, close: async () => pacer.close?.() };
}
