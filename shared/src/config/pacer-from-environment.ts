import type { Logger } from '../logging/logger';
import { createGcraPacer } from '../pacing/gcra-pacer';
import type { Pacer } from '../pacing/pacer';
import { LIVE_API_LIMITS_PER_SECOND } from '../pacing/pacer';
import { shareOfLimits } from '../pacing/pacing-share';
import { createRedisPacer } from '../pacing/redis-gcra-pacer';
import type { Environment } from './environment';

/**
 * The pacer the environment asks for: one GCRA schedule in Redis when REDIS_URL is set, else in this process.
 * Pacing alone (no Redis, or Redis out of reach), a process keeps to its PACING_SHARE of the limits.
 */
export function createPacerFromEnvironment(environment: Environment, logger: Logger): Pacer {
  if (!environment.redisUrl)
    return createGcraPacer({ limitsPerSecond: shareOfLimits(LIVE_API_LIMITS_PER_SECOND, environment.pacingShare) });
  return createRedisPacer({
    redisUrl: environment.redisUrl,
    accountKey: environment.pacingAccount,
    fallbackShare: environment.pacingShare,
    logger,
  });
}
