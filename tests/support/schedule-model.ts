/**
 * The world of the schedule's model-based property test (tests/property/schedule-model.property.test.ts): the
 * real core (schedulePlan, cancelGroup, reconcileSchedule) with dependencies built as the CLI builds them
 * (cli/live-context.ts), a real emulator over HTTP on 127.0.0.1 behind a proxy that can lose answers, a real
 * ledger store (a file, or a real redis-server) behind a wrapper that can fail as a crashed process or a stalled
 * store would, and a virtual clock. Plus the plain reference model of what people asked for, and the invariants
 * checked against the ledger and the studio after every step.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CasterConfig, DEMO_CREDENTIALS, DEMO_STUDIO, type RunningEmulator, startEmulator } from '../../emulator/index';
import { deriveClientToken } from '../../shared/src/idempotency/client-token';
import { tokenForGeneration } from '../../shared/src/idempotency/token-generation';
import { createFileLedgerStore } from '../../shared/src/ledger/file-ledger-store';
import { createLedger, type Ledger } from '../../shared/src/ledger/ledger';
import { LedgerUnavailableError } from '../../shared/src/ledger/ledger-errors';
import type { LedgerRecord, LedgerState } from '../../shared/src/ledger/ledger-record';
import type { LedgerStore } from '../../shared/src/ledger/ledger-store';
import { createCasterConfigCache } from '../../shared/src/live/caster-config-cache';
import { createLiveClient } from '../../shared/src/live/live-client';
import { openLiveSession } from '../../shared/src/live/live-session';
import { silentLogger } from '../../shared/src/logging/logger';
import type { Plan } from '../../shared/src/plan/plan';
import { validatePlan } from '../../shared/src/plan/validate-plan';
import { type CancelOutcome, cancelGroup } from '../../shared/src/schedule/cancel-groups';
import { isLeftBehind, PENDING_STATES, slotKeyOf } from '../../shared/src/schedule/lifecycle';
import { type ReconcileOutcome, reconcileSchedule } from '../../shared/src/schedule/reconcile-schedule';
import type { ScheduleDependencies } from '../../shared/src/schedule/schedule-carousel';
import { type PlanResult, schedulePlan } from '../../shared/src/schedule/schedule-plan';
import type { ScheduleRequest } from '../../shared/src/schedule/schedule-request';
import { type Verification, verifyGroups } from '../../shared/src/schedule/verify-groups';
import { type FaultProxy, startFaultProxy } from './fault-proxy';
import { samplePlan } from './plan-fixtures';

// ---------------------------------------------------------------------------------------------------------------
// Studios and slots

/** A second studio for the emulator to serve, beside the demo one: the same slot name in both is two slots. */
export const SECOND_STUDIO: CasterConfig = Object.freeze({
  CasterId: 'LIVEPRODUCER_POST-cn-model00002',
  CasterName: 'caster-carousel-model',
  CallbackUrl: 'http://second.example.com/caster/9c1e55aa0d3b4c7f8e2a6b1d3f5e7a90',
  DomainName: 'second.example.com',
  SideOutputUrl: 'rtmp://second.example.com/caster/9c1e55aa0d3b4c7f8e2a6b1d3f5e7a90',
}) as CasterConfig;

/** Where a trigger schedules: a studio and a slot of it. */
export interface SlotTarget {
  readonly casterId: string;
  readonly slot: string;
  /** A short name for reports. */
  readonly label: string;
}

/** Three slots: two of the demo studio, and one of the second studio with the same name as the first. */
export const SLOT_TARGETS: readonly SlotTarget[] = [
  { casterId: DEMO_STUDIO.CasterId, slot: 'morning', label: 'demo/morning' },
  { casterId: DEMO_STUDIO.CasterId, slot: 'evening', label: 'demo/evening' },
  { casterId: SECOND_STUDIO.CasterId, slot: 'morning', label: 'second/morning' },
];

// ---------------------------------------------------------------------------------------------------------------
// A store that fails

/** A write the faults made the store refuse: when (in store calls), and what it would have written. */
export interface LostWrite {
  readonly at: number;
  readonly record: LedgerRecord;
  /**
   * The store already held the token settled at this version or later when the write was lost (a racer wrote it):
   * the loss left nothing to repair, so the ledger may report a gap for it or not, depending on what it finds later.
   */
  readonly heldSettled: boolean;
}

/** States a record reaches by the write that follows an API call's answer. */
const AFTER_CALL_STATES: ReadonlySet<LedgerState> = new Set(['scheduled', 'failed', 'cancelled', 'retired', 'replaced']);

/**
 * A store in front of a real one that fails as told, for the next step only:
 * - `crash`: the first write that records an API call's answer throws, and so does every store call after it
 *   (and the proxy is told to pass nothing more): the process died between its call and that write;
 * - `stallAfter = n`: the first n calls pass, every later one throws LedgerUnavailable, as a stalled Redis
 *   does once its breaker is open (n = 0: the store is unavailable for the whole step).
 */
