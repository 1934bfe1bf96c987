import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { LedgerStore } from '../../shared/src/ledger/ledger-store';
import { createRedisLedgerStore } from '../../shared/src/ledger/redis-ledger-store';
import { cancelGroup } from '../../shared/src/schedule/cancel-groups';
import { reconcileSchedule } from '../../shared/src/schedule/reconcile-schedule';
import { schedulePlan } from '../../shared/src/schedule/schedule-plan';
import { type RedisServer, startRedisServer } from '../support/redis-server';
import {
  type Action,
  advanceClock,
  freshFileStore,
  initialModel,
  type ModelTrigger,
  noFaults,
  openScheduleWorld,
  type RunStore,
  runStep,
  type ScheduleModel,
  type ScheduleWorld,
  SLOT_TARGETS,
  startTimeAt,
  triggerRequest,
} from '../support/schedule-model';

// ---------------------------------------------------------------------------------------------------------------
// Commands: what people, timers and failures do to the schedule. Each refers to triggers and groups by index into
// what the model knows when it runs, so a shrunk sequence stays meaningful.

type ScheduleCommand = fc.AsyncCommand<ScheduleModel, ScheduleWorld>;

/** A StartTime relative to the virtual now, or the StartTime of an earlier trigger (a tie). */
type StartSpec = { readonly kind: 'offset'; readonly minutes: number } | { readonly kind: 'tie'; readonly pick: number };

interface SubmitSpec {
  readonly target: number;
  readonly start: StartSpec;
  readonly loop: boolean;
}

const MAX_TRIGGERS = 14;

function newTrigger(model: ScheduleModel, world: ScheduleWorld, spec: SubmitSpec): ModelTrigger {
  const target = SLOT_TARGETS[spec.target % SLOT_TARGETS.length] ?? SLOT_TARGETS[0];
  if (!target) throw new Error('no slot targets');
  let startTime = startTimeAt(model.nowMs + (spec.start.kind === 'offset' ? spec.start.minutes * 60_000 : 0));
  if (spec.start.kind === 'tie' && model.triggers.length > 0) {
    const sameSlot = model.triggers.filter((trigger) => trigger.target === target);
    const pool = sameSlot.length > 0 ? sameSlot : model.triggers;
    startTime = (pool[spec.start.pick % pool.length] as ModelTrigger).startTime;
  }
  const repeatNum = spec.loop ? -1 : 0;
  const index = model.triggers.length;
  const trigger: ModelTrigger = {
    index,
    target,
    startTime,
    repeatNum,
    request: triggerRequest(world, index, target, startTime, repeatNum),
    acceptedWithLedger: 0,
    sentWithoutLedger: 0,
    errors: [],
  };
  model.triggers.push(trigger);
  return trigger;
}

function describeSubmit(spec: SubmitSpec): string {
  const target = SLOT_TARGETS[spec.target % SLOT_TARGETS.length]?.label;
  const start = spec.start.kind === 'offset' ? `now${spec.start.minutes >= 0 ? '+' : ''}${spec.start.minutes}m` : `tie#${spec.start.pick}`;
  return `submit(${target} @ ${start}${spec.loop ? ', loop' : ''})`;
}

class SubmitCommand implements ScheduleCommand {
  constructor(readonly spec: SubmitSpec) {}
  check = (model: Readonly<ScheduleModel>): boolean => model.triggers.length < MAX_TRIGGERS;
  async run(model: ScheduleModel, world: ScheduleWorld): Promise<void> {
    await runStep(model, world, [{ kind: 'submit', trigger: newTrigger(model, world, this.spec) }]);
  }
  toString = (): string => describeSubmit(this.spec);
}

class RetryCommand implements ScheduleCommand {
  constructor(readonly pick: number) {}
  check = (model: Readonly<ScheduleModel>): boolean => model.triggers.length > 0;
  async run(model: ScheduleModel, world: ScheduleWorld): Promise<void> {
    await runStep(model, world, [{ kind: 'retry', trigger: model.triggers[this.pick % model.triggers.length] as ModelTrigger }]);
  }
  toString = (): string => `retry(trigger#${this.pick})`;
}

class CancelCommand implements ScheduleCommand {
  constructor(readonly pick: number) {}
  check = (model: Readonly<ScheduleModel>): boolean => model.visibleProgramIds.length > 0;
  async run(model: ScheduleModel, world: ScheduleWorld): Promise<void> {
    await runStep(model, world, [
      { kind: 'cancel', programId: model.visibleProgramIds[this.pick % model.visibleProgramIds.length] as string },
    ]);
  }
  toString = (): string => `cancel(group#${this.pick})`;
}

