import { describe, expect, it } from 'vitest';
import { layoutTimeline, playCount, repeatLabel, repeatMark } from '../../../cli/timeline/timeline-geometry';
import { sampleLedgerRecord } from '../../support/ledger-record-fixtures';

const NOW_MS = Date.parse('2031-03-06T12:00:00Z');

function barOf(geometry: ReturnType<typeof layoutTimeline>, programId: string) {
  const bar = geometry.rows.flatMap((row) => row.bars).find((candidate) => candidate.record.ProgramId === programId);
  if (!bar) throw new Error(`no bar for ${programId}`);
  return bar;
}

describe('timeline geometry', () => {
  it('ends each group of a slot exactly where the next group of that slot starts', () => {
    // Prepare: three groups of one slot, one after another; the first loops.
    const first = sampleLedgerRecord({ ProgramId: 'first', Slot: 'evening', StartTime: '2031-03-06T19:00:00Z', RepeatNum: -1 });
    const second = sampleLedgerRecord({ ProgramId: 'second', Slot: 'evening', StartTime: '2031-03-06T20:30:00Z', RepeatNum: 2 });
    const third = sampleLedgerRecord({ ProgramId: 'third', Slot: 'evening', StartTime: '2031-03-06T22:00:00Z', RepeatNum: 0 });
    // Act
    const geometry = layoutTimeline([third, first, second], NOW_MS);
    // Assess
    expect(barOf(geometry, 'first').end).toEqual({ kind: 'replaced', endMs: Date.parse('2031-03-06T20:30:00Z'), byProgramId: 'second' });
    expect(barOf(geometry, 'second').end).toEqual({ kind: 'replaced', endMs: Date.parse('2031-03-06T22:00:00Z'), byProgramId: 'third' });
    expect(barOf(geometry, 'third').end).toEqual({ kind: 'unknown' });
  });

  it('orders a slot by StartTime, not by submission: a group submitted later with an earlier start ends where the earlier-submitted one starts', () => {
    // Prepare: "late" was submitted first; "early" was submitted after it, to start before it.
    const late = sampleLedgerRecord({
      ProgramId: 'late',
      Slot: 'evening',
      StartTime: '2031-03-06T19:00:00Z',
      RepeatNum: -1,
      CreatedAt: '2031-03-06T10:00:00.000Z',
    });
    const early = sampleLedgerRecord({
      ProgramId: 'early',
      Slot: 'evening',
      StartTime: '2031-03-06T18:00:00Z',
      CreatedAt: '2031-03-06T11:00:00.000Z',
    });
    // Act
    const geometry = layoutTimeline([late, early], NOW_MS);
    // Assess
    expect(barOf(geometry, 'early').end).toEqual({ kind: 'replaced', endMs: Date.parse('2031-03-06T19:00:00Z'), byProgramId: 'late' });
    expect(barOf(geometry, 'late').end).toEqual({ kind: 'open' });
  });

  it('lets a cancelled group hand its window back: the group before it runs until the next scheduled one', () => {
    // Prepare
    const before = sampleLedgerRecord({ ProgramId: 'before', Slot: 'evening', StartTime: '2031-03-06T19:00:00Z', RepeatNum: -1 });
    const cancelled = sampleLedgerRecord({
      ProgramId: 'cancelled',
      Slot: 'evening',
      StartTime: '2031-03-06T20:00:00Z',
      State: 'cancelled',
      UpdatedAt: '2031-03-06T11:00:00.000Z',
    });
    const after = sampleLedgerRecord({ ProgramId: 'after', Slot: 'evening', StartTime: '2031-03-06T21:00:00Z', RepeatNum: -1 });
    // Act
    const geometry = layoutTimeline([before, cancelled, after], NOW_MS);
    // Assess
    expect(barOf(geometry, 'before').end).toEqual({ kind: 'replaced', endMs: Date.parse('2031-03-06T21:00:00Z'), byProgramId: 'after' });
    expect(barOf(geometry, 'cancelled')).toMatchObject({
      active: false,
      end: { kind: 'deleted', endMs: Date.parse('2031-03-06T20:00:00Z') },
    });
  });

  it('never ends a group by one of another slot or another studio', () => {
    const evening = sampleLedgerRecord({ ProgramId: 'evening', Slot: 'evening', StartTime: '2031-03-06T19:00:00Z', RepeatNum: -1 });
    const night = sampleLedgerRecord({ ProgramId: 'night', Slot: 'night', StartTime: '2031-03-06T20:00:00Z', RepeatNum: -1 });
    const elsewhere = sampleLedgerRecord({
      ProgramId: 'elsewhere',
      CasterId: 'LIVEPRODUCER_POST-cn-other0002',
      Slot: 'evening',
      StartTime: '2031-03-06T20:00:00Z',
    });
    const geometry = layoutTimeline([evening, night, elsewhere], NOW_MS);
    expect(barOf(geometry, 'evening').end).toEqual({ kind: 'open' });
  });

  it('leaves a looping group that nothing replaced open-ended', () => {
    const geometry = layoutTimeline([sampleLedgerRecord({ ProgramId: 'loop', RepeatNum: -1 })], NOW_MS);
    expect(barOf(geometry, 'loop').end).toEqual({ kind: 'open' });
    expect(repeatLabel(-1)).toBe('↻ loops');
    expect(repeatMark(-1)).toBe('↻');
  });

  it('never invents an end for a finite group with no successor', () => {
    const geometry = layoutTimeline([sampleLedgerRecord({ ProgramId: 'finite', RepeatNum: 2 })], NOW_MS);
    expect(barOf(geometry, 'finite').end).toEqual({ kind: 'unknown' });
  });

  it.each([
    [0, 1, 'plays once', '1×'],
    [1, 2, 'plays 2×', '2×'],
    [9, 10, 'plays 10×', '10×'],
    [10000, 10001, 'plays 10001×', '10001×'],
  ])('labels RepeatNum %i as playing %i times', (repeatNum, plays, label, mark) => {
    expect(playCount(repeatNum)).toBe(plays);
    expect(repeatLabel(repeatNum)).toBe(label);
    expect(repeatMark(repeatNum)).toBe(mark);
  });

  it('ends a cancelled loop at its deletion time, and a group deleted before its start never plays', () => {
    const loop = sampleLedgerRecord({
      ProgramId: 'loop',
      RepeatNum: -1,
      State: 'cancelled',
      StartTime: '2031-03-06T10:00:00Z',
      UpdatedAt: '2031-03-06T11:15:00.000Z',
    });
    const early = sampleLedgerRecord({
      ProgramId: 'early',
      State: 'replaced',
      StartTime: '2031-03-06T19:00:00Z',
      UpdatedAt: '2031-03-06T11:00:00.000Z',
    });
    const geometry = layoutTimeline([loop, early], NOW_MS);
    expect(barOf(geometry, 'loop')).toMatchObject({ active: false, end: { kind: 'deleted', endMs: Date.parse('2031-03-06T11:15:00Z') } });
    expect(barOf(geometry, 'early').end).toEqual({ kind: 'deleted', endMs: Date.parse('2031-03-06T19:00:00Z') });
  });

  it('keeps a finite group deleted after its start unknown-ended: it may have finished before', () => {
    const finite = sampleLedgerRecord({
      ProgramId: 'finite',
      RepeatNum: 3,
      State: 'cancelled',
      StartTime: '2031-03-06T10:00:00Z',
      UpdatedAt: '2031-03-06T11:15:00.000Z',
    });
    expect(barOf(layoutTimeline([finite], NOW_MS), 'finite').end).toEqual({ kind: 'unknown' });
  });

  it.each([
    ['scheduled', true],
    ['cancelling', true],
    ['retiring', true],
    ['cancelled', false],
    ['retired', false],
    ['replaced', false],
    ['missing', false],
  ] as const)('shows a %s group as active: %s (gone groups are hidden unless asked for)', (state, active) => {
    const geometry = layoutTimeline([sampleLedgerRecord({ ProgramId: 'group', State: state })], NOW_MS);
    expect(barOf(geometry, 'group').active).toBe(active);
  });

  it('gives one row per studio, by CasterId, else by DomainName', () => {
    const records = [
      sampleLedgerRecord({ CasterId: 'studio-b' }),
      sampleLedgerRecord({ CasterId: 'studio-a' }),
      sampleLedgerRecord({ CasterId: 'studio-b' }),
      sampleLedgerRecord({ CasterId: undefined, DomainName: 'live.example.com' }),
    ];
    const geometry = layoutTimeline(records, NOW_MS);
    expect(geometry.rows.map((row) => [row.studio, row.bars.length])).toEqual([
      ['live.example.com', 1],
      ['studio-a', 1],
      ['studio-b', 2],
    ]);
  });

  it('stacks overlapping groups in separate lanes and reuses a lane once its group has ended', () => {
    const records = [
      sampleLedgerRecord({ ProgramId: 'loop', Slot: 'background', StartTime: '2031-03-06T08:00:00Z', RepeatNum: -1 }),
      sampleLedgerRecord({ ProgramId: 'a', Slot: 'main', StartTime: '2031-03-06T09:00:00Z' }),
      sampleLedgerRecord({ ProgramId: 'b', Slot: 'main', StartTime: '2031-03-06T10:00:00Z', RepeatNum: 1 }),
    ];
    const geometry = layoutTimeline(records, NOW_MS);
    expect([barOf(geometry, 'loop').lane, barOf(geometry, 'a').lane, barOf(geometry, 'b').lane]).toEqual([0, 1, 1]);
    expect(geometry.rows[0]?.lanes).toBe(2);
  });

  it('gives hidden (cancelled, retired) groups no lane of their own while they are hidden', () => {
    const records = [
      sampleLedgerRecord({
        ProgramId: 'gone',
        StartTime: '2031-03-06T08:00:00Z',
        RepeatNum: -1,
        State: 'cancelled',
        UpdatedAt: '2031-03-06T10:00:00.000Z',
      }),
      sampleLedgerRecord({ ProgramId: 'live', StartTime: '2031-03-06T09:00:00Z', RepeatNum: -1 }),
    ];
    const geometry = layoutTimeline(records, NOW_MS);
    expect(barOf(geometry, 'live')).toMatchObject({ lane: 1, activeLane: 0 });
    expect(geometry.rows[0]).toMatchObject({ lanes: 2, activeLanes: 1 });
  });

  it('lists a record with an unreadable StartTime as not drawn instead of placing it anywhere', () => {
    const geometry = layoutTimeline([sampleLedgerRecord({ ProgramId: 'bad', StartTime: '2031-03-06 19:00' })], NOW_MS);
    expect(geometry.rows).toEqual([]);
    expect(geometry.undrawn).toEqual([{ programId: 'bad', reason: 'StartTime is not a UTC time (yyyy-MM-ddTHH:mm:ssZ)' }]);
  });

  it('opens on the day around now when something plays then, else on the next group to start', () => {
    const today = layoutTimeline([sampleLedgerRecord({ StartTime: '2031-03-06T13:00:00Z', RepeatNum: 0 })], NOW_MS);
    expect(today.windowStartMs).toBeLessThanOrEqual(NOW_MS);
    expect(today.windowEndMs).toBeGreaterThan(Date.parse('2031-03-06T13:00:00Z'));
    const later = layoutTimeline([sampleLedgerRecord({ StartTime: '2031-06-01T19:00:00Z' })], NOW_MS);
    expect(later.windowStartMs).toBeLessThan(Date.parse('2031-06-01T19:00:00Z'));
    expect(later.windowEndMs).toBeGreaterThan(Date.parse('2031-06-01T19:00:00Z'));
    expect(later.windowEndMs - later.windowStartMs).toBe(24 * 3_600_000);
  });
});