export interface FaultyStore extends LedgerStore {
  crash: boolean;
  stallAfter: number | undefined;
  /** Set when a crash happened: called once, when the crashed write is refused. */
  onCrash: (() => void) | undefined;
  /** True once the crash happened, until `heal()`. */
  readonly crashed: boolean;
  /** Store calls in this step. */
  readonly calls: number;
  /** Sets the step's faults; calls are counted from here. */
  arm(faults: { readonly crash: boolean; readonly stallAfter: number | undefined; readonly onCrash: () => void }): void;
  /** Ends the step's faults. */
  heal(): void;
  /**
   * The gaps the ledger must report (tokens whose last write was lost after every settled write of theirs had
   * ended) and may report (lost after every settled write of theirs had started: a write racing the loss may
   * or may not have repaired it).
   */
  expectedGaps(): { readonly must: Map<string, LostWrite>; readonly may: Set<string> };
  /** Base tokens whose readTrigger failed since the last call of this (schedulePlan then schedules without the ledger). */
  takeUnreadTriggers(): Set<string>;
}

/** Every record a store holds for a scope: its live records and its archive (where the file store moves ended ones). */
async function everyRecordOf(store: LedgerStore, scope: string): Promise<LedgerRecord[]> {
  const records = await store.readAll(scope);
  let cursor: string | undefined;
  do {
    const page = store.readArchive ? await store.readArchive(scope, { cursor }) : { records: [], next: undefined };
    records.push(...page.records);
    cursor = page.next;
  } while (cursor !== undefined);
  return records;
}

export function faultyStore(inner: LedgerStore): FaultyStore {
  let crashed = false;
  let calls = 0;
  let sequence = 0;
  const lastLost = new Map<string, LostWrite>();
  const settledStarted = new Map<string, number>();
  const settledEnded = new Map<string, number>();
  // The version each token is held settled at, while its last applied write was settled.
  const settledVersion = new Map<string, number>();
  let unreadTriggers = new Set<string>();
  // A trigger read that failed: the group is then sent without a record, and the ledger may keep a gap for its
  // generation-1 token until a settled write of that token.
  const unreadAt = new Map<string, number>();
  const unavailable = (what: string): LedgerUnavailableError =>
    new LedgerUnavailableError(`The model's ${inner.description} could not ${what}: ${crashed ? 'the process crashed' : 'stalled'}`);
  const guard = <T>(what: string, call: () => Promise<T>, isAfterCallWrite = false): Promise<T> => {
    calls += 1;
    if (crashed) return Promise.reject(unavailable(what));
    if (store.stallAfter !== undefined && calls > store.stallAfter) return Promise.reject(unavailable(what));
    if (store.crash && isAfterCallWrite) {
      crashed = true;
      store.onCrash?.();
      return Promise.reject(unavailable(what));
    }
    return call();
  };
  const store: FaultyStore = {
    description: inner.description,
    crash: false,
    stallAfter: undefined,
    onCrash: undefined,
    get crashed() {
      return crashed;
    },
    get calls() {
      return calls;
    },
    arm(faults) {
      store.crash = faults.crash;
      store.stallAfter = faults.stallAfter;
      store.onCrash = faults.onCrash;
      calls = 0;
    },
    heal() {
      store.crash = false;
      store.stallAfter = undefined;
      store.onCrash = undefined;
      crashed = false;
      calls = 0;
    },
    expectedGaps: () => {
      const lostAfter = (written: Map<string, number>): [string, LostWrite][] =>
        [...lastLost].filter(([token, lost]) => lost.at > (written.get(token) ?? 0));
      const unread = [...unreadAt].filter(([token, at]) => at > (settledStarted.get(token) ?? 0)).map(([token]) => token);
      return {
        must: new Map(lostAfter(settledEnded).filter(([, lost]) => !lost.heldSettled)),
        may: new Set([...lostAfter(settledStarted).map(([token]) => token), ...unread]),
      };
    },
    takeUnreadTriggers() {
      const taken = unreadTriggers;
      unreadTriggers = new Set();
      return taken;
    },
    readTrigger: (scope, baseToken) =>
      guard('read a trigger', () => inner.readTrigger(scope, baseToken)).catch((error: unknown) => {
        unreadTriggers.add(baseToken);
        sequence += 1;
        unreadAt.set(baseToken, sequence);
        throw error;
      }),
    readByProgramId: (scope, programId) => guard('read a group', () => inner.readByProgramId(scope, programId)),
    readOpen: (scope, filter) => guard('read open records', () => inner.readOpen(scope, filter)),
    readAll: (scope) => guard('read every record', () => inner.readAll(scope)),
    apply: async (scope, change) => {
      const writes = change.records ?? [];
      sequence += 1;
      const startedAt = sequence;
      let applied: boolean;
      try {
        applied = await guard(
          'write a change',
          () => inner.apply(scope, change),
          writes.some((write) => write.expectedVersion > 0 && AFTER_CALL_STATES.has(write.record.State)),
        );
      } catch (error) {
        for (const { record } of writes)
          lastLost.set(record.ClientToken, {
            at: startedAt,
            record,
            heldSettled: (settledVersion.get(record.ClientToken) ?? 0) >= record.Version,
          });
        throw error;
      }
      sequence += 1;
      if (applied) {
        for (const { record, index } of writes) {
          if (!index.settled) {
            settledVersion.delete(record.ClientToken);
            continue;
          }
          settledVersion.set(record.ClientToken, record.Version);
          settledStarted.set(record.ClientToken, startedAt);
          settledEnded.set(record.ClientToken, sequence);
        }
      }
      return applied;
    },
    readGaps: (scope) => guard('read lost writes', () => inner.readGaps(scope)),
    noteGaps: (scope, gaps) => guard('record lost writes', () => inner.noteGaps(scope, gaps)),
    forgetGaps: (scope, gaps) => guard('forget repaired lost writes', () => inner.forgetGaps(scope, gaps)),
    recordFailure: (scope, failure) => guard('record a failed trigger', () => inner.recordFailure(scope, failure)),
    clearFailures: (scope, keys) => guard('clear failed triggers', () => inner.clearFailures(scope, keys)),
    readFailures: (scope) => guard('read failed triggers', () => inner.readFailures(scope)),
    close: async () => undefined,
  };
  return store;
}

