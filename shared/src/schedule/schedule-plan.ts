import { authorizeStudio } from '../authorization/studio-access';
import { tokenForGeneration } from '../idempotency/token-generation';
import type { Ledger } from '../ledger/ledger';
import { LedgerUnavailableError } from '../ledger/ledger-errors';
import type { LedgerRecord, LedgerState } from '../ledger/ledger-record';
import type { PlanWarning } from '../plan/plan';
import { completeAdd, completeDelete, nowIsoOf, nowMsOf, writeRecord } from './group-steps';
import { airWindows, decideSubmission, overlapsOf, slotKeyOf, studioKeyOf } from './lifecycle';
import { reconcileSchedule } from './reconcile-schedule';
import { reportWarnings, resolveEpisodeGroup, type ScheduleDependencies, type ScheduleResult, scheduleCarousel } from './schedule-carousel';
import type { ScheduleRequest } from './schedule-request';

/** A group of another slot of the same studio whose window overlaps the new one's. */
export interface OverlappingGroup {
  readonly ProgramId: string;
  readonly Slot?: string | undefined;
  readonly StartTime: string;
}

/** The trigger's group, and how the ledger took part. */
export interface PlanResult extends ScheduleResult {
  readonly Generation: number;
  /** True when the ledger already held this trigger's group: answered without an API call, nothing created. */
  readonly FromLedger: boolean;
  /** The group's state: `scheduled`, or what became of it when a retry finds it retired, replaced or being deleted. */
  readonly State: LedgerState;
  readonly Slot?: string | undefined;
  /** When the group goes off air: the StartTime of the next group of its slot, when there is one. */
  readonly OffAirAt?: string | undefined;
  /** Groups of the slot deleted on the way, their window over. */
  readonly Retired: readonly string[];
  /** Groups of the slot deleted before they aired, replaced at the same StartTime. */
  readonly Replaced: readonly string[];
  /** Groups of other slots of the studio that air at the same time (a studio outputs one programme). */
  readonly Overlaps?: readonly OverlappingGroup[];
}

// Each round either finishes or follows a racer's write; a few rounds settle any realistic race.
const MAX_ROUNDS = 6;
const MAX_NAMED_OVERLAPS = 5;

/**
 * Schedules one trigger's plan exactly once. With a ledger: the trigger's record decides (a retry is answered
 * from it and creates nothing; a lost answer is completed with the same token; a cancelled group moves the trigger
 * to its next token generation); an intent is written before sending, so a retry resends the very parameters even
 * if the studio's configuration changed; then the slot is reconciled against its timeline and overlaps with the
 * studio's other slots are reported. Without a ledger (or when it cannot be read) this is scheduleCarousel with
 * the trigger's first-generation token.
 */
export async function schedulePlan(request: ScheduleRequest, dependencies: ScheduleDependencies): Promise<PlanResult> {
  const slot = request.plan.Slot ?? request.slot;
  const { ledger } = dependencies;
  const withoutLedger = async (): Promise<PlanResult> => ({
    ...(await scheduleCarousel(request, dependencies)),
    Generation: 1,
    FromLedger: false,
    State: 'scheduled',
    Slot: slot,
    Retired: [],
    Replaced: [],
  });
  if (!ledger) return withoutLedger();
  // The allow-lists decide before the ledger is read: a studio this deployment may not schedule for is not answered
  // from the ledger either (the core checks destinations again before anything is sent).
  if (dependencies.studioAccess) {
    authorizeStudio(dependencies.studioAccess, request.plan.CasterId ?? dependencies.defaultCasterId, dependencies.defaultCasterId);
  }
  const { logger } = dependencies.session;
  const baseToken = request.clientToken;
  const proposal = { StartTime: request.plan.StartTime, RepeatNum: request.plan.RepeatNum, Items: request.plan.Items, Slot: slot };
  for (let round = 0; round < MAX_ROUNDS; round += 1) {
    const view = await ledger.readTrigger(baseToken);
    if (!view) return withoutLedger();
    const decision = decideSubmission(view, proposal, nowIsoOf(dependencies));
    switch (decision.kind) {
      case 'answer':
        logger.info('episode group answered from the ledger', {
          ClientToken: decision.record.ClientToken,
          ProgramId: decision.record.ProgramId,
          State: decision.record.State,
        });
        return resultOf(decision.record, request, dependencies, true, await offAirAt(ledger, decision.record));
      case 'nextGeneration': {
        const outcome = await ledger.write({ generation: { baseToken, from: decision.from } });
        // Without the move written, the old token would answer with the cancelled group: better to fail and be retried.
        if (outcome === 'lost') throw new LedgerUnavailableError('The ledger could not record the trigger’s next generation; try again');
        continue;
      }
      case 'forward': {
        // The token was first sent with other parameters: the API refuses the mismatch with its own Code and RequestId.
        const token = tokenForGeneration(baseToken, view.generation);
        return {
          ...(await scheduleCarousel({ ...request, clientToken: token }, dependencies)),
          Generation: view.generation,
          FromLedger: false,
          State: 'scheduled',
          Slot: slot,
          Retired: [],
          Replaced: [],
        };
      }
      case 'create': {
        const token = tokenForGeneration(baseToken, view.generation);
        const episodeGroup = await resolveEpisodeGroup({ ...request, clientToken: token }, dependencies);
        const nowIso = nowIsoOf(dependencies);
        const intent: LedgerRecord = {
          ClientToken: token,
          BaseToken: baseToken,
          Generation: view.generation,
          ItemIds: [],
          Slot: slot,
          CasterId: request.plan.CasterId ?? dependencies.defaultCasterId,
          DomainName: episodeGroup.DomainName,
          StartTime: episodeGroup.StartTime,
          RepeatNum: episodeGroup.RepeatNum,
          Items: episodeGroup.Items,
          Trigger: request.trigger,
          CreatedAt: nowIso,
          UpdatedAt: nowIso,
          State: 'intent',
          Version: 1,
          Resolved: {
            CallbackUrl: episodeGroup.CallbackUrl,
            DomainName: episodeGroup.DomainName,
            SideOutputUrl: episodeGroup.SideOutputUrl,
          },
        };
        if ((await writeRecord(ledger, intent, 0)) === 'conflict') continue;
        const added = await completeAdd(ledger, intent, dependencies);
        if (added.write === 'conflict') continue;
        return afterAdd(added.record, request, dependencies);
      }
      case 'finishDelete':
        await completeDelete(ledger, decision.record, dependencies);
        continue;
      case 'send': {
        if (
          decision.record.Version !== decision.expectedVersion &&
          (await writeRecord(ledger, decision.record, decision.expectedVersion)) === 'conflict'
        )
          continue;
        const added = await completeAdd(ledger, decision.record, dependencies);
        if (added.write === 'conflict') continue;
        return afterAdd(added.record, request, dependencies);
      }
    }
  }
  throw new LedgerUnavailableError('The ledger kept changing under this trigger; try again');
}

