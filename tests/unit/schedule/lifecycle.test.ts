import { describe, expect, it } from 'vitest';
import type { LedgerRecord, LedgerState } from '../../../shared/src/ledger/ledger-record';
import {
  airWindows,
  applyEvent,
  decideCancel,
  decideSubmission,
  deletedEvent,
  dueDeletions,
  type GroupEvent,
  LifecycleError,
  nextSwitchOverMs,
  overlapsOf,
  recordIndex,
  studioOverlaps,
  TRANSITIONS,
} from '../../../shared/src/schedule/lifecycle';

/** The moment every example counts from: "+10s" is ten seconds after it. */
const T0_MS = Date.parse('2031-03-06T12:00:00Z');
const NOW_ISO = '2031-03-06T11:59:00.000Z';

/** A StartTime `seconds` after T0, in the API's format. */
function at(seconds: number): string {
  return `${new Date(T0_MS + seconds * 1000).toISOString().slice(0, 19)}Z`;
}

const ms = (seconds: number): number => T0_MS + seconds * 1000;

interface GroupShape {
  /** Seconds after T0 it starts. */
  start: number;
  slot?: string | undefined;
  /** Seconds after T0 - 1 day its intent was written: a larger number is a later submission. */
  submitted?: number;
  state?: LedgerState;
  repeatNum?: number;
  caster?: string;
}

/** A group of studio-1 named `name` (its ProgramId; its token is `tok-name`), scheduled and looping unless told. */
function group(name: string, shape: GroupShape): LedgerRecord {
  const createdAt = new Date(T0_MS - 86_400_000 + (shape.submitted ?? 0) * 1000).toISOString();
  return {
    ClientToken: `tok-${name}`,
    BaseToken: `tok-${name}`,
    Generation: 1,
    ProgramId: name,
    ItemIds: [`${name}-item`],
    Slot: 'slot' in shape ? shape.slot : 'main',
    CasterId: shape.caster ?? 'studio-1',
    DomainName: 'studio-1.example.com',
    StartTime: at(shape.start),
    RepeatNum: shape.repeatNum ?? -1,
    Items: [{ ItemName: `${name} episode`, VodUrl: `https://cdn.example.com/${name}.mp4` }],
    Trigger: { kind: 'cli' },
    CreatedAt: createdAt,
    UpdatedAt: createdAt,
    State: shape.state ?? 'scheduled',
    Version: 2,
    Resolved: { CallbackUrl: 'https://studio-1.example.com/callback', DomainName: 'studio-1.example.com' },
  };
}

/** An intent not yet answered: no ProgramId yet. */
function intent(name: string, shape: GroupShape): LedgerRecord {
  const { ProgramId: _programId, ...rest } = group(name, { ...shape, state: 'intent' });
  return { ...rest, ItemIds: [], Version: 1 };
}

const names = (records: readonly { record: LedgerRecord }[]): (string | undefined)[] => records.map(({ record }) => record.ProgramId);

