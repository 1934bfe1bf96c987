import type { Environment } from '../config/environment';
import type { Logger } from '../logging/logger';
import { createGcraPacer } from './gcra-pacer';
import type { Pacer } from './pacer';
import { createRedisPacer } from './redis-gcra-pacer';

/** The pacer the environment asks for: one GCRA schedule in Redis when REDIS_URL is set, else in this process. */
export function createPacerFromEnvironment(environment: Environment, logger: Logger): Pacer {
  if (!environment.redisUrl) return createGcraPacer();
  return createRedisPacer({ redisUrl: environment.redisUrl, accountKey: environment.pacingAccount, logger });
}