/** After a group is added: its slot is reconciled (what its start ends, what a lost answer left), overlaps are found. */
async function afterAdd(record: LedgerRecord, request: ScheduleRequest, dependencies: ScheduleDependencies): Promise<PlanResult> {
  const ledger = dependencies.ledger as Ledger;
  const { logger } = dependencies.session;
  const slotKey = slotKeyOf(record);
  let retired: readonly string[] = [];
  let replaced: readonly string[] = [];
  if (slotKey !== undefined) {
    try {
      const outcome = await reconcileSchedule(dependencies, { slotKey });
      retired = outcome.retired;
      replaced = outcome.replaced;
    } catch (error) {
      // The group is scheduled; what is due in its slot is done by the next submission, tick or gc.
      logger.warn('could not reconcile the slot', { slot: record.Slot, error });
    }
  }
  // Records that ended longer ago than the retention move to the archive a batch at a time, so what this and every
  // later submission, tick and listing reads stays the live records, however long the history.
  try {
    await ledger.archiveEnded(nowMsOf(dependencies));
  } catch (error) {
    logger.warn('could not archive records that ended', { error });
  }
  let overlaps: OverlappingGroup[] = [];
  let endsAt: string | undefined;
  try {
    const studio = await ledger.readOpen({ studioKey: studioKeyOf(record) });
    overlaps = overlapsOf(record, studio).map(({ other }) => ({
      ProgramId: other.ProgramId as string,
      Slot: other.Slot,
      StartTime: other.StartTime,
    }));
    endsAt = airWindows(studio.filter((entry) => slotKeyOf(entry) === slotKey)).find(
      (window) => window.record.ClientToken === record.ClientToken,
    )?.endedBy?.StartTime;
  } catch (error) {
    logger.warn('could not check the studio’s other slots for overlaps', { error });
  }
  logger.info('episode group recorded in the ledger', {
    ClientToken: record.ClientToken,
    ProgramId: record.ProgramId,
    generation: record.Generation,
    ...(record.Slot === undefined ? {} : { slot: record.Slot }),
  });
  const result = resultOf(record, request, dependencies, false, slotKey === undefined ? undefined : endsAt);
  // One warning per overlapping group, for the first few: a studio with many loops must not make an answer grow without bound.
  const overlapWarnings: PlanWarning[] = overlaps.slice(0, MAX_NAMED_OVERLAPS).map((other) => ({
    field: 'StartTime',
    message: `airs at the same time as ${other.ProgramId} (slot ${other.Slot ?? 'none'}, from ${other.StartTime}) in the same studio, which outputs one programme`,
  }));
  if (overlaps.length > MAX_NAMED_OVERLAPS) {
    overlapWarnings.push({
      field: 'StartTime',
      message: `and ${overlaps.length - MAX_NAMED_OVERLAPS} more groups of other slots of the studio`,
    });
  }
  if (overlapWarnings.length > 0)
    logger.warn('episode group overlaps another slot of its studio', { ProgramId: record.ProgramId, overlaps });
  const warnings = [...(result.warnings ?? []), ...overlapWarnings];
  return {
    ...result,
    Retired: retired,
    Replaced: replaced,
    ...(overlaps.length > 0 ? { Overlaps: overlaps.slice(0, MAX_NAMED_OVERLAPS) } : {}),
    ...(warnings.length > 0 ? { warnings } : {}),
  };
}

async function offAirAt(ledger: Ledger, record: LedgerRecord): Promise<string | undefined> {
  const slotKey = slotKeyOf(record);
  if (slotKey === undefined || record.State !== 'scheduled') return undefined;
  try {
    return airWindows(await ledger.readOpen({ slotKey })).find((window) => window.record.ClientToken === record.ClientToken)?.endedBy
      ?.StartTime;
  } catch {
    return undefined;
  }
}

function resultOf(
  record: LedgerRecord,
  request: ScheduleRequest,
  dependencies: ScheduleDependencies,
  fromLedger: boolean,
  endsAt: string | undefined,
): PlanResult {
  const programId = record.ProgramId as string;
  return {
    ProgramId: programId,
    ItemIds: [...record.ItemIds],
    RequestId: record.RequestId ?? '',
    ClientToken: record.ClientToken,
    Generation: record.Generation,
    FromLedger: fromLedger,
    State: record.State,
    Slot: record.Slot,
    ...(endsAt === undefined ? {} : { OffAirAt: endsAt }),
    Retired: [],
    Replaced: [],
    ...(fromLedger ? {} : reportWarnings(request, programId, record.CasterId, dependencies)),
  };
}