describe('the lifecycle: which event moves a group from which state to which', () => {
  /** Every move the lifecycle allows, written out; anything not here is refused. */
  const ALLOWED: readonly [LedgerState, GroupEvent, LedgerState][] = [
    ['intent', 'added', 'scheduled'],
    ['intent', 'refused', 'failed'],
    ['failed', 'retried', 'intent'],
    ['scheduled', 'cancelRequested', 'cancelling'],
    ['scheduled', 'windowEnded', 'retiring'],
    ['scheduled', 'replacedBeforeAir', 'retiring'],
    ['scheduled', 'verifiedMissing', 'missing'],
    ['cancelling', 'deleted', 'cancelled'],
    ['retiring', 'deleted', 'retired'],
    ['retiring', 'deletedBeforeAir', 'replaced'],
  ];

  it.each(ALLOWED)('moves a %s group on %s to %s, as one more version written at the given time', (from, event, to) => {
    // Prepare
    const record = { ...group('g', { start: 10 }), State: from };
    // Act
    const next = applyEvent(record, event, NOW_ISO);
    // Assess
    expect(next.State).toBe(to);
    expect(next.Version).toBe(record.Version + 1);
    expect(next.UpdatedAt).toBe(NOW_ISO);
    expect(next.ClientToken).toBe(record.ClientToken);
  });

  it('allows exactly these moves and no other', () => {
    const table = Object.entries(TRANSITIONS).flatMap(([from, events]) =>
      Object.entries(events).map(([event, to]) => [from, event, to] as const),
    );
    expect(new Set(table.map((move) => move.join(' ')))).toEqual(new Set(ALLOWED.map((move) => move.join(' '))));
  });

  it.each([
    ['cancelled', 'cancelRequested'],
    ['retired', 'windowEnded'],
    ['replaced', 'deleted'],
    ['missing', 'added'],
    ['intent', 'deleted'],
    ['scheduled', 'added'],
    ['failed', 'cancelRequested'],
    ['cancelling', 'windowEnded'],
  ] as const)('refuses to move a %s group on %s, with a LifecycleError, leaving the record as it was', (from, event) => {
    // Prepare
    const record = { ...group('g', { start: 10 }), State: from };
    const before = structuredClone(record);
    // Act
    const attempt = () => applyEvent(record, event, NOW_ISO);
    // Assess
    expect(attempt).toThrow(LifecycleError);
    expect(attempt).toThrow(`A ${from} group (g) cannot take the event ${event}`);
    expect(record).toEqual(before);
  });

  it('keeps a final group final: cancelled, retired, replaced and missing groups accept no event at all', () => {
    const events = Object.keys(Object.assign({}, ...Object.values(TRANSITIONS))) as GroupEvent[];
    for (const state of ['cancelled', 'retired', 'replaced', 'missing'] as const) {
      for (const event of events) {
        expect(() => applyEvent({ ...group('g', { start: 10 }), State: state }, event, NOW_ISO)).toThrow(LifecycleError);
      }
    }
  });

  it('records the API’s answer when an intent is added: its ProgramId, ItemIds and RequestId', () => {
    // Prepare
    const pending = intent('g', { start: 10 });
    // Act
    const scheduled = applyEvent(pending, 'added', NOW_ISO, {
      answer: { ProgramId: 'P-new', ItemIds: ['i-1', 'i-2'], RequestId: 'R-add' },
    });
    // Assess
    expect(scheduled).toMatchObject({ State: 'scheduled', ProgramId: 'P-new', ItemIds: ['i-1', 'i-2'], RequestId: 'R-add', Version: 2 });
  });

  it('counts attempts through refusals and retries, and forgets the refusal once the group is added', () => {
    // Prepare
    const refusal = { Code: 'Throttling.User', Message: 'slow down', RequestId: 'R-1' };
    // Act
    const failedOnce = applyEvent(intent('g', { start: 10 }), 'refused', NOW_ISO, { refusal });
    const retried = applyEvent(failedOnce, 'retried', NOW_ISO);
    const failedTwice = applyEvent(retried, 'refused', NOW_ISO, { refusal: { ...refusal, RequestId: 'R-2' } });
    const added = applyEvent(applyEvent(failedTwice, 'retried', NOW_ISO), 'added', NOW_ISO, {
      answer: { ProgramId: 'P', ItemIds: ['i'] },
    });
    // Assess
    expect(failedOnce.Failure).toEqual({ ...refusal, Attempts: 1 });
    expect(retried).toMatchObject({ State: 'intent', Failure: { Attempts: 1 } });
    expect(failedTwice.Failure).toEqual({ ...refusal, RequestId: 'R-2', Attempts: 2 });
    expect(added.State).toBe('scheduled');
    expect(added.Failure).toBeUndefined();
  });

  it('remembers while retiring what the group becomes once deleted: retired after its window, replaced when it never aired', () => {
    // Prepare
    const scheduled = group('g', { start: 10 });
    // Act
    const windowOver = applyEvent(scheduled, 'windowEnded', NOW_ISO);
    const neverAired = applyEvent(scheduled, 'replacedBeforeAir', NOW_ISO);
    const cancelling = applyEvent(scheduled, 'cancelRequested', NOW_ISO);
    // Assess
    expect(windowOver.Ending).toBe('retired');
    expect(neverAired.Ending).toBe('replaced');
    const retired = applyEvent(windowOver, deletedEvent(windowOver), NOW_ISO);
    const replaced = applyEvent(neverAired, deletedEvent(neverAired), NOW_ISO);
    expect([retired.State, retired.Ending]).toEqual(['retired', undefined]);
    expect([replaced.State, replaced.Ending]).toEqual(['replaced', undefined]);
    expect(applyEvent(cancelling, deletedEvent(cancelling), NOW_ISO).State).toBe('cancelled');
  });

  it('files a record by what it is: open until final, settled unless a call is pending, under its studio and slot', () => {
    expect(recordIndex(group('g', { start: 10, slot: 'evening' }))).toEqual({
      open: true,
      settled: true,
      studioKey: 'studio-1',
      slotKey: 'studio-1/evening',
      startMs: ms(10),
    });
    expect(recordIndex(intent('g', { start: 10 }))).toMatchObject({ open: true, settled: false });
    expect(recordIndex({ ...group('g', { start: 10 }), State: 'retiring' })).toMatchObject({ open: true, settled: false });
    expect(recordIndex({ ...group('g', { start: 10 }), State: 'cancelled' })).toMatchObject({ open: false, settled: true });
    const byDomain = { ...group('g', { start: 10, slot: undefined }), CasterId: undefined };
    expect(recordIndex(byDomain)).toMatchObject({ studioKey: 'domain:studio-1.example.com', slotKey: undefined });
  });
});