class GcCommand implements ScheduleCommand {
  check = (): boolean => true;
  async run(model: ScheduleModel, world: ScheduleWorld): Promise<void> {
    await runStep(model, world, [{ kind: 'gc' }]);
  }
  toString = (): string => 'gc';
}

class VerifyCommand implements ScheduleCommand {
  check = (): boolean => true;
  async run(model: ScheduleModel, world: ScheduleWorld): Promise<void> {
    await runStep(model, world, [{ kind: 'verify' }]);
  }
  toString = (): string => 'verify(ls --verify)';
}

class AdvanceClockCommand implements ScheduleCommand {
  constructor(readonly minutes: number) {}
  check = (): boolean => true;
  async run(model: ScheduleModel, world: ScheduleWorld): Promise<void> {
    advanceClock(model, world, this.minutes * 60_000);
  }
  toString = (): string => `advance(+${this.minutes}m)`;
}

class LoseAnswersCommand implements ScheduleCommand {
  constructor(
    readonly action: 'add' | 'delete',
    readonly count: number,
  ) {}
  check = (): boolean => true;
  async run(model: ScheduleModel): Promise<void> {
    if (this.action === 'add') model.faults.dropAdd += this.count;
    else model.faults.dropDelete += this.count;
  }
  toString = (): string =>
    `lose(next ${this.count} ${this.action === 'add' ? 'AddCasterEpisodeGroup' : 'DeleteCasterEpisodeGroup'} answer(s))`;
}

class CrashCommand implements ScheduleCommand {
  check = (): boolean => true;
  async run(model: ScheduleModel): Promise<void> {
    model.faults.crash = true;
  }
  toString = (): string => 'crash(after the next API call, before its write)';
}

class StallCommand implements ScheduleCommand {
  constructor(readonly afterCalls: number) {}
  check = (): boolean => true;
  async run(model: ScheduleModel): Promise<void> {
    model.faults.stallAfter = this.afterCalls;
  }
  toString = (): string => `stall(store, after ${this.afterCalls} call(s) of the next step)`;
}

/** What one of two concurrent actors does. */
type ActorSpec =
  | { readonly kind: 'submit'; readonly spec: SubmitSpec }
  | { readonly kind: 'retry'; readonly pick: number }
  | { readonly kind: 'cancel'; readonly pick: number }
  | { readonly kind: 'gc' };

function describeActor(actor: ActorSpec): string {
  switch (actor.kind) {
    case 'submit':
      return describeSubmit(actor.spec);
    case 'retry':
      return `retry(trigger#${actor.pick})`;
    case 'cancel':
      return `cancel(group#${actor.pick})`;
    case 'gc':
      return 'gc';
  }
}

class TogetherCommand implements ScheduleCommand {
  constructor(readonly actors: readonly [ActorSpec, ActorSpec]) {}
  check = (model: Readonly<ScheduleModel>): boolean =>
    this.actors.every((actor) =>
      actor.kind === 'retry'
        ? model.triggers.length > 0
        : actor.kind === 'cancel'
          ? model.visibleProgramIds.length > 0
          : actor.kind === 'submit'
            ? model.triggers.length < MAX_TRIGGERS - 1
            : true,
    );
  async run(model: ScheduleModel, world: ScheduleWorld): Promise<void> {
    const actions = this.actors.map((actor): Action => {
      switch (actor.kind) {
        case 'submit':
          return { kind: 'submit', trigger: newTrigger(model, world, actor.spec) };
        case 'retry':
          return { kind: 'retry', trigger: model.triggers[actor.pick % model.triggers.length] as ModelTrigger };
        case 'cancel':
          return { kind: 'cancel', programId: model.visibleProgramIds[actor.pick % model.visibleProgramIds.length] as string };
        case 'gc':
          return { kind: 'gc' };
      }
    });
    await runStep(model, world, actions);
  }
  toString = (): string => `together(${this.actors.map(describeActor).join(', ')})`;
}

// ---------------------------------------------------------------------------------------------------------------
// Arbitraries

const pick = fc.nat({ max: 40 });
const submitSpec: fc.Arbitrary<SubmitSpec> = fc.record({
  // The first slot twice as often: most of the interplay happens inside one slot.
  target: fc.constantFrom(0, 0, 1, 2),
  start: fc.oneof(
    { weight: 3, arbitrary: fc.integer({ min: -90, max: 240 }).map((minutes): StartSpec => ({ kind: 'offset', minutes })) },
    { weight: 1, arbitrary: fc.constantFrom(0, 1, 5).map((minutes): StartSpec => ({ kind: 'offset', minutes })) },
    { weight: 2, arbitrary: pick.map((index): StartSpec => ({ kind: 'tie', pick: index })) },
  ),
  loop: fc.boolean(),
});
const actorSpec: fc.Arbitrary<ActorSpec> = fc.oneof(
  submitSpec.map((spec): ActorSpec => ({ kind: 'submit', spec })),
  pick.map((index): ActorSpec => ({ kind: 'retry', pick: index })),
  pick.map((index): ActorSpec => ({ kind: 'cancel', pick: index })),
  fc.constant<ActorSpec>({ kind: 'gc' }),
);

