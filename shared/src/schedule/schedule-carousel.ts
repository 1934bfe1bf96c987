import {
  authorizeStudio,
  forbiddenDestinationFields,
  type GroupDestination,
  isListedStudio,
  isStudioAccessRestricted,
  StudioAccessError,
  type StudioAccessLists,
} from '../authorization/studio-access';
import { ConfigurationError, PlanValidationError } from '../errors';
import type { Ledger } from '../ledger/ledger';
import type { CasterConfigCache, CasterConfigLookup } from '../live/caster-config-cache';
import type { LiveSession } from '../live/live-session';
import type { EpisodeGroupRequest, EpisodeGroupResult } from '../live/operations';
import type { PlanWarning } from '../plan/plan';
import type { ScheduleRequest } from './schedule-request';

/** What scheduling needs from its surroundings; FC adapters and the CLI each build one per invocation. */
export interface ScheduleDependencies {
  /** The invocation's Live calls, with its credentials, deadline and logger. */
  readonly session: LiveSession;
  readonly configCache: CasterConfigCache;
  /** The studio to use when a plan names none (the CASTER_ID variable). */
  readonly defaultCasterId?: string | undefined;
  /** ALLOWED_CASTER_IDS / ALLOWED_DOMAINS; unrestricted when absent. */
  readonly studioAccess?: StudioAccessLists | undefined;
  /** The schedule ledger, when the environment keeps one. */
  readonly ledger?: Ledger | undefined;
  /** Epoch ms now. Date.now, except where a model test runs the schedule in virtual time. */
  readonly nowMs?: (() => number) | undefined;
}

/** The scheduled group, and the ClientToken that makes a retry of this trigger return it again. */
export interface ScheduleResult extends EpisodeGroupResult {
  readonly ClientToken: string;
  /** What a person should know about the scheduled group (URL signatures expiring while it loops); absent when none. */
  readonly warnings?: readonly PlanWarning[];
}

/**
 * Fills CallbackUrl, DomainName and SideOutputUrl from DescribeCasterConfig when the plan does not give both
 * CallbackUrl and DomainName; a plan that gives both is sent as it is, without a lookup. With allow-lists, every
 * destination (a SideOutputUrl the plan gives included) is checked before anything is sent.
 */
export async function resolveEpisodeGroup(request: ScheduleRequest, dependencies: ScheduleDependencies): Promise<EpisodeGroupRequest> {
  const { plan } = request;
  const base = { StartTime: plan.StartTime, RepeatNum: plan.RepeatNum, Items: plan.Items, ClientToken: request.clientToken };
  const access = dependencies.studioAccess;
  // Refused before any request: a studio not allowed is never even looked up.
  if (access) authorizeStudio(access, plan.CasterId ?? dependencies.defaultCasterId, dependencies.defaultCasterId);
  if (plan.CallbackUrl && plan.DomainName) {
    const destination = { CallbackUrl: plan.CallbackUrl, DomainName: plan.DomainName, SideOutputUrl: plan.SideOutputUrl };
    if (access && isStudioAccessRestricted(access)) await authorizeDestination(access, destination, request, dependencies);
    return { ...base, ...destination };
  }
  const casterId = plan.CasterId ?? dependencies.defaultCasterId;
  if (!casterId) {
    throw new PlanValidationError({
      CasterId: ['is required when CallbackUrl and DomainName are not both given (or set CASTER_ID)'],
    });
  }
  const lookup = await lookUpStudio(casterId, dependencies);
  if (lookup.source === 'stale') {
    dependencies.session.logger.warn('serving a stale studio configuration after a failed refresh', {
      caster: casterId,
      error: lookup.refreshError,
    });
  }
  const callbackUrl = plan.CallbackUrl ?? lookup.config.CallbackUrl;
  const domainName = plan.DomainName ?? lookup.config.DomainName;
  if (!callbackUrl || !domainName) {
    throw new ConfigurationError(
      `Studio ${casterId} has no ${callbackUrl ? 'DomainName' : 'CallbackUrl'} in DescribeCasterConfig; give it in the plan`,
    );
  }
  if (access) {
    const studio = isListedStudio(access, casterId, dependencies.defaultCasterId) ? lookup.config : undefined;
    // Only a SideOutputUrl the plan gives is checked: the studio's own, which fills it in otherwise, is its own.
    const destination = { CallbackUrl: callbackUrl, DomainName: domainName, SideOutputUrl: plan.SideOutputUrl };
    const forbidden = forbiddenDestinationFields(access, destination, studio);
    if (forbidden) throw new StudioAccessError(forbidden);
  }
  return { ...base, CallbackUrl: callbackUrl, DomainName: domainName, SideOutputUrl: plan.SideOutputUrl ?? lookup.config.SideOutputUrl };
}

