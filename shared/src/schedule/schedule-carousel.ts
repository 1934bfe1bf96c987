import { ConfigurationError, PlanValidationError } from '../errors';
import type { CasterConfigCache, CasterConfigLookup } from '../live/caster-config-cache';
import type { LiveClient } from '../live/live-client';
import { addCasterEpisodeGroup, describeCasterConfig, type EpisodeGroupRequest, type EpisodeGroupResult } from '../live/operations';
import { type Logger, silentLogger } from '../logging/logger';
import type { Credentials } from '../signing/credentials';
import type { ScheduleRequest } from './schedule-request';

/** What scheduling needs from its surroundings; FC adapters and the CLI each build one. */
export interface ScheduleDependencies {
  readonly client: LiveClient;
  readonly configCache: CasterConfigCache;
  /** The studio to use when a plan names none (the CASTER_ID variable). */
  readonly defaultCasterId?: string | undefined;
  readonly logger?: Logger;
  /** The credentials to sign with, when the client has none of its own (an FC invocation's STS keys). */
  readonly credentials?: Credentials | undefined;
}

/** The scheduled group, and the ClientToken that makes a retry of this trigger return it again. */
export interface ScheduleResult extends EpisodeGroupResult {
  readonly ClientToken: string;
}

/**
 * Fills CallbackUrl, DomainName and SideOutputUrl from DescribeCasterConfig when the plan does not give both
 * CallbackUrl and DomainName; a plan that gives both is sent as it is, without a lookup.
 */
export async function resolveEpisodeGroup(request: ScheduleRequest, dependencies: ScheduleDependencies): Promise<EpisodeGroupRequest> {
  const { plan } = request;
  const base = { StartTime: plan.StartTime, RepeatNum: plan.RepeatNum, Items: plan.Items, ClientToken: request.clientToken };
  if (plan.CallbackUrl && plan.DomainName) {
    return { ...base, CallbackUrl: plan.CallbackUrl, DomainName: plan.DomainName, SideOutputUrl: plan.SideOutputUrl };
  }
  const casterId = plan.CasterId ?? dependencies.defaultCasterId;
  if (!casterId) {
    throw new PlanValidationError({
      CasterId: ['is required when CallbackUrl and DomainName are not both given (or set CASTER_ID)'],
    });
  }
  const logger = dependencies.logger ?? silentLogger;
  const lookup = await lookUpStudio(casterId, dependencies, request.deadlineAtMs);
  if (lookup.source === 'stale') {
    logger.warn('serving a stale studio configuration after a failed refresh', { caster: casterId, error: lookup.refreshError });
  }
  const callbackUrl = plan.CallbackUrl ?? lookup.config.CallbackUrl;
  const domainName = plan.DomainName ?? lookup.config.DomainName;
  if (!callbackUrl || !domainName) {
    throw new ConfigurationError(
      `Studio ${casterId} has no ${callbackUrl ? 'DomainName' : 'CallbackUrl'} in DescribeCasterConfig; give it in the plan`,
    );
  }
  return { ...base, CallbackUrl: callbackUrl, DomainName: domainName, SideOutputUrl: plan.SideOutputUrl ?? lookup.config.SideOutputUrl };
}

/** A studio's DescribeCasterConfig, through the cache: the one way scheduling and warm-ups read it. */
export function lookUpStudio(
  casterId: string,
  dependencies: Pick<ScheduleDependencies, 'client' | 'configCache' | 'logger' | 'credentials'>,
  deadlineAtMs: number | undefined,
): Promise<CasterConfigLookup> {
  const { client, configCache } = dependencies;
  return configCache.get(client.regionId, casterId, () =>
    describeCasterConfig(client, casterId, {
      deadlineAtMs,
      logFields: { caster: casterId },
      logger: dependencies.logger,
      credentials: dependencies.credentials,
    }),
  );
}

/** Schedules one validated plan: studio configuration, then one paced, retried, idempotent AddCasterEpisodeGroup. */
export async function scheduleCarousel(request: ScheduleRequest, dependencies: ScheduleDependencies): Promise<ScheduleResult> {
  const episodeGroup = await resolveEpisodeGroup(request, dependencies);
  const caster = request.plan.CasterId ?? dependencies.defaultCasterId;
  const result = await addCasterEpisodeGroup(dependencies.client, episodeGroup, {
    deadlineAtMs: request.deadlineAtMs,
    logFields: { caster, ClientToken: episodeGroup.ClientToken },
    logger: dependencies.logger,
    credentials: dependencies.credentials,
  });
  (dependencies.logger ?? silentLogger).info('episode group scheduled', {
    caster,
    ClientToken: episodeGroup.ClientToken,
    ProgramId: result.ProgramId,
    RequestId: result.RequestId,
    items: result.ItemIds.length,
  });
  return { ...result, ClientToken: episodeGroup.ClientToken };
}