const scheduleCommand: fc.Arbitrary<ScheduleCommand> = fc.oneof(
  { weight: 6, arbitrary: submitSpec.map((spec) => new SubmitCommand(spec)) },
  { weight: 3, arbitrary: pick.map((index) => new RetryCommand(index)) },
  { weight: 3, arbitrary: pick.map((index) => new CancelCommand(index)) },
  { weight: 3, arbitrary: fc.constant(null).map(() => new GcCommand()) },
  { weight: 1, arbitrary: fc.constant(null).map(() => new VerifyCommand()) },
  { weight: 3, arbitrary: fc.constantFrom(1, 10, 30, 60, 120, 240).map((minutes) => new AdvanceClockCommand(minutes)) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.constantFrom<'add' | 'delete'>('add', 'delete'), fc.integer({ min: 1, max: 3 }))
      .map(([action, count]) => new LoseAnswersCommand(action, count)),
  },
  { weight: 1, arbitrary: fc.constant(null).map(() => new CrashCommand()) },
  // From the first call (the trigger cannot be read) to the sixth (a write between a read and its call).
  { weight: 2, arbitrary: fc.constantFrom(0, 0, 1, 2, 3, 4, 5, 6).map((after) => new StallCommand(after)) },
  {
    weight: 3,
    arbitrary: fc.oneof(
      fc.tuple(actorSpec, actorSpec).map((actors) => new TogetherCommand(actors)),
      // Two retries of one trigger at once: the race a trigger's own redelivery makes.
      pick.map(
        (index) =>
          new TogetherCommand([
            { kind: 'retry', pick: index },
            { kind: 'retry', pick: index },
          ]),
      ),
    ),
  },
);

type Grace = 'default grace' | 'no grace';
const graces = fc.constantFrom<Grace>('default grace', 'no grace');
const replayPath = process.env['SCHEDULE_MODEL_REPLAY'];
const sequences = fc.commands([scheduleCommand], { maxCommands: 30, size: 'max', ...(replayPath === undefined ? {} : { replayPath }) });

/**
 * Runs one sequence on a fresh emulator and a fresh scope, then a final fault-free gc whose checks are the strictest.
 * The ledger's grace for pending records is the default, or none (every reconciliation then finishes records other
 * actors may still be working on: the races the grace makes rare).
 */
async function runSequence(runStore: RunStore, grace: Grace, commands: Iterable<ScheduleCommand>): Promise<void> {
  const world = await openScheduleWorld(runStore, grace === 'no grace' ? { pendingGraceMs: 0 } : {});
  const model = initialModel(world.nowMs);
  try {
    await fc.asyncModelRun(() => ({ model, real: world }), commands);
    // The actors are done: past the grace of anything they left pending, a fault-free gc must settle everything.
    model.faults = noFaults();
    advanceClock(model, world, world.ledger.pendingGraceMs);
    await runStep(model, world, [{ kind: 'gc' }]);
  } finally {
    await world.close();
  }
}

/**
 * numRuns per store; SCHEDULE_MODEL_RUNS overrides it. To replay a failure, give the seed, path and replayPath
 * fast-check printed as SCHEDULE_MODEL_SEED, SCHEDULE_MODEL_PATH and SCHEDULE_MODEL_REPLAY.
 */
function assertOptions(numRuns: number): fc.Parameters<[Grace, Iterable<ScheduleCommand>]> {
  const seed = process.env['SCHEDULE_MODEL_SEED'];
  const path = process.env['SCHEDULE_MODEL_PATH'];
  return {
    numRuns: Number(process.env['SCHEDULE_MODEL_RUNS'] ?? numRuns),
    ...(seed === undefined ? {} : { seed: Number(seed) }),
    ...(path === undefined ? {} : { path }),
  };
}

// ---------------------------------------------------------------------------------------------------------------

describe('the schedule against its model, on the file store', () => {
  it('keeps one group per slot on air, deletes none early, creates none twice and loses none, whatever people and failures do', async () => {
    // Prepare: each run gets a fresh emulator, a fresh ledger file and a fresh scope (runSequence).
    // Act and Assess: every step runs the real core, then checks the invariants (runStep in support/schedule-model.ts).
    await fc.assert(
      fc.asyncProperty(graces, sequences, (grace, commands) => runSequence(freshFileStore(), grace, commands)),
      assertOptions(400),
    );
  }, 300_000);
});

