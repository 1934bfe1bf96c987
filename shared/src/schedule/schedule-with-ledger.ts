import { authorizeStudio } from '../authorization/studio-access';
import { tokenForGeneration } from '../idempotency/token-generation';
import type { Ledger } from '../ledger/ledger';
import type { LedgerIntent, LedgerRecord, ResolvedEpisodeGroup } from '../ledger/ledger-record';
import { isLive, slotKeyOf } from '../ledger/ledger-scope-data';
import type { TokenLookup } from '../ledger/ledger-store';
import { type RetireOutcome, retireSupersededGroups } from '../ledger/retire-superseded';
import type { EpisodeGroupRequest } from '../live/operations';
import { silentLogger } from '../logging/logger';
import type { Plan } from '../plan/plan';
import { resolveEpisodeGroup, type ScheduleDependencies, type ScheduleResult, scheduleCarousel } from './schedule-carousel';
import type { ScheduleRequest } from './schedule-request';

/** Scheduling's surroundings, with the ledger when the environment keeps one. */
export interface LedgerScheduleDependencies extends ScheduleDependencies {
  readonly ledger?: Ledger | undefined;
  /** Epoch ms now, for deciding which successors have started; Date.now by default. */
  readonly now?: (() => number) | undefined;
}

/** A schedule request, with the slot its trigger implies. */
export interface LedgerScheduleRequest extends ScheduleRequest {
  /** The slot when the plan names none (the CLI's --slot, a timer's trigger name); the plan's own wins. */
  readonly slot?: string | undefined;
}

/** The group, and how the ledger took part. */
export interface LedgerScheduleResult extends ScheduleResult {
  readonly Generation: number;
  /** True when the ledger already held this trigger's live group: answered without an API call. */
  readonly FromLedger: boolean;
  readonly Slot?: string | undefined;
  /** The slot's previous group, now superseded by this one. */
  readonly Superseded?: string | undefined;
  /** Superseded groups of the slot deleted on the way, their successors having started. */
  readonly Retired: readonly string[];
}

const MAX_GENERATION_STEPS = 4;

/**
 * Schedules a plan with the ledger: a trigger whose live group the ledger holds is answered from it (no API
 * call, so a redelivered batch spends the budget only on what is new); one whose group was cancelled or retired
 * moves to its next token generation and schedules anew; the resolved studio parameters are recorded before
 * sending, so a retry resends them even if the studio's configuration changed; a group in a slot supersedes
 * the slot's previous one, and superseded groups whose successor has started are deleted. Without a ledger,
 * or when it cannot be read, this is scheduleCarousel with the trigger's first-generation token.
 */
export async function scheduleWithLedger(
  request: LedgerScheduleRequest,
  dependencies: LedgerScheduleDependencies,
): Promise<LedgerScheduleResult> {
  const slot = request.plan.Slot ?? request.slot;
  const { ledger } = dependencies;
  if (!ledger) return { ...(await scheduleCarousel(request, dependencies)), Generation: 1, FromLedger: false, Slot: slot, Retired: [] };
  // The allow-lists decide before the ledger is read: a studio this deployment may not schedule for is not answered
  // from the ledger either (the core checks destinations again before anything is sent).
  if (dependencies.studioAccess) {
    authorizeStudio(dependencies.studioAccess, request.plan.CasterId ?? dependencies.defaultCasterId, dependencies.defaultCasterId);
  }
  const logger = dependencies.logger ?? silentLogger;
  const baseToken = request.clientToken;
  const current = await currentGeneration(ledger, baseToken);
  if (current.record && isLive(current.record) && samePlan(current.record, request.plan)) {
    logger.info('episode group answered from the ledger', { ClientToken: current.clientToken, ProgramId: current.record.ProgramId });
    return {
      ProgramId: current.record.ProgramId,
      ItemIds: [...current.record.ItemIds],
      RequestId: current.record.RequestId ?? '',
      ClientToken: current.clientToken,
      Generation: current.generation,
      FromLedger: true,
      Slot: current.record.Slot,
      Retired: [],
    };
  }
  const episodeGroup = await episodeGroupFor(request, dependencies, current);
  const caster = request.plan.CasterId ?? dependencies.defaultCasterId;
  const createdAt = new Date().toISOString();
  if (!current.intent) await ledger.recordIntent(intentOf(request, episodeGroup, baseToken, current.generation, caster, slot, createdAt));
  // Sent by the schedule core with the studio fields filled in, so it looks nothing up again and applies every
  // rule it applies to a plan that gives them (and reports the warnings validation found) exactly as without the ledger.
  const result = await scheduleCarousel(
    { ...request, clientToken: episodeGroup.ClientToken, plan: withStudioFields(request.plan, episodeGroup) },
    dependencies,
  );
  const record: LedgerRecord = {
    ProgramId: result.ProgramId,
    ItemIds: result.ItemIds,
    ClientToken: episodeGroup.ClientToken,
    Generation: current.generation,
    Slot: slot,
    CasterId: caster,
    DomainName: episodeGroup.DomainName,
    StartTime: episodeGroup.StartTime,
    RepeatNum: episodeGroup.RepeatNum,
    Items: episodeGroup.Items,
    Trigger: request.trigger,
    CreatedAt: createdAt,
    State: 'scheduled',
    Resolved: resolvedOf(episodeGroup),
    RequestId: result.RequestId,
  };
  const superseded = await ledger.commit(record);
  logger.info('episode group recorded in the ledger', {
    ClientToken: episodeGroup.ClientToken,
    ProgramId: result.ProgramId,
    generation: current.generation,
    ...(slot === undefined ? {} : { slot }),
    ...(superseded === undefined ? {} : { superseded }),
  });
  const retirement = slot === undefined ? undefined : await retireInSlot(ledger, dependencies, record, request.deadlineAtMs);
  return {
    ...result,
    Generation: current.generation,
    FromLedger: false,
    Slot: slot,
    Superseded: superseded,
    Retired: retirement?.retired ?? [],
  };
}