/**
 * Checks a destination the plan gave in full. When ALLOWED_DOMAINS alone does not allow it and the plan names a
 * listed studio, that studio's own configuration is read (a read of an allowed studio) and counts as allowed.
 */
async function authorizeDestination(
  access: StudioAccessLists,
  destination: GroupDestination,
  request: ScheduleRequest,
  dependencies: ScheduleDependencies,
): Promise<void> {
  const forbidden = forbiddenDestinationFields(access, destination);
  if (!forbidden) return;
  const casterId = request.plan.CasterId ?? dependencies.defaultCasterId;
  if (!isListedStudio(access, casterId, dependencies.defaultCasterId) || casterId === undefined) throw new StudioAccessError(forbidden);
  const lookup = await lookUpStudio(casterId, dependencies);
  const stillForbidden = forbiddenDestinationFields(access, destination, lookup.config);
  if (stillForbidden) throw new StudioAccessError(stillForbidden);
}

/** A studio's DescribeCasterConfig, through the cache: the one way scheduling and warm-ups read it. */
export function lookUpStudio(
  casterId: string,
  dependencies: Pick<ScheduleDependencies, 'session' | 'configCache'>,
): Promise<CasterConfigLookup> {
  const { session, configCache } = dependencies;
  return configCache.get(session.regionId, casterId, () => session.describeCasterConfig(casterId));
}

/** Sends one resolved group: one paced, retried, idempotent AddCasterEpisodeGroup, logged with the studio. */
export async function sendEpisodeGroup(
  episodeGroup: EpisodeGroupRequest,
  caster: string | undefined,
  dependencies: Pick<ScheduleDependencies, 'session'>,
): Promise<EpisodeGroupResult> {
  const { session } = dependencies;
  const result = await session.addEpisodeGroup(episodeGroup, { caster });
  session.logger.info('episode group scheduled', {
    caster,
    ClientToken: episodeGroup.ClientToken,
    ProgramId: result.ProgramId,
    RequestId: result.RequestId,
    items: result.ItemIds.length,
  });
  return result;
}

/** Schedules one validated plan without a ledger: studio configuration, then one AddCasterEpisodeGroup. */
export async function scheduleCarousel(request: ScheduleRequest, dependencies: ScheduleDependencies): Promise<ScheduleResult> {
  const episodeGroup = await resolveEpisodeGroup(request, dependencies);
  const caster = request.plan.CasterId ?? dependencies.defaultCasterId;
  const result = await sendEpisodeGroup(episodeGroup, caster, dependencies);
  return { ...result, ClientToken: episodeGroup.ClientToken, ...reportWarnings(request, result.ProgramId, caster, dependencies) };
}

/** The warnings validation found, logged once with the group they concern. */
export function reportWarnings(
  request: ScheduleRequest,
  programId: string,
  caster: string | undefined,
  dependencies: Pick<ScheduleDependencies, 'session'>,
): { warnings?: readonly PlanWarning[] } {
  // Found once, by the validation the trigger reader ran; the core only reports them.
  const warnings = request.warnings ?? [];
  if (warnings.length === 0) return {};
  dependencies.session.logger.warn('episode group scheduled with warnings', { caster, ProgramId: programId, warnings });
  return { warnings };
}