describe('the schedule against its model, on the Redis store', () => {
  let redis: RedisServer;
  let store: LedgerStore;
  beforeAll(async () => {
    redis = await startRedisServer();
    store = createRedisLedgerStore({ redisUrl: redis.url, keyPrefix: 'schedule-model' });
  });
  afterAll(async () => {
    await store?.close();
    await redis?.stop();
  });

  it('keeps one group per slot on air, deletes none early, creates none twice and loses none, whatever people and failures do', async () => {
    // Prepare: each run gets a fresh emulator and a fresh scope of the one redis-server.
    // Act and Assess: every step runs the real core, then checks the invariants (runStep in support/schedule-model.ts).
    await fc.assert(
      fc.asyncProperty(graces, sequences, (grace, commands) => runSequence({ store, release: async () => undefined }, grace, commands)),
      assertOptions(300),
    );
  }, 300_000);
});

// ---------------------------------------------------------------------------------------------------------------
// Sequences the model found, each kept as a plain test.

describe('the schedule after a store failure between its call and its write', () => {
  let world: ScheduleWorld;
  beforeEach(async () => {
    world = await openScheduleWorld(freshFileStore());
  });
  afterEach(async () => {
    await world.close();
  });
  /** A trigger of the demo studio's morning slot, starting `minutes` from the virtual now. */
  const trigger = (index: number, minutes: number) =>
    triggerRequest(world, index, SLOT_TARGETS[0] as (typeof SLOT_TARGETS)[number], startTimeAt(world.nowMs + minutes * 60_000), 0);
  /** The store answers `calls` more calls, then fails every one as a stalled store does, until healed. */
  const stallStoreAfter = (calls: number): void => world.store.arm({ crash: false, stallAfter: calls, onCrash: () => undefined });
  const recordStates = async () => (await world.records()).map((record) => [record.ProgramId, record.State]);
  const studioPrograms = async () => (await world.studioGroups()).map((group) => group.ProgramId);

  it('cancels a group whose add was answered but never recorded through the ledger, so no record later names the deleted group', async () => {
    // Prepare: the store stalls once the intent is written; the studio makes the group, the ledger keeps the intent.
    stallStoreAfter(2);
    const submitted = await schedulePlan(trigger(0, 0), world.dependencies);
    world.store.heal();

    // Act: the person cancels the group they were answered with; past the grace, a gc runs.
    const cancelled = await cancelGroup(submitted.ProgramId, world.dependencies);
    world.nowMs += world.ledger.pendingGraceMs;
    await reconcileSchedule(world.dependencies);

    // Assess
    expect(cancelled.State).toBe('cancelled');
    expect(await studioPrograms()).toEqual([]);
    expect(await recordStates()).toEqual([[submitted.ProgramId, 'cancelled']]);
  });

  it('deletes nothing when the ledger cannot record a cancel first, so no record names a deleted group', async () => {
    // Prepare: the store answers the cancel's read, then stalls before its `cancelling` write.
    const submitted = await schedulePlan(trigger(0, 0), world.dependencies);
    stallStoreAfter(1);

    // Act
    const refused = await cancelGroup(submitted.ProgramId, world.dependencies).catch((error: unknown) => error);
    world.store.heal();

    // Assess
    expect(refused).toMatchObject({ code: 'LedgerUnavailable' });
    expect(await studioPrograms()).toEqual([submitted.ProgramId]);
    expect(await recordStates()).toEqual([[submitted.ProgramId, 'scheduled']]);
  });

  it('keeps a group whose window ended until the ledger can record its retirement first, so no record names a deleted group', async () => {
    // Prepare: the first group airs, the second starts a minute later; two minutes on, the second has started.
    const first = await schedulePlan(trigger(0, 0), world.dependencies);
    const second = await schedulePlan(trigger(1, 1), world.dependencies);
    world.nowMs += 2 * 60_000;
    stallStoreAfter(2); // the gc's two reads answer; its `retiring` write is lost

    // Act
    const outcome = await reconcileSchedule(world.dependencies);
    world.store.heal();

    // Assess
    expect(outcome.failed).toMatchObject([{ ProgramId: first.ProgramId, code: 'LedgerUnavailable' }]);
    expect(await studioPrograms()).toEqual([first.ProgramId, second.ProgramId]);
    expect(await recordStates()).toEqual(
      expect.arrayContaining([
        [first.ProgramId, 'scheduled'],
        [second.ProgramId, 'scheduled'],
      ]),
    );
  });
});
