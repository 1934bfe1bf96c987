import { ConfigurationError, PlanValidationError } from '../errors';
import { canonicalJson, deriveClientToken } from '../idempotency/client-token';
import type { CasterConfigCache, CasterConfigLookup } from '../live/caster-config-cache';
import type { LiveClient } from '../live/live-client';
import { addCasterEpisodeGroup, describeCasterConfig, type EpisodeGroupRequest, type EpisodeGroupResult } from '../live/operations';
import { type Logger, silentLogger } from '../logging/logger';
import type { Plan } from '../plan/plan';

/** What scheduling needs from its surroundings; FC adapters and the CLI each build one. */
export interface ScheduleDependencies {
  readonly client: LiveClient;
  readonly configCache: CasterConfigCache;
  /** The studio to use when a plan names none (the CASTER_ID variable). */
  readonly defaultCasterId?: string | undefined;
  readonly logger?: Logger;
}

export interface ScheduleRequest {
  /** A plan that already passed validatePlan. */
  readonly plan: Plan;
  /**
   * What makes this trigger unique, when not the plan itself; the ClientToken derives from it. Only read when
   * neither `clientToken` nor the plan's own ClientToken is given, so the plan's canonical form is computed lazily.
   */
  readonly idempotencyIdentity?: string | undefined;
  /** A ClientToken fixed by the caller, e.g. from an Idempotency-Key header; beats the plan's own. */
  readonly clientToken?: string | undefined;
  /** Epoch ms past which nothing more is attempted. */
  readonly deadlineAtMs?: number | undefined;
}

/** The scheduled group, and the ClientToken that makes a retry of this trigger return it again. */
export interface ScheduleResult extends EpisodeGroupResult {
  readonly ClientToken: string;
}

/** The identity a plan alone stands for: its canonical JSON, ClientToken aside. */
export function planIdentity(plan: Plan): string {
  const { ClientToken: _ignored, ...rest } = plan;
  return `plan:${canonicalJson(rest)}`;
}

/** Chooses the ClientToken: the caller's, else the plan's, else one derived from the trigger's identity. */
export function chooseClientToken(request: Pick<ScheduleRequest, 'plan' | 'idempotencyIdentity' | 'clientToken'>): string {
  return request.clientToken ?? request.plan.ClientToken ?? deriveClientToken(request.idempotencyIdentity ?? planIdentity(request.plan));
}

/**
 * Fills CallbackUrl, DomainName and SideOutputUrl from DescribeCasterConfig when the plan does not give both
 * CallbackUrl and DomainName; a plan that gives both is sent as it is, without a lookup.
 */
export async function resolveEpisodeGroup(request: ScheduleRequest, dependencies: ScheduleDependencies): Promise<EpisodeGroupRequest> {
  const { plan } = request;
  const clientToken = chooseClientToken(request);
  const base = { StartTime: plan.StartTime, RepeatNum: plan.RepeatNum, Items: plan.Items, ClientToken: clientToken };
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
  dependencies: Pick<ScheduleDependencies, 'client' | 'configCache'>,
  deadlineAtMs: number | undefined,
): Promise<CasterConfigLookup> {
  const { client, configCache } = dependencies;
  return configCache.get(client.regionId, casterId, () =>
    describeCasterConfig(client, casterId, { deadlineAtMs, logFields: { caster: casterId } }),
  );
}

/** Schedules one validated plan: studio configuration, then one paced, retried, idempotent AddCasterEpisodeGroup. */
export async function scheduleCarousel(request: ScheduleRequest, dependencies: ScheduleDependencies): Promise<ScheduleResult> {
  const episodeGroup = await resolveEpisodeGroup(request, dependencies);
  const caster = request.plan.CasterId ?? dependencies.defaultCasterId;
  const result = await addCasterEpisodeGroup(dependencies.client, episodeGroup, {
    deadlineAtMs: request.deadlineAtMs,
    logFields: { caster, ClientToken: episodeGroup.ClientToken },
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