/** The trigger's current generation, moving past groups that were cancelled or retired. */
async function currentGeneration(ledger: Ledger, baseToken: string): Promise<TokenLookup> {
  let lookup: TokenLookup | undefined = await ledger.lookUp(baseToken);
  for (let step = 0; lookup?.record && !isLive(lookup.record) && step < MAX_GENERATION_STEPS; step += 1) {
    const next = await ledger.advanceGeneration(baseToken, lookup.generation);
    if (next === lookup.generation) break; // unwritable: nothing better than the API's answer for this token
    lookup = await ledger.lookUp(baseToken);
  }
  return lookup ?? { generation: 1, clientToken: baseToken };
}

/** The request to send: a recorded intent's studio parameters when there is one, else a fresh lookup. */
async function episodeGroupFor(
  request: LedgerScheduleRequest,
  dependencies: ScheduleDependencies,
  current: TokenLookup,
): Promise<EpisodeGroupRequest> {
  const { plan } = request;
  const recorded = current.intent?.Resolved;
  // A plan that gives both studio fields is sent as it is, as without the ledger.
  if (recorded && !(plan.CallbackUrl && plan.DomainName)) {
    return {
      StartTime: plan.StartTime,
      RepeatNum: plan.RepeatNum,
      Items: plan.Items,
      ClientToken: current.clientToken,
      CallbackUrl: plan.CallbackUrl ?? recorded.CallbackUrl,
      DomainName: plan.DomainName ?? recorded.DomainName,
      SideOutputUrl: plan.SideOutputUrl ?? recorded.SideOutputUrl,
    };
  }
  return resolveEpisodeGroup({ ...request, clientToken: current.clientToken }, dependencies);
}

function intentOf(
  request: LedgerScheduleRequest,
  episodeGroup: EpisodeGroupRequest,
  baseToken: string,
  generation: number,
  caster: string | undefined,
  slot: string | undefined,
  createdAt: string,
): LedgerIntent {
  return {
    ClientToken: tokenForGeneration(baseToken, generation),
    BaseToken: baseToken,
    Generation: generation,
    Slot: slot,
    CasterId: caster,
    StartTime: episodeGroup.StartTime,
    RepeatNum: episodeGroup.RepeatNum,
    Items: episodeGroup.Items,
    Trigger: request.trigger,
    CreatedAt: createdAt,
    Resolved: resolvedOf(episodeGroup),
  };
}

function withStudioFields(plan: Plan, episodeGroup: EpisodeGroupRequest): Plan {
  const { SideOutputUrl: _planSideOutput, ...rest } = plan;
  const filled = { ...rest, CallbackUrl: episodeGroup.CallbackUrl, DomainName: episodeGroup.DomainName };
  return episodeGroup.SideOutputUrl === undefined ? filled : { ...filled, SideOutputUrl: episodeGroup.SideOutputUrl };
}

function resolvedOf(episodeGroup: EpisodeGroupRequest): ResolvedEpisodeGroup {
  return { CallbackUrl: episodeGroup.CallbackUrl, DomainName: episodeGroup.DomainName, SideOutputUrl: episodeGroup.SideOutputUrl };
}

// One token with another plan (an Idempotency-Key reused) is the API's to refuse: never answered from the ledger.
function samePlan(record: LedgerRecord, plan: Plan): boolean {
  const { Resolved: sent } = record;
  return (
    (plan.CallbackUrl === undefined || plan.CallbackUrl === sent.CallbackUrl) &&
    (plan.DomainName === undefined || plan.DomainName === sent.DomainName) &&
    (plan.SideOutputUrl === undefined || plan.SideOutputUrl === sent.SideOutputUrl) &&
    record.StartTime === plan.StartTime &&
    record.RepeatNum === plan.RepeatNum &&
    record.Items.length === plan.Items.length &&
    record.Items.every((item, index) => item.ItemName === plan.Items[index]?.ItemName && item.VodUrl === plan.Items[index]?.VodUrl)
  );
}

async function retireInSlot(
  ledger: Ledger,
  dependencies: LedgerScheduleDependencies,
  record: LedgerRecord,
  deadlineAtMs: number | undefined,
): Promise<RetireOutcome | undefined> {
  try {
    const nowMs = (dependencies.now ?? Date.now)();
    return await retireSupersededGroups(ledger, dependencies.client, {
      slotKey: slotKeyOf(record),
      deadlineAtMs,
      nowMs,
      logger: dependencies.logger,
      credentials: dependencies.credentials,
    });
  } catch (error) {
    // The group is scheduled; a superseded one left on air is deleted by the next pass.
    (dependencies.logger ?? silentLogger).warn('could not retire superseded groups of the slot', { slot: record.Slot, error });
    return undefined;
  }
}