describe('timeline geometry of overlapping slots', () => {
  it('marks both groups when a group of another slot of the same studio airs during a window', () => {
    // Prepare: a loop in slot "main" from 11:00, and a finite group in slot "extra" at 14:00, while the loop plays.
    const loop = sampleLedgerRecord({ ProgramId: 'main-loop', Slot: 'main', StartTime: '2031-03-06T11:00:00Z', RepeatNum: -1 });
    const extra = sampleLedgerRecord({ ProgramId: 'extra', Slot: 'extra', StartTime: '2031-03-06T14:00:00Z', RepeatNum: 1 });
    // Act
    const geometry = layoutTimeline([loop, extra], NOW_MS);
    // Assess
    expect(barOf(geometry, 'main-loop').overlaps).toEqual(['extra']);
    expect(barOf(geometry, 'extra').overlaps).toEqual(['main-loop']);
  });

  it('marks no overlap between groups of one slot, of different studios, or of windows that only touch', () => {
    // Prepare: slot "main" runs a, b, c one after another; slot "other" runs "touching" until 09:00, when "a"
    // starts, then "after" (end unknown: only its start instant counts), while "a" plays; another studio plays too.
    const a = sampleLedgerRecord({ ProgramId: 'a', Slot: 'main', StartTime: '2031-03-06T09:00:00Z', RepeatNum: -1 });
    const b = sampleLedgerRecord({ ProgramId: 'b', Slot: 'main', StartTime: '2031-03-06T10:00:00Z', RepeatNum: -1 });
    const c = sampleLedgerRecord({ ProgramId: 'c', Slot: 'main', StartTime: '2031-03-06T11:00:00Z', RepeatNum: 0 });
    const touching = sampleLedgerRecord({ ProgramId: 'touching', Slot: 'other', StartTime: '2031-03-06T08:00:00Z', RepeatNum: -1 });
    const after = sampleLedgerRecord({ ProgramId: 'after', Slot: 'other', StartTime: '2031-03-06T09:00:00Z', RepeatNum: 0 });
    const elsewhere = sampleLedgerRecord({
      ProgramId: 'elsewhere',
      CasterId: 'LIVEPRODUCER_POST-cn-other0002',
      Slot: 'main-2',
      StartTime: '2031-03-06T09:30:00Z',
      RepeatNum: -1,
    });
    // Act
    const geometry = layoutTimeline([a, b, c, touching, after, elsewhere], NOW_MS);
    // Assess
    expect(barOf(geometry, 'touching').overlaps).toEqual([]);
    expect(barOf(geometry, 'b').overlaps).toEqual([]);
    expect(barOf(geometry, 'c').overlaps).toEqual([]);
    expect(barOf(geometry, 'elsewhere').overlaps).toEqual([]);
    expect(barOf(geometry, 'a').overlaps).toEqual(['after']);
  });

  it('counts a finite group of unknown end only at its start: two such groups of different slots at different times do not overlap', () => {
    const first = sampleLedgerRecord({ ProgramId: 'first', Slot: 'one', StartTime: '2031-03-06T09:00:00Z', RepeatNum: 3 });
    const second = sampleLedgerRecord({ ProgramId: 'second', Slot: 'two', StartTime: '2031-03-06T09:00:01Z', RepeatNum: 3 });
    const same = sampleLedgerRecord({ ProgramId: 'same', Slot: 'three', StartTime: '2031-03-06T09:00:00Z', RepeatNum: 0 });
    const geometry = layoutTimeline([first, second, same], NOW_MS);
    expect(barOf(geometry, 'second').overlaps).toEqual([]);
    expect(barOf(geometry, 'first').overlaps).toEqual(['same']);
  });

  it('marks no overlap with a group that is gone (cancelled, retired, replaced)', () => {
    const loop = sampleLedgerRecord({ ProgramId: 'loop', Slot: 'main', StartTime: '2031-03-06T08:00:00Z', RepeatNum: -1 });
    const gone = ['cancelled', 'retired', 'replaced'].map((state, index) =>
      sampleLedgerRecord({
        ProgramId: `gone-${index}`,
        Slot: `extra-${index}`,
        StartTime: '2031-03-06T09:00:00Z',
        RepeatNum: -1,
        State: state as 'cancelled' | 'retired' | 'replaced',
      }),
    );
    const geometry = layoutTimeline([loop, ...gone], NOW_MS);
    expect(geometry.rows.flatMap((row) => row.bars).flatMap((bar) => bar.overlaps)).toEqual([]);
  });
});