// ---------------------------------------------------------------------------------------------------------------
// The world

/** An episode group as `/_emulator/episode-groups` shows it (what the studio holds now). */
export interface StudioGroup {
  readonly ProgramId: string;
  readonly CasterId: string;
  readonly ClientToken: string;
  readonly StartTime: string;
}

/** Everything one run of the model drives and reads. */
export interface ScheduleWorld {
  readonly runId: string;
  readonly scope: string;
  /** The actors' dependencies: a Live session on the proxy, the config cache, the ledger on the faulty store, the virtual clock. */
  readonly dependencies: ScheduleDependencies;
  /** The actors' ledger (its unsaved gaps are the process's own). */
  readonly ledger: Ledger;
  readonly store: FaultyStore;
  readonly proxy: FaultProxy;
  readonly emulator: RunningEmulator;
  /** The virtual clock, in epoch ms. */
  nowMs: number;
  /** Every record, read from the store directly (never through the faults). */
  records(): Promise<LedgerRecord[]>;
  /** What the studio holds now. */
  studioGroups(): Promise<StudioGroup[]>;
  /** Every group the studio ever created in this run, by ProgramId (with its token). */
  createdGroups(): Map<string, string>;
  close(): Promise<void>;
}

/** A store for one run, and how to let it go. */
export interface RunStore {
  readonly store: LedgerStore;
  release(): Promise<void>;
}

