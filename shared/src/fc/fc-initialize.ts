import { openLiveSession } from '../live/live-session';
import { lookUpStudio } from '../schedule/schedule-carousel';
import { credentialsFromContext } from './fc-credentials';
import { getFcInstance } from './fc-instance';
import type { FcContext } from './fc-types';

/** The most the initializer spends warming the studio configuration; the rest of its timeout stays unused. */
const WARM_UP_BUDGET_MS = 3_000;

/**
 * FC initializer hook (`instanceLifecycleConfig.initializer: index.initialize`): reads the environment, creates
 * the pacer, cache and client, and fetches the default studio's configuration so the first request skips that call.
 * A bad environment fails the initializer loudly; a failed warm-up is only logged, as the first invocation
 * fetches the configuration again anyway.
 */
export async function initializeFcInstance(context: FcContext): Promise<void> {
  const startedAtMs = Date.now();
  const instance = getFcInstance();
  const logger = instance.logger.child({ requestId: context.requestId, phase: 'initialize' });
  const casterId = instance.environment.defaultCasterId;
  const credentials = credentialsFromContext(context);
  // Connecting to Redis here keeps it out of the first request (16 instances connecting at once cost ~0.5 s).
  await Promise.all([instance.pacer.warmUp?.(), instance.ledger?.warmUp?.()]);
  if (casterId && credentials) {
    const timeoutMs = (context.function?.initializationTimeout ?? 3) * 1000;
    const deadlineAtMs = startedAtMs + Math.min(WARM_UP_BUDGET_MS, timeoutMs / 2);
    try {
      const session = openLiveSession(instance.client, { credentials, deadlineAtMs, logger });
      await lookUpStudio(casterId, { session, configCache: instance.configCache });
    } catch (error) {
      logger.warn('could not warm the studio configuration; the first invocation fetches it', { caster: casterId, error });
    }
  }
  logger.info('instance initialized', { latencyMs: Date.now() - startedAtMs, caster: casterId });
}