describe('timeline geometry on damaged and unfinished records', () => {
  it.each([
    [{ RepeatNum: 1.5 }, 'RepeatNum is not an integer from -1 up'],
    [{ RepeatNum: -2 }, 'RepeatNum is not an integer from -1 up'],
    [{ State: 'superseded' }, 'State is not one of intent, failed, scheduled, cancelling, retiring, cancelled, retired, replaced, missing'],
    [{ Items: 'Episode 1' }, 'Items is not a list'],
    [{ ProgramId: '' }, 'ProgramId is missing'],
    [{ CasterId: undefined, DomainName: undefined }, 'neither CasterId nor DomainName names the studio'],
  ])('lists a record with %j as not drawn, naming the field', (damage, reason) => {
    const record = { ...sampleLedgerRecord({ ProgramId: 'damaged' }), ...damage } as unknown as Parameters<
      typeof layoutTimeline
    >[0][number];
    const geometry = layoutTimeline([record], NOW_MS);
    expect(geometry.rows).toEqual([]);
    expect(geometry.undrawn).toEqual([{ programId: String(record.ProgramId), reason }]);
  });

  it('lists an intent (no answer yet, no ProgramId) by its ClientToken and a failed group with the API’s code, instead of drawing them', () => {
    const intent = sampleLedgerRecord({ ProgramId: undefined, ClientToken: 'cc1-pending', State: 'intent', Version: 1 });
    const failed = sampleLedgerRecord({
      ProgramId: undefined,
      ClientToken: 'cc1-refused',
      State: 'failed',
      Failure: { Code: 'InvalidParameter.StartTime', Message: 'in the past', Attempts: 1 },
    });
    const geometry = layoutTimeline([intent, failed], NOW_MS);
    expect(geometry.rows).toEqual([]);
    expect(geometry.undrawn).toEqual([
      { programId: 'cc1-pending', reason: 'its AddCasterEpisodeGroup has not been answered yet (gc or the next tick finishes it)' },
      { programId: 'cc1-refused', reason: 'the API refused it: InvalidParameter.StartTime' },
    ]);
  });
});