describe('the timeline: when each group of a slot airs', () => {
  it('orders a slot by StartTime, not by submission: a group submitted later to start earlier airs first, until the other starts', () => {
    // Prepare: "late" (+1h) is submitted first, "early" (+10s) after it.
    const late = group('late', { start: 3600, submitted: 1 });
    const early = group('early', { start: 10, submitted: 2 });
    // Act
    const windows = airWindows([late, early]);
    // Assess
    expect(windows.map((window) => [window.record.ProgramId, window.startMs, window.endMs, window.endedBy?.ProgramId])).toEqual([
      ['early', ms(10), ms(3600), 'late'],
      ['late', ms(3600), Number.POSITIVE_INFINITY, undefined],
    ]);
  });

  it('never lets a group submitted later with an earlier start end the group that starts after it', () => {
    const late = group('late', { start: 3600, submitted: 1, repeatNum: 2 });
    const early = group('early', { start: 10, submitted: 2 });
    const lateWindow = airWindows([late, early]).find((window) => window.record === late);
    expect(lateWindow?.endedBy).toBeUndefined();
    expect(lateWindow?.endMs).toBeUndefined();
  });

  it('ends a window where the next scheduled group of the slot starts, skipping groups that are not scheduled', () => {
    // Prepare
    const first = group('first', { start: 0 });
    const cancelled = group('cancelled', { start: 100, state: 'cancelled' });
    const pending = intent('pending', { start: 200 });
    const next = group('next', { start: 300 });
    // Act
    const windows = airWindows([next, pending, cancelled, first]);
    // Assess
    expect(windows.map((window) => window.record.ClientToken)).toEqual(['tok-first', 'tok-next']);
    expect(windows[0]).toMatchObject({ endMs: ms(300), endedBy: next });
  });

  it('gives a finite group with no successor no end (none is invented), and a loop with no successor an endless window', () => {
    const finite = group('finite', { start: 0, repeatNum: 3, slot: 'a' });
    const loop = group('loop', { start: 0, repeatNum: -1, slot: 'b' });
    const windows = airWindows([finite, loop]);
    expect(windows.find((window) => window.record === finite)?.endMs).toBeUndefined();
    expect(windows.find((window) => window.record === loop)?.endMs).toBe(Number.POSITIVE_INFINITY);
  });

  it('lets the newer of two groups with the same StartTime stay: the older one’s window ends as it begins', () => {
    const older = group('older', { start: 60, submitted: 1 });
    const newer = group('newer', { start: 60, submitted: 2 });
    const windows = airWindows([newer, older]);
    expect(windows[0]).toMatchObject({ record: older, startMs: ms(60), endMs: ms(60), endedBy: newer });
    expect(windows[1]).toMatchObject({ record: newer, endMs: Number.POSITIVE_INFINITY });
  });

  it('keeps slots apart: another slot, the same slot name in another studio, and a group without a slot never end a window', () => {
    const main = group('main', { start: 0 });
    const otherSlot = group('other-slot', { start: 10, slot: 'other' });
    const otherStudio = group('other-studio', { start: 20, caster: 'studio-2' });
    const noSlot = group('no-slot', { start: 30, slot: undefined });
    const alsoNoSlot = group('also-no-slot', { start: 40, slot: undefined });
    const windows = airWindows([main, otherSlot, otherStudio, noSlot, alsoNoSlot]);
    expect(windows.every((window) => window.endedBy === undefined)).toBe(true);
  });
});

