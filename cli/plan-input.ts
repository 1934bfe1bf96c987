import { readFile } from 'node:fs/promises';
import { type Environment, readPlanRules } from '../shared/src/config/environment';
import { CasterCarouselError, UsageError } from '../shared/src/errors';
import { planClientToken } from '../shared/src/idempotency/trigger-tokens';
import { isSlotName } from '../shared/src/ledger/slot-name';
import { createCasterConfigCache } from '../shared/src/live/caster-config-cache';
import type { LiveSession } from '../shared/src/live/live-session';
import { silentLogger } from '../shared/src/logging/logger';
import { parsePlanJson, requireValidPlanWithWarnings } from '../shared/src/plan/require-valid-plan';
import { resolveEpisodeGroup } from '../shared/src/schedule/schedule-carousel';
import type { ScheduleRequest } from '../shared/src/schedule/schedule-request';
import type { CliIo } from './cli-io';
import { type FlagDeclaration, flagValue, type ParsedCommandLine } from './framework/command';
import { displayZoneOf, parseStartOption } from './time-zone';

/** The flags with which submit and check read a plan: the same flags, so both judge the very same plan. */
export const PLAN_FLAGS: readonly FlagDeclaration[] = [
  { name: 'slot', takes: 'value', valueName: 'NAME', summary: "put the group in this slot (beats the plan's Slot); see ls and gc" },
  {
    name: 'start',
    takes: 'value',
    valueName: 'TIME',
    summary:
      "the StartTime (beats the plan's): 2031-03-07T20:00:00+08:00, or in the local zone 2031-03-07 20:00, today 20:00, tomorrow 20:00",
  },
];

/**
 * Reads the plan submit would send, exactly as submit reads it: the file (or standard input for `-`), --start and
 * --slot applied, the plan rules of the environment checked, the ClientToken derived. Throws what submit throws.
 */
export async function readSubmission(parsed: ParsedCommandLine, io: CliIo, nowMs = Date.now()): Promise<ScheduleRequest> {
  const source = parsed.positionals[0] ?? '-';
  const slot = flagValue(parsed, 'slot');
  if (slot !== undefined && !isSlotName(slot)) throw new UsageError('--slot must be 1 to 64 letters, digits, ".", "_", ":" or "-"');
  const startText = flagValue(parsed, 'start');
  // A wall time is read in the zone times are shown in, so what a person reads back is what they typed.
  const start = startText === undefined ? undefined : parseStartOption(startText, displayZoneOf(io.env, false), nowMs);
  const where = source === '-' ? 'standard input' : source;
  let input = parsePlanJson(await readPlanText(source, io), where, `${where} is not valid JSON`);
  if (start !== undefined && input !== null && typeof input === 'object' && !Array.isArray(input)) input = { ...input, StartTime: start };
  const { plan, warnings } = requireValidPlanWithWarnings(input, readPlanRules(io.env));
  // --slot is part of the plan, as a Slot in the file would be: the token is the one that plan derives.
  const withSlot = slot === undefined ? plan : { ...plan, Slot: slot };
  return { plan: withSlot, clientToken: planClientToken(withSlot), trigger: { kind: 'cli' }, warnings };
}

/** What the studio rules say before anything is sent: where the group's CallbackUrl and DomainName come from. */
export interface StudioResolution {
  /** The studio the plan is for (its CasterId, else CASTER_ID), when it names one. */
  readonly casterId: string | undefined;
  /** True when submit reads the studio's CallbackUrl and DomainName with DescribeCasterConfig (and checks ALLOWED_DOMAINS then). */
  readonly looksUpStudio: boolean;
}

/** The lookup submit would send next: check stops there, having sent nothing. */
class StudioLookupDeferred extends CasterCarouselError {
  override name = 'StudioLookupDeferred';
  readonly code = 'StudioLookupDeferred';
}

/**
 * Runs the studio rules submit runs before its first request (the allow-lists, CASTER_ID, a CasterId required unless
 * the plan gives both CallbackUrl and DomainName), with the very code submit runs, and sends nothing: the step that
 * would send DescribeCasterConfig is where it stops. Throws what submit would throw.
 */
export async function resolveStudioOffline(request: ScheduleRequest, environment: Environment): Promise<StudioResolution> {
  const refuse = (): never => {
    throw new StudioLookupDeferred('check sends nothing');
  };
  const session: LiveSession = {
    credentials: undefined,
    deadlineAtMs: undefined,
    logger: silentLogger,
    regionId: environment.regionId,
    describeCasterConfig: refuse,
    addEpisodeGroup: refuse,
    deleteEpisodeGroup: refuse,
    listPlaylist: refuse,
  };
  const casterId = request.plan.CasterId ?? environment.defaultCasterId;
  try {
    await resolveEpisodeGroup(request, {
      session,
      configCache: createCasterConfigCache(),
      defaultCasterId: environment.defaultCasterId,
      studioAccess: environment.studioAccess,
    });
    return { casterId, looksUpStudio: false };
  } catch (error) {
    if (error instanceof StudioLookupDeferred) return { casterId, looksUpStudio: true };
    throw error;
  }
}

async function readPlanText(source: string, io: CliIo): Promise<string> {
  if (source === '-') return io.readStdin();
  try {
    return await readFile(source, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read the plan file ${JSON.stringify(source)}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}`);
  }
}
