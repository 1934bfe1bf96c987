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
  it('ends a superseded group exactly where its successor starts', () => {
    // Prepare
    const successor = sampleLedgerRecord({ ProgramId: 'new', Slot: 'evening', StartTime: '2031-03-06T20:30:00Z' });
    const replaced = sampleLedgerRecord({
      ProgramId: 'old',
      Slot: 'evening',
      StartTime: '2031-03-06T19:00:00Z',
      RepeatNum: -1,
      State: 'superseded',
      SupersededBy: 'new',
    });
    // Act
    const geometry = layoutTimeline([replaced, successor], NOW_MS);
    // Assess
    expect(barOf(geometry, 'old').end).toEqual({ kind: 'replaced', endMs: Date.parse('2031-03-06T20:30:00Z'), byProgramId: 'new' });
  });

  it('draws a replaced group whose successor starts earlier as zero-length at its own start, never ending before it begins', () => {
    const successor = sampleLedgerRecord({ ProgramId: 'early', StartTime: '2031-03-06T18:00:00Z' });
    const replaced = sampleLedgerRecord({
      ProgramId: 'late',
      StartTime: '2031-03-06T19:00:00Z',
      State: 'superseded',
      SupersededBy: 'early',
    });
    const geometry = layoutTimeline([replaced, successor], NOW_MS);
    expect(barOf(geometry, 'late').end).toEqual({ kind: 'replaced', endMs: Date.parse('2031-03-06T19:00:00Z'), byProgramId: 'early' });
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

  it('keeps the end unknown when a superseded group names a successor the ledger does not hold', () => {
    const geometry = layoutTimeline([sampleLedgerRecord({ ProgramId: 'orphan', State: 'superseded', SupersededBy: 'gone' })], NOW_MS);
    expect(barOf(geometry, 'orphan').end).toEqual({ kind: 'unknown' });
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
      State: 'retired',
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
      sampleLedgerRecord({ ProgramId: 'loop', StartTime: '2031-03-06T08:00:00Z', RepeatNum: -1 }),
      sampleLedgerRecord({ ProgramId: 'a', StartTime: '2031-03-06T09:00:00Z', State: 'superseded', SupersededBy: 'b' }),
      sampleLedgerRecord({ ProgramId: 'b', StartTime: '2031-03-06T10:00:00Z', RepeatNum: 1 }),
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

describe('timeline geometry on damaged records', () => {
  it.each([
    [{ RepeatNum: 1.5 }, 'RepeatNum is not an integer from -1 up'],
    [{ RepeatNum: -2 }, 'RepeatNum is not an integer from -1 up'],
    [{ State: 'paused' }, 'State is not scheduled, superseded, cancelled or retired'],
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
});