describe('dueDeletions: which groups of a slot to delete now', () => {
  it('deletes nothing once the early group of "late (+1h), then early (+10s)" has started, and never the late one early', () => {
    // Prepare: the repro: late submitted first to start at +1h, early submitted after it to start at +10s.
    const late = group('late', { start: 3600, submitted: 1 });
    const early = group('early', { start: 10, submitted: 2 });
    // Act
    const afterEarlyStarted = dueDeletions([late, early], ms(11));
    const afterLateStarted = dueDeletions([late, early], ms(3600));
    // Assess
    expect(afterEarlyStarted).toEqual([]);
    expect(afterLateStarted).toEqual([{ record: early, event: 'windowEnded', successor: late }]);
  });

  it('deletes only A at +10s for A (+5s), B (+2h), C (+8s): C has started after A; B has not started after C', () => {
    // Prepare: submitted in the order A, B, C.
    const a = group('A', { start: 5, submitted: 1 });
    const b = group('B', { start: 7200, submitted: 2 });
    const c = group('C', { start: 8, submitted: 3 });
    // Act
    const due = dueDeletions([a, b, c], ms(10));
    // Assess
    expect(due).toEqual([{ record: a, event: 'windowEnded', successor: c }]);
  });

  it('deletes the older of two groups with the same StartTime at once, even before it starts, as replaced', () => {
    const older = group('older', { start: 3600, submitted: 1 });
    const newer = group('newer', { start: 3600, submitted: 2 });
    expect(dueDeletions([newer, older], ms(0))).toEqual([{ record: older, event: 'replacedBeforeAir', successor: newer }]);
  });

  it('hands a cancelled group’s window back: with B cancelled, A airs on until C starts, and only then goes', () => {
    // Prepare
    const a = group('A', { start: 5 });
    const b = group('B', { start: 20, state: 'cancelled' });
    const c = group('C', { start: 3600 });
    // Act + Assess
    expect(airWindows([a, b, c]).find((window) => window.record === a)?.endedBy).toBe(c);
    expect(dueDeletions([a, b, c], ms(30))).toEqual([]);
    expect(dueDeletions([a, b, c], ms(3600))).toEqual([{ record: a, event: 'windowEnded', successor: c }]);
  });

  it('deletes a group the moment its successor starts, not a second before', () => {
    const a = group('A', { start: 0 });
    const b = group('B', { start: 60 });
    expect(dueDeletions([a, b], ms(60) - 1)).toEqual([]);
    expect(names(dueDeletions([a, b], ms(60)))).toEqual(['A']);
  });

  it('deletes every group of a chain whose successor has started, each by its own successor', () => {
    const chain = [group('A', { start: 0 }), group('B', { start: 60 }), group('C', { start: 120 }), group('D', { start: 180 })];
    const due = dueDeletions(chain, ms(150));
    expect(due.map(({ record, successor }) => [record.ProgramId, successor.ProgramId])).toEqual([
      ['A', 'B'],
      ['B', 'C'],
    ]);
  });

  it('names the next moment a deletion falls due: the earliest successor start still ahead', () => {
    const records = [group('A', { start: 0 }), group('B', { start: 60 }), group('C', { start: 120 }), group('X', { start: 90, slot: 'x' })];
    expect(nextSwitchOverMs(records, ms(30))).toBe(ms(60));
    expect(nextSwitchOverMs(records, ms(60))).toBe(ms(120));
    expect(nextSwitchOverMs(records, ms(120))).toBeUndefined();
  });
});