/** A file store in a fresh temporary directory. */
export function freshFileStore(): RunStore {
  const dir = mkdtempSync(join(tmpdir(), 'schedule-model-'));
  const store = createFileLedgerStore({ file: join(dir, 'ledger.json') });
  return {
    store,
    release: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// The virtual clock starts a day ahead of the real one, on a whole minute, so every StartTime a run makes passes
// the real plan validation (which compares with the real clock) whatever virtual time it is for the schedule.
const DAY_MS = 24 * 3_600_000;
let runCounter = 0;

/**
 * Opens a world: a fresh emulator (two studios, flow control out of the way: the model tests the schedule, not
 * the pacer), a proxy in front of it, the store wrapped for faults, and dependencies built as cli/live-context.ts
 * builds them, with the virtual clock. Calls are retried once (the second attempt of a lost answer gets the same
 * group back); a fault that loses two answers in a row surfaces as the call's error.
 */
export async function openScheduleWorld(runStore: RunStore, options: { readonly pendingGraceMs?: number } = {}): Promise<ScheduleWorld> {
  runCounter += 1;
  const runId = `${process.pid}-${Date.now().toString(36)}-${runCounter}`;
  const emulator = await startEmulator({
    host: '127.0.0.1',
    port: 0,
    credentials: [DEMO_CREDENTIALS],
    casters: [{ ...DEMO_STUDIO }, { ...SECOND_STUDIO }],
    qps: { AddCasterEpisodeGroup: 100_000, DeleteCasterEpisodeGroup: 100_000, DescribeCasterConfig: 100_000, ListPlaylist: 100_000 },
    onInternalError: () => undefined,
  });
  const proxy = await startFaultProxy(emulator.url);
  const store = faultyStore(runStore.store);
  const scope = `model-${runId}`;
  const ledger = createLedger({
    store,
    scope,
    logger: silentLogger,
    ...(options.pendingGraceMs === undefined ? {} : { pendingGraceMs: options.pendingGraceMs }),
  });
  const client = createLiveClient({
    endpoint: proxy.url,
    credentials: DEMO_CREDENTIALS,
    timeoutMs: 5_000,
    retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2 },
  });
  const world: ScheduleWorld = {
    runId,
    scope,
    dependencies: {
      session: openLiveSession(client, { credentials: DEMO_CREDENTIALS, deadlineAtMs: undefined, logger: silentLogger }),
      configCache: createCasterConfigCache(),
      ledger,
      nowMs: () => world.nowMs,
    },
    ledger,
    store,
    proxy,
    emulator,
    nowMs: Math.ceil((Date.now() + DAY_MS) / 60_000) * 60_000,
    records: () => everyRecordOf(runStore.store, scope),
    studioGroups: async () => {
      const answer = await fetch(`${emulator.url}/_emulator/episode-groups`);
      return ((await answer.json()) as { EpisodeGroups: StudioGroup[] }).EpisodeGroups;
    },
    createdGroups: () => new Map(proxy.addAnswers.map((group) => [group.ProgramId, group.ClientToken])),
    close: async () => {
      await Promise.all([proxy.close(), emulator.close()]);
      await runStore.release();
    },
  };
  return world;
}

/** A StartTime as the API takes it. */
export function startTimeAt(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

/** A trigger's request: a fresh valid sample plan for a studio, in a slot, with a token of its own. */
export function triggerRequest(
  world: Pick<ScheduleWorld, 'runId'>,
  index: number,
  target: SlotTarget,
  startTime: string,
  repeatNum: number,
): ScheduleRequest {
  const validation = validatePlan(samplePlan({ CasterId: target.casterId, StartTime: startTime, RepeatNum: repeatNum }));
  if (!validation.ok) throw new Error(`the model made an invalid plan: ${JSON.stringify(validation.fieldErrors)}`);
  const id = `${world.runId}/trigger-${index}`;
  return {
    plan: validation.plan as Plan,
    clientToken: deriveClientToken(`schedule-model|${id}`),
    trigger: { kind: 'http', idempotencyKey: id },
    slot: target.slot,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// The reference model

/** One trigger, as people see it: what they asked and what they were answered. */
export interface ModelTrigger {
  readonly index: number;
  readonly target: SlotTarget;
  readonly startTime: string;
  readonly repeatNum: number;
  readonly request: ScheduleRequest;
  /** Submissions answered with a group while the ledger could be read. */
  acceptedWithLedger: number;
  /** Submissions made while the store could not be read: sent without the ledger, by design (answered or not). */
  sentWithoutLedger: number;
  /** The error codes submissions surfaced. */
  readonly errors: string[];
}

/** Faults armed for the next step. */
export interface ArmedFaults {
  dropAdd: number;
  dropDelete: number;
  crash: boolean;
  stallAfter: number | undefined;
}

export function noFaults(): ArmedFaults {
  return { dropAdd: 0, dropDelete: 0, crash: false, stallAfter: undefined };
}

export function anyFault(faults: ArmedFaults): boolean {
  return faults.dropAdd > 0 || faults.dropDelete > 0 || faults.crash || faults.stallAfter !== undefined;
}

/** The plain model: which triggers were submitted and how they were answered, which groups people cancelled, the clock. */
export interface ScheduleModel {
  readonly triggers: ModelTrigger[];
  /** ProgramIds a person can see: answered by a submission or a cancel, or listed by the ledger. */
  readonly visibleProgramIds: string[];
  /** ProgramIds whose cancel a person asked for and the core answered without an error. */
  readonly cancelledByPerson: Set<string>;
  /**
   * ProgramIds a person asked to cancel, answered or not: a cancel cut short after its `cancelling` write is
   * finished later by gc or a tick, and that deletion is still the person's.
   */
  readonly cancelAskedByPerson: Set<string>;
  /**
   * ProgramIds a cancel deleted around the ledger, which did not know them: a group scheduled while the store could
   * not be read. Its trigger's next submission gets the same token, so the same (now deleted) group back: a record
   * naming a group the studio lacks, until `ls --verify` marks it missing. A known limit of scheduling without the
   * ledger, not checked.
   */
  readonly deletedAroundLedger: Set<string>;
  faults: ArmedFaults;
  nowMs: number;
}

export function initialModel(nowMs: number): ScheduleModel {
  return {
    triggers: [],
    visibleProgramIds: [],
    cancelledByPerson: new Set(),
    cancelAskedByPerson: new Set(),
    deletedAroundLedger: new Set(),
    faults: noFaults(),
    nowMs,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Steps

/** One thing an actor does in a step. */
export type Action =
  | { readonly kind: 'submit'; readonly trigger: ModelTrigger }
  | { readonly kind: 'retry'; readonly trigger: ModelTrigger }
  | { readonly kind: 'cancel'; readonly programId: string }
  | { readonly kind: 'gc' }
  /** `ls --verify`: ListPlaylist per scheduled group, the ones gone recorded `missing`. */
  | { readonly kind: 'verify' };

/** What an action returned, or the error it surfaced. */
export type ActionOutcome =
  | { readonly kind: 'submit' | 'retry'; readonly trigger: ModelTrigger; readonly result?: PlanResult; readonly error?: unknown }
  | { readonly kind: 'cancel'; readonly programId: string; readonly result?: CancelOutcome; readonly error?: unknown }
  | { readonly kind: 'gc'; readonly result?: ReconcileOutcome; readonly error?: unknown }
  | { readonly kind: 'verify'; readonly result?: Map<string, Verification>; readonly error?: unknown };

/** A snapshot of the world between steps. */
interface Snapshot {
  readonly records: LedgerRecord[];
  readonly studio: StudioGroup[];
  readonly created: Map<string, string>;
  /** The lost writes the actors' ledger reports (read once the faults are over). */
  readonly gaps: Set<string>;
}

async function snapshot(world: ScheduleWorld): Promise<Snapshot> {
  const [records, studio, gaps] = await Promise.all([world.records(), world.studioGroups(), world.ledger.readGaps()]);
  return { records, studio, created: world.createdGroups(), gaps: new Set(Object.keys(gaps)) };
}

/** Advances the virtual clock (the model's and the world's together). */
export function advanceClock(model: ScheduleModel, world: ScheduleWorld, ms: number): void {
  model.nowMs += ms;
  world.nowMs = model.nowMs;
}

/** Arms the model's faults in the world for the step about to run. */
function armFaults(model: ScheduleModel, world: ScheduleWorld): void {
  world.proxy.dropAnswers.AddCasterEpisodeGroup = model.faults.dropAdd;
  world.proxy.dropAnswers.DeleteCasterEpisodeGroup = model.faults.dropDelete;
  world.store.arm({
    crash: model.faults.crash,
    stallAfter: model.faults.stallAfter,
    onCrash: () => {
      world.proxy.silenced = true;
    },
  });
}

function healFaults(model: ScheduleModel, world: ScheduleWorld): void {
  world.proxy.dropAnswers.AddCasterEpisodeGroup = 0;
  world.proxy.dropAnswers.DeleteCasterEpisodeGroup = 0;
  world.proxy.silenced = false;
  world.store.heal();
  model.faults = noFaults();
}

async function perform(action: Action, world: ScheduleWorld): Promise<ActionOutcome> {
  try {
    switch (action.kind) {
      case 'submit':
      case 'retry':
        return { kind: action.kind, trigger: action.trigger, result: await schedulePlan(action.trigger.request, world.dependencies) };
      case 'cancel':
        return { kind: 'cancel', programId: action.programId, result: await cancelGroup(action.programId, world.dependencies) };
      case 'gc':
        return { kind: 'gc', result: await reconcileSchedule(world.dependencies) };
      case 'verify':
        return { kind: 'verify', result: await verifyGroups(await world.ledger.readOpen(), world.dependencies) };
    }
  } catch (error) {
    switch (action.kind) {
      case 'cancel':
        return { kind: 'cancel', programId: action.programId, error };
      case 'gc':
      case 'verify':
        return { kind: action.kind, error };
      default:
        return { kind: action.kind, trigger: action.trigger, error };
    }
  }
}

/**
 * One step: the clock moves a second (time passes between actors), the armed faults are set, the actions run
 * together, the faults end; then the model learns what people were answered and every invariant is checked.
 */
export async function runStep(model: ScheduleModel, world: ScheduleWorld, actions: readonly Action[]): Promise<ActionOutcome[]> {
  const before = await snapshot(world);
  advanceClock(model, world, 1_000);
  const faults = model.faults;
  const faulty = anyFault(faults);
  armFaults(model, world);
  for (const action of actions) if (action.kind === 'cancel') model.cancelAskedByPerson.add(action.programId);
  let outcomes: ActionOutcome[];
  try {
    outcomes = await Promise.all(actions.map((action) => perform(action, world)));
  } finally {
    healFaults(model, world);
  }
  const after = await snapshot(world);
  learn(model, outcomes, world.store.takeUnreadTriggers(), after);
  // A cancel of a group whose token the ledger has no record of (scheduled while the store could not be read)
  // deletes it around the ledger, answered or not.
  for (const outcome of outcomes) {
    if (outcome.kind !== 'cancel' || outcome.result?.record !== undefined) continue;
    const token = after.created.get(outcome.programId);
    if (token !== undefined && !before.records.some((record) => record.ClientToken === token))
      model.deletedAroundLedger.add(outcome.programId);
  }
  const context: StepContext = { model, world, actions, outcomes, faults, faulty, before, after };
  checkStep(context);
  if (!faulty && actions.length === 1 && actions[0]?.kind === 'gc') checkReconciled(context);
  return outcomes;
}

/** What the model learns from a step: who was answered what, what a person cancelled, which ProgramIds are visible. */
function learn(model: ScheduleModel, outcomes: readonly ActionOutcome[], unreadTriggers: Set<string>, after: Snapshot): void {
  const see = (programId: string | undefined): void => {
    if (programId !== undefined && !model.visibleProgramIds.includes(programId)) model.visibleProgramIds.push(programId);
  };
  for (const outcome of outcomes) {
    if (outcome.kind === 'submit' || outcome.kind === 'retry') {
      // When the store cannot be read, schedulePlan schedules without the ledger (by design).
      const withoutLedger = unreadTriggers.has(outcome.trigger.request.clientToken);
      if (withoutLedger) outcome.trigger.sentWithoutLedger += 1;
      if (outcome.result) {
        see(outcome.result.ProgramId);
        if (!withoutLedger) outcome.trigger.acceptedWithLedger += 1;
      } else {
        outcome.trigger.errors.push(codeOf(outcome.error));
      }
    } else if (outcome.kind === 'cancel' && outcome.result) {
      see(outcome.programId);
      model.cancelledByPerson.add(outcome.programId);
    }
  }
  for (const record of [...after.records].sort(
    (a, b) => a.CreatedAt.localeCompare(b.CreatedAt) || a.ClientToken.localeCompare(b.ClientToken),
  ))
    see(record.ProgramId);
}

export function codeOf(error: unknown): string {
  return (error as { code?: string } | undefined)?.code ?? (error as Error | undefined)?.name ?? 'Error';
}

// ---------------------------------------------------------------------------------------------------------------
// Invariants

interface StepContext {
  readonly model: ScheduleModel;
  readonly world: ScheduleWorld;
  readonly actions: readonly Action[];
  readonly outcomes: readonly ActionOutcome[];
  readonly faults: ArmedFaults;
  readonly faulty: boolean;
  readonly before: Snapshot;
  readonly after: Snapshot;
}

/** A broken promise of the schedule, with what the ledger and the studio held. */
export class InvariantViolation extends Error {
  override name = 'InvariantViolation';
}

function fail(context: StepContext, promise: string, details: Record<string, unknown>): never {
  const records = context.after.records.map((record) => ({
    token: short(record.ClientToken),
    base: short(record.BaseToken),
    gen: record.Generation,
    state: record.State,
    ...(record.Ending ? { ending: record.Ending } : {}),
    program: record.ProgramId ? short(record.ProgramId) : undefined,
    slot: slotKeyOf(record),
    start: record.StartTime,
    created: record.CreatedAt,
  }));
  const studio = context.after.studio.map((group) => ({
    program: short(group.ProgramId),
    token: short(group.ClientToken),
    start: group.StartTime,
  }));
  throw new InvariantViolation(
    `${promise}\n${JSON.stringify(
      {
        ...details,
        now: new Date(context.model.nowMs).toISOString(),
        actions: context.actions.map(describeAction),
        outcomes: context.outcomes.map(describeOutcome),
        faults: context.faults,
        records,
        studio,
      },
      null,
      1,
    )}`,
  );
}

/** Ids shortened for reports: enough to tell them apart. */
export function short(id: string): string {
  return id.length > 12 ? id.slice(0, 12) : id;
}

export function describeAction(action: Action): string {
  switch (action.kind) {
    case 'submit':
      return `submit t${action.trigger.index}`;
    case 'retry':
      return `retry t${action.trigger.index}`;
    case 'cancel':
      return `cancel ${short(action.programId)}`;
    case 'gc':
    case 'verify':
      return action.kind;
  }
}

function describeOutcome(outcome: ActionOutcome): unknown {
  if (outcome.error !== undefined) return { kind: outcome.kind, error: codeOf(outcome.error), message: (outcome.error as Error).message };
  if (outcome.kind === 'submit' || outcome.kind === 'retry') {
    const result = outcome.result as PlanResult;
    return {
      kind: outcome.kind,
      program: short(result.ProgramId),
      token: short(result.ClientToken),
      state: result.State,
      fromLedger: result.FromLedger,
      retired: result.Retired.map(short),
      replaced: result.Replaced.map(short),
    };
  }
  if (outcome.kind === 'cancel') return { kind: 'cancel', state: outcome.result?.State, alreadyDone: outcome.result?.AlreadyDone };
  if (outcome.kind === 'verify')
    return { kind: 'verify', verdicts: Object.fromEntries([...(outcome.result ?? [])].map(([id, verdict]) => [short(id), verdict])) };
  return { kind: 'gc', ...outcome.result };
}

/** The tokens a trigger may have used: every generation up to one past its current one. */
function tokensOf(trigger: ModelTrigger, records: readonly LedgerRecord[]): string[] {
  const generations = Math.max(
    1,
    ...records.filter((record) => record.BaseToken === trigger.request.clientToken).map((record) => record.Generation),
  );
  return Array.from({ length: generations + 1 }, (_, index) => tokenForGeneration(trigger.request.clientToken, index + 1));
}

/** The trigger a token belongs to. */
function triggerOfToken(model: ScheduleModel, records: readonly LedgerRecord[], token: string): ModelTrigger | undefined {
  return model.triggers.find((trigger) => tokensOf(trigger, records).includes(token));
}

/** The record of a trigger's current generation, as a store's readTrigger would show it (the newest generation). */
function currentRecord(trigger: ModelTrigger, records: readonly LedgerRecord[]): LedgerRecord | undefined {
  return records.filter((record) => record.BaseToken === trigger.request.clientToken).sort((a, b) => b.Generation - a.Generation)[0];
}

/** States in which a submission is answered from the ledger and creates nothing (a retiring group is retired first). */
const ANSWERED_STATES: ReadonlySet<LedgerState> = new Set(['scheduled', 'retiring', 'retired', 'replaced']);

/**
 * A group the studio holds that the ledger never heard of, because its trigger was scheduled while the store
 * could not be read (schedulePlan then schedules without the ledger, with the first-generation token): by
 * design it has no record. Only those groups are exempt from "every group has a record".
 */
function scheduledWithoutLedger(model: ScheduleModel, records: readonly LedgerRecord[], token: string): boolean {
  const trigger = triggerOfToken(model, records, token);
  return (
    trigger !== undefined &&
    trigger.sentWithoutLedger > 0 &&
    token === trigger.request.clientToken &&
    !records.some((record) => record.ClientToken === token)
  );
}

function checkStep(context: StepContext): void {
  const { model, before, after, actions, outcomes, faulty } = context;
  const nowMs = model.nowMs;
  const recordOfProgram = (programId: string): LedgerRecord | undefined => after.records.find((record) => record.ProgramId === programId);
  const liveAfter = new Set(after.studio.map((group) => group.ProgramId));

  // Every lost write is reported as a gap until a settled write of its token repairs it, and only those. A lost
  // write the ledger already holds, settled, at its version or later (a racer wrote it), or whose trigger has moved
  // on to a later generation, leaves nothing to repair.
  const expected = context.world.store.expectedGaps();
  for (const [token, lost] of expected.must) {
    const stored = after.records.find((record) => record.ClientToken === token);
    const heldAlready = stored !== undefined && stored.Version >= lost.record.Version && !PENDING_STATES.has(stored.State);
    const movedOn = after.records.some(
      (record) => record.BaseToken === lost.record.BaseToken && record.Generation > lost.record.Generation,
    );
    if (!after.gaps.has(token) && !heldAlready && !movedOn) fail(context, 'a lost write is not reported as a gap', { token: short(token) });
  }
  for (const token of after.gaps)
    if (!expected.may.has(token))
      fail(context, 'a gap is reported for a token whose record a settled write repaired', { token: short(token) });

  // The studio gives one group per token, however often it is sent.
  const programsByToken = new Map<string, string>();
  for (const { ProgramId, ClientToken } of context.world.proxy.addAnswers) {
    const known = programsByToken.get(ClientToken);
    if (known !== undefined && known !== ProgramId)
      fail(context, 'a ClientToken was answered with two different groups', { ClientToken: short(ClientToken) });
    programsByToken.set(ClientToken, ProgramId);
  }

  // Each trigger has at most one live group at a time.
  for (const trigger of model.triggers) {
    const tokens = new Set(tokensOf(trigger, after.records));
    const live = after.studio.filter((group) => tokens.has(group.ClientToken));
    if (live.length > 1)
      fail(context, `trigger t${trigger.index} has ${live.length} live groups in the studio`, {
        live: live.map((g) => short(g.ProgramId)),
      });
  }

  // Nothing is created but what was asked: a new trigger, a trigger whose group is gone (cancelled, missing) or
  // never made (failed, intent), or an intent being finished. A retry of a trigger with a group creates nothing.
  const allowed = new Set<string>();
  for (const record of before.records) if (record.State === 'intent') allowed.add(record.ClientToken);
  for (const action of actions) {
    if (action.kind !== 'submit' && action.kind !== 'retry') continue;
    const current = currentRecord(action.trigger, before.records);
    if (current === undefined || !ANSWERED_STATES.has(current.State))
      for (const token of tokensOf(action.trigger, after.records)) allowed.add(token);
  }
  for (const [programId, token] of after.created) {
    if (before.created.has(programId)) continue;
    if (!allowed.has(token)) {
      const trigger = triggerOfToken(model, after.records, token);
      fail(
        context,
        `a group was created that nobody asked for (trigger ${trigger ? `t${trigger.index}` : 'unknown'}: a retry must create nothing)`,
        {
          program: short(programId),
          token: short(token),
          before: trigger ? currentRecord(trigger, before.records)?.State : undefined,
        },
      );
    }
  }

  // No group is deleted before its window ends: a group gone from the studio was cancelled by a person (in this
  // step, or earlier by a cancel cut short that gc or a tick finished), or its record says its successor has
  // started (or replaced it at the same StartTime).
  for (const group of before.studio) {
    if (liveAfter.has(group.ProgramId)) continue;
    const record = recordOfProgram(group.ProgramId);
    const byPerson = context.model.cancelAskedByPerson.has(group.ProgramId);
    if (record === undefined) {
      if (!byPerson)
        fail(context, 'a group the ledger does not know was deleted without a person asking', { program: short(group.ProgramId) });
      continue;
    }
    if (record.State === 'cancelling' || record.State === 'cancelled') {
      if (!byPerson) fail(context, 'a group was cancelled without a person asking', { program: short(group.ProgramId) });
      continue;
    }
    if (!['retiring', 'retired', 'replaced'].includes(record.State) && !byPerson)
      fail(context, `a group was deleted while its record says ${record.State}`, { program: short(group.ProgramId) });
  }
  for (const record of after.records) {
    const replaced = record.State === 'replaced' || (record.State === 'retiring' && record.Ending === 'replaced');
    const retired = record.State === 'retired' || (record.State === 'retiring' && record.Ending === 'retired');
    if (!replaced && !retired) continue;
    const slotKey = slotKeyOf(record);
    const successors = after.records.filter(
      (other) =>
        other !== record &&
        other.ProgramId !== undefined &&
        other.State !== 'intent' &&
        other.State !== 'failed' &&
        slotKeyOf(other) === slotKey &&
        (replaced
          ? other.StartTime === record.StartTime && isNewer(other, record)
          : Date.parse(other.StartTime) > Date.parse(record.StartTime) && Date.parse(other.StartTime) <= nowMs),
    );
    if (successors.length === 0)
      fail(
        context,
        `a group was ${replaced ? 'replaced' : 'retired'} with no ${replaced ? 'newer group at its StartTime' : 'successor started'} in its slot`,
        {
          program: short(record.ProgramId ?? record.ClientToken),
        },
      );
  }

  // Every accepted trigger has a record (any state), unless it was only ever scheduled without the ledger.
  for (const trigger of model.triggers) {
    if (trigger.acceptedWithLedger === 0 || tokensOf(trigger, after.records).some((token) => after.gaps.has(token))) continue;
    if (!after.records.some((record) => record.BaseToken === trigger.request.clientToken))
      fail(context, `trigger t${trigger.index} was accepted but has no record`, {});
  }
  // An answer names the trigger's own group.
  for (const outcome of outcomes) {
    if ((outcome.kind !== 'submit' && outcome.kind !== 'retry') || !outcome.result) continue;
    const { ProgramId, ClientToken } = outcome.result;
    if (!tokensOf(outcome.trigger, after.records).includes(ClientToken) || after.created.get(ProgramId) !== ClientToken)
      fail(context, `t${outcome.trigger.index} was answered with a group that is not its own`, {
        program: short(ProgramId),
        token: short(ClientToken),
      });
  }
  // Without faults, a submission is always answered, and a gc finishes what it starts.
  if (!faulty) {
    for (const outcome of outcomes) {
      if ((outcome.kind === 'submit' || outcome.kind === 'retry') && outcome.error !== undefined)
        fail(
          context,
          `a fault-free ${outcome.kind} of t${outcome.trigger.index} failed: ${codeOf(outcome.error)}: ${(outcome.error as Error).message}`,
          {},
        );
      if (outcome.kind === 'gc' && (outcome.error !== undefined || (outcome.result?.failed.length ?? 0) > 0))
        fail(context, 'a fault-free gc did not finish', {});
    }
  }
  // A fault-free submission that sent its group leaves its slot reconciled, and says when the group goes off air.
  const [only] = outcomes;
  if (!faulty && outcomes.length === 1 && (only?.kind === 'submit' || only?.kind === 'retry') && only.result && !only.result.FromLedger) {
    const own = after.records.find((record) => record.ClientToken === only.result?.ClientToken);
    const slotKey = own && slotKeyOf(own);
    const slot = after.records.filter((record) => slotKeyOf(record) === slotKey);
    const pending = slot.filter((record) => isLeftBehind(record, nowMs, context.world.ledger.pendingGraceMs));
    const due = overstaying(slot, nowMs);
    if (pending.length > 0 || due.length > 0)
      fail(context, `a fault-free submission of t${only.trigger.index} left its slot unreconciled`, {
        pending: pending.map((record) => short(record.ClientToken)),
        due: due.map(short),
      });
    const offAir = own && nextStartAfter(slot, own);
    if (own?.State === 'scheduled' && only.result.OffAirAt !== offAir)
      fail(context, `t${only.trigger.index} was told it goes off air at ${only.result.OffAirAt}, its slot says ${offAir}`, {});
  }

  // No live record names a group the studio does not have; every group the studio holds has a record that can hold it.
  for (const record of after.records) {
    if (
      record.State === 'scheduled' &&
      !liveAfter.has(record.ProgramId as string) &&
      !model.deletedAroundLedger.has(record.ProgramId as string)
    )
      fail(context, `a scheduled record names a group the studio does not have`, { program: short(record.ProgramId as string) });
  }
  for (const group of after.studio) {
    const record = after.records.find((entry) => entry.ClientToken === group.ClientToken);
    if (record === undefined) {
      if (!scheduledWithoutLedger(model, after.records, group.ClientToken) && !after.gaps.has(group.ClientToken))
        fail(context, 'the studio holds a group with no record', { program: short(group.ProgramId), token: short(group.ClientToken) });
      continue;
    }
    if (!['intent', 'scheduled', 'cancelling', 'retiring'].includes(record.State))
      fail(context, `the studio holds a group whose record says ${record.State}`, { program: short(group.ProgramId) });
  }
}

// The timeline, as the model reads it (independently of lifecycle.ts): in each slot a scheduled group airs until
// the next StartTime of a scheduled group of that slot; of two at one StartTime the newer is the one that stays.

/** True when `a` was submitted after `b` (the token breaks a tie, as the design says). */
function isNewer(a: LedgerRecord, b: LedgerRecord): boolean {
  return a.CreatedAt > b.CreatedAt || (a.CreatedAt === b.CreatedAt && a.ClientToken > b.ClientToken);
}

/** ProgramIds of scheduled groups still held though a later group of their slot has started, or that share a StartTime. */
function overstaying(records: readonly LedgerRecord[], nowMs: number): string[] {
  const scheduled = records.filter((record) => record.State === 'scheduled');
  return scheduled
    .filter((record) =>
      scheduled.some(
        (other) =>
          other !== record &&
          slotKeyOf(other) === slotKeyOf(record) &&
          (other.StartTime === record.StartTime ||
            (Date.parse(other.StartTime) > Date.parse(record.StartTime) && Date.parse(other.StartTime) <= nowMs)),
      ),
    )
    .map((record) => record.ProgramId as string);
}

/** The StartTime of the next scheduled group after `record` in its slot: when `record` goes off air. */
function nextStartAfter(records: readonly LedgerRecord[], record: LedgerRecord): string | undefined {
  const later = records
    .filter(
      (other) =>
        other.State === 'scheduled' && slotKeyOf(other) === slotKeyOf(record) && Date.parse(other.StartTime) > Date.parse(record.StartTime),
    )
    .map((other) => other.StartTime)
    .sort();
  return later[0];
}

/** After a fault-free gc, the ledger and the studio agree exactly and the timeline is reconciled. */
function checkReconciled(context: StepContext): void {
  const { model, after } = context;
  // A pending record its actor may still be finishing (the ledger's pendingGraceMs) is left to it; one left behind is not.
  const leftBehind = after.records.filter((record) => isLeftBehind(record, model.nowMs, context.world.ledger.pendingGraceMs));
  if (leftBehind.length > 0)
    fail(context, 'a fault-free gc left records pending past their grace', {
      pending: leftBehind.map((record) => short(record.ClientToken)),
    });
  const inFlight = new Set(after.records.filter((record) => PENDING_STATES.has(record.State)).map((record) => record.ClientToken));
  const open = after.records.filter((record) => record.State === 'scheduled');
  const due = overstaying(open, model.nowMs);
  if (due.length > 0)
    fail(context, 'a fault-free gc left a group on air after its successor started (or two at one StartTime)', { due: due.map(short) });
  const bySlotStart = new Map<string, string>();
  for (const record of open) {
    const key = `${slotKeyOf(record)}@${record.StartTime}`;
    if (bySlotStart.has(key)) fail(context, 'two scheduled groups of one slot share a StartTime after gc', { key });
    bySlotStart.set(key, record.ClientToken);
  }
  const live = new Set(after.studio.map((group) => group.ProgramId));
  const scheduledPrograms = new Set(open.map((record) => record.ProgramId as string));
  for (const group of after.studio) {
    const unrecorded = !after.records.some((record) => record.ClientToken === group.ClientToken);
    const explained =
      inFlight.has(group.ClientToken) ||
      (unrecorded && (scheduledWithoutLedger(model, after.records, group.ClientToken) || after.gaps.has(group.ClientToken)));
    if (!scheduledPrograms.has(group.ProgramId) && !explained)
      fail(context, 'after gc the studio holds a group no scheduled record names', { program: short(group.ProgramId) });
  }
  for (const programId of scheduledPrograms)
    if (!live.has(programId) && !model.deletedAroundLedger.has(programId))
      fail(context, 'after gc a scheduled record names a group the studio lacks', { program: short(programId) });
}