describe('overlaps: groups of other slots of one studio airing at the same time', () => {
  it('reports a group of another slot that starts while a group plays', () => {
    // Prepare
    const loop = group('loop', { start: 0, slot: 'main' });
    const extra = group('extra', { start: 3600, slot: 'extra', repeatNum: 1 });
    // Act
    const overlaps = overlapsOf(extra, [loop, extra]);
    // Assess
    expect(overlaps).toEqual([{ record: extra, other: loop }]);
  });

  it('reports no overlap within one slot, or with a group that is not scheduled', () => {
    const first = group('first', { start: 0, slot: 'main' });
    const next = group('next', { start: 60, slot: 'main' });
    const cancelled = group('cancelled', { start: 30, slot: 'extra', state: 'cancelled' });
    const retiring = group('retiring', { start: 30, slot: 'other', state: 'retiring' });
    const studio = [first, next, cancelled, retiring];
    expect(overlapsOf(first, studio)).toEqual([]);
    expect(overlapsOf(next, studio)).toEqual([]);
    expect(studioOverlaps(studio)).toEqual([]);
  });

  it('counts a window of unknown end only at its start instant: an overlap is reported when certain, never guessed', () => {
    // Prepare: a finite group with no successor at 0; another slot starts a second later, a third at the same instant.
    const finite = group('finite', { start: 0, slot: 'a', repeatNum: 2 });
    const secondLater = group('second-later', { start: 1, slot: 'b', repeatNum: 2 });
    const sameInstant = group('same-instant', { start: 0, slot: 'c', repeatNum: 2 });
    // Act
    const overlaps = overlapsOf(finite, [finite, secondLater, sameInstant]);
    // Assess
    expect(names(overlaps.map(({ other }) => ({ record: other })))).toEqual(['same-instant']);
  });

  it('reports no overlap for windows that only touch: one ends as the other begins', () => {
    const morning = group('morning', { start: 0, slot: 'a' });
    const noon = group('noon', { start: 3600, slot: 'a' });
    const afternoon = group('afternoon', { start: 3600, slot: 'b' });
    expect(overlapsOf(morning, [morning, noon, afternoon])).toEqual([]);
    expect(overlapsOf(afternoon, [morning, noon, afternoon])).toEqual([{ record: afternoon, other: noon }]);
  });

  it('checks a group not yet in the ledger against the studio’s groups as if it were', () => {
    const loop = group('loop', { start: 0, slot: 'main' });
    const proposed = group('proposed', { start: 600, slot: 'extra' });
    expect(overlapsOf(proposed, [loop])).toEqual([{ record: proposed, other: loop }]);
  });

  it('lists each overlapping pair of a studio once', () => {
    const a = group('a', { start: 0, slot: 'one' });
    const b = group('b', { start: 10, slot: 'two' });
    const c = group('c', { start: 20, slot: 'three' });
    const pairs = studioOverlaps([c, a, b]).map(({ record, other }) => [record.ProgramId, other.ProgramId].sort().join('+'));
    expect(pairs.sort()).toEqual(['a+b', 'a+c', 'b+c']);
  });

  it('still finds an overlap when a group replaced at its own start is read between the two that overlap', () => {
    // Prepare: in slot a, "replaced" has an empty window (a newer group takes over at the same StartTime); a group
    // with no slot starts then too and overlaps the one that stays. Read in this order, the empty window sits
    // between the two groups that meet.
    const unslotted = group('unslotted', { start: 0, slot: undefined, repeatNum: 0 });
    const replaced = group('replaced', { start: 0, slot: 'a', submitted: 1, repeatNum: 0 });
    const stays = group('stays', { start: 0, slot: 'a', submitted: 2, repeatNum: 0 });
    // Act
    const pairs = studioOverlaps([unslotted, replaced, stays]).map(({ record, other }) =>
      [record.ProgramId, other.ProgramId].sort().join('+'),
    );
    // Assess: the empty window meets nothing and does not hide the overlap behind it.
    expect(pairs).toEqual(['stays+unslotted']);
  });
});

describe('decideSubmission: what a submission of a trigger does', () => {
  const proposalOf = (record: LedgerRecord) => ({
    StartTime: record.StartTime,
    RepeatNum: record.RepeatNum,
    Items: record.Items,
    Slot: record.Slot,
  });

  it('creates a group for a trigger the ledger has no record of', () => {
    const proposal = proposalOf(group('g', { start: 10 }));
    expect(decideSubmission({ generation: 1 }, proposal, NOW_ISO)).toEqual({ kind: 'create' });
  });

  it.each(['scheduled', 'retired', 'replaced'] as const)('answers with the %s record of the same request and creates nothing', (state) => {
    const record = { ...group('g', { start: 10 }), State: state };
    expect(decideSubmission({ generation: 1, record }, proposalOf(record), NOW_ISO)).toEqual({ kind: 'answer', record });
  });

  it.each(['retiring', 'cancelling'] as const)(
    'finishes the delete a lost answer left (%s) before deciding, so a retry never answers with a deleted group',
    (state) => {
      const record = { ...group('g', { start: 10 }), State: state };
      expect(decideSubmission({ generation: 1, record }, proposalOf(record), NOW_ISO)).toEqual({ kind: 'finishDelete', record });
    },
  );

  it.each(['cancelled', 'missing'] as const)('moves the trigger to its next generation once its group is %s', (state) => {
    const record = { ...group('g', { start: 10 }), State: state, Generation: 2 };
    expect(decideSubmission({ generation: 2, record }, proposalOf(record), NOW_ISO)).toEqual({ kind: 'nextGeneration', from: 2 });
    const otherPlan = { ...proposalOf(record), StartTime: at(20) };
    expect(decideSubmission({ generation: 2, record }, otherPlan, NOW_ISO)).toEqual({ kind: 'nextGeneration', from: 2 });
  });

  it.each(['scheduled', 'retired', 'replaced', 'retiring', 'cancelling', 'intent', 'failed'] as const)(
    'never moves to a next generation while the group is %s',
    (state) => {
      const record = { ...group('g', { start: 10 }), State: state };
      expect(decideSubmission({ generation: 1, record }, proposalOf(record), NOW_ISO).kind).not.toBe('nextGeneration');
    },
  );

  it('sends an unanswered intent again, the same record with the same token, over its own version', () => {
    const record = intent('g', { start: 10 });
    expect(decideSubmission({ generation: 1, record }, proposalOf(record), NOW_ISO)).toEqual({
      kind: 'send',
      record,
      expectedVersion: record.Version,
    });
  });

  it('retries a refused group as an intent with the same token, keeping its attempt count', () => {
    // Prepare
    const record: LedgerRecord = {
      ...intent('g', { start: 10 }),
      State: 'failed',
      Version: 2,
      Failure: { Code: 'ServiceUnavailable', Message: 'try later', Attempts: 1 },
    };
    // Act
    const decision = decideSubmission({ generation: 1, record }, proposalOf(record), NOW_ISO);
    // Assess
    expect(decision).toMatchObject({ kind: 'send', expectedVersion: 2 });
    if (decision.kind !== 'send') throw new Error('not sent');
    expect(decision.record).toMatchObject({
      ClientToken: record.ClientToken,
      State: 'intent',
      Version: 3,
      Failure: { Code: 'ServiceUnavailable', Attempts: 1 },
    });
  });

  it.each([
    ['StartTime', { StartTime: at(99) }],
    ['RepeatNum', { RepeatNum: 5 }],
    ['Slot', { Slot: 'night' }],
    ['Items', { Items: [{ ItemName: 'other', VodUrl: 'https://cdn.example.com/other.mp4' }] }],
  ])('forwards a different %s under the same token to the API, which refuses the mismatch; nothing is written', (_field, change) => {
    const scheduled = group('g', { start: 10 });
    const pending = intent('p', { start: 10 });
    expect(decideSubmission({ generation: 1, record: scheduled }, { ...proposalOf(scheduled), ...change }, NOW_ISO)).toEqual({
      kind: 'forward',
    });
    expect(decideSubmission({ generation: 1, record: pending }, { ...proposalOf(pending), ...change }, NOW_ISO)).toEqual({
      kind: 'forward',
    });
  });
});

describe('decideCancel: what a person’s cancel does', () => {
  it('writes cancelling over a scheduled group’s version before its delete is sent', () => {
    const record = group('g', { start: 10 });
    const decision = decideCancel(record, NOW_ISO);
    expect(decision).toMatchObject({ kind: 'delete', expectedVersion: record.Version, record: { State: 'cancelling', Version: 3 } });
  });

  it.each(['cancelling', 'retiring'] as const)('finishes a delete already under way (%s) with the record as it is', (state) => {
    const record = { ...group('g', { start: 10 }), State: state };
    expect(decideCancel(record, NOW_ISO)).toEqual({ kind: 'delete', record, expectedVersion: record.Version });
  });

  it.each(['cancelled', 'retired', 'replaced', 'missing'] as const)('says a %s group is already gone', (state) => {
    const record = { ...group('g', { start: 10 }), State: state };
    expect(decideCancel(record, NOW_ISO)).toEqual({ kind: 'alreadyDone', record });
  });

  it('refuses to cancel an unanswered intent or a refused group, saying why', () => {
    expect(decideCancel(intent('g', { start: 10 }), NOW_ISO)).toMatchObject({
      kind: 'notCancellable',
      reason: expect.stringContaining('has not been answered yet'),
    });
    expect(decideCancel({ ...intent('g', { start: 10 }), State: 'failed' }, NOW_ISO)).toMatchObject({
      kind: 'notCancellable',
      reason: expect.stringContaining('no group exists'),
    });
  });
});
