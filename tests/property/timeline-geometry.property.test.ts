import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderTimeline } from '../../cli/timeline/render-timeline';
import { layoutTimeline, type TimelineBar } from '../../cli/timeline/timeline-geometry';
import type { LedgerRecord, LedgerState } from '../../shared/src/ledger/ledger-record';
import { slotKeyOf } from '../../shared/src/schedule/lifecycle';
import { sampleLedgerRecord } from '../support/ledger-record-fixtures';

const NOW_MS = Date.parse('2031-03-06T12:00:00Z');
const STATES: readonly LedgerState[] = [
  'scheduled',
  'scheduled',
  'scheduled',
  'cancelling',
  'cancelled',
  'retiring',
  'retired',
  'replaced',
  'missing',
  'intent',
  'failed',
];

/** Schedules of up to 40 groups in up to 4 studios and 3 slots: any start (some unreadable), any RepeatNum, any state. */
const schedules = fc
  .array(
    fc.record({
      studio: fc.integer({ min: 0, max: 3 }),
      slot: fc.constantFrom('a', 'b', 'c', undefined),
      startMinute: fc.integer({ min: -3000, max: 3000 }),
      unreadableStart: fc.integer({ min: 0, max: 9 }).map((roll) => roll === 0),
      repeatNum: fc.integer({ min: -1, max: 10000 }),
      state: fc.constantFrom(...STATES),
      createdMinute: fc.integer({ min: -6000, max: 0 }),
      deletedMinute: fc.option(fc.integer({ min: -3000, max: 3000 })),
    }),
    { maxLength: 40 },
  )
  .map((entries) =>
    entries.map((entry, index): LedgerRecord => {
      const createdAt = new Date(NOW_MS + entry.createdMinute * 60_000).toISOString();
      const answered = entry.state !== 'intent' && entry.state !== 'failed';
      return sampleLedgerRecord({
        ProgramId: answered ? `p${index}` : undefined,
        ClientToken: `t${index}`,
        CasterId: `studio-${entry.studio}`,
        Slot: entry.slot,
        StartTime: entry.unreadableStart
          ? '2031-02-30 25:00'
          : `${new Date(NOW_MS + entry.startMinute * 60_000).toISOString().slice(0, 19)}Z`,
        RepeatNum: entry.repeatNum,
        State: entry.state,
        CreatedAt: createdAt,
        UpdatedAt: entry.deletedMinute === null ? createdAt : new Date(NOW_MS + entry.deletedMinute * 60_000).toISOString(),
      });
    }),
  );

const barsOf = (records: readonly LedgerRecord[]): TimelineBar[] => layoutTimeline(records, NOW_MS).rows.flatMap((row) => row.bars);

describe('timeline geometry on any schedule', () => {
  it('places every record exactly once, as a bar or as not drawn, and every bar ends no earlier than it starts', () => {
    fc.assert(
      fc.property(schedules, (records) => {
        const geometry = layoutTimeline(records, NOW_MS);
        const bars = geometry.rows.flatMap((row) => row.bars);
        expect(bars.length + geometry.undrawn.length).toBe(records.length);
        for (const bar of bars) {
          if (bar.end.kind === 'replaced' || bar.end.kind === 'deleted') expect(bar.end.endMs).toBeGreaterThanOrEqual(bar.startMs);
          if (bar.end.kind === 'open') expect(bar.record.RepeatNum).toBe(-1);
          expect(['intent', 'failed']).not.toContain(bar.record.State);
        }
        expect(geometry.windowEndMs - geometry.windowStartMs).toBe(24 * 3_600_000);
      }),
      { numRuns: 300 },
    );
  });

  it('ends a scheduled group only where the next scheduled group of its own slot starts, so a slot’s bars never overlap', () => {
    fc.assert(
      fc.property(schedules, (records) => {
        const bars = barsOf(records);
        const byProgramId = new Map(bars.map((bar) => [bar.record.ProgramId, bar]));
        for (const bar of bars) {
          if (bar.end.kind !== 'replaced') continue;
          const successor = byProgramId.get(bar.end.byProgramId);
          expect(bar.record.State).toBe('scheduled');
          expect(successor?.record.State).toBe('scheduled');
          expect(slotKeyOf(successor?.record as LedgerRecord)).toBe(slotKeyOf(bar.record));
          expect(bar.end.endMs).toBe(successor?.startMs);
        }
        const scheduledBySlot = new Map<string, TimelineBar[]>();
        for (const bar of bars) {
          const slot = slotKeyOf(bar.record);
          if (bar.record.State !== 'scheduled' || slot === undefined) continue;
          scheduledBySlot.set(slot, [...(scheduledBySlot.get(slot) ?? []), bar]);
        }
        for (const slotBars of scheduledBySlot.values()) {
          // Every scheduled group of a slot but the last in air order ends where a later one starts; the windows
          // never share an instant, and the last one starts once every other has ended.
          const ended = slotBars.flatMap((bar) => (bar.end.kind === 'replaced' ? [[bar.startMs, bar.end.endMs] as const] : []));
          const last = slotBars.filter((bar) => bar.end.kind !== 'replaced');
          expect(last).toHaveLength(1);
          for (const [index, [start, end]] of ended.entries()) {
            for (const [otherStart, otherEnd] of ended.slice(index + 1)) expect(end <= otherStart || otherEnd <= start).toBe(true);
            expect(last[0]?.startMs).toBeGreaterThanOrEqual(end);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('names overlaps both ways, only between live groups of different slots of one studio', () => {
    fc.assert(
      fc.property(schedules, (records) => {
        const rows = layoutTimeline(records, NOW_MS).rows;
        for (const row of rows) {
          const byProgramId = new Map(row.bars.map((bar) => [bar.record.ProgramId, bar]));
          for (const bar of row.bars) {
            for (const otherId of bar.overlaps) {
              const other = byProgramId.get(otherId);
              expect(other, `${otherId} is drawn in the same studio's row`).toBeDefined();
              expect(other?.overlaps).toContain(bar.record.ProgramId);
              expect(bar.record.State).toBe('scheduled');
              expect(other?.record.State).toBe('scheduled');
              const slot = slotKeyOf(bar.record);
              if (slot !== undefined) expect(slotKeyOf(other?.record as LedgerRecord)).not.toBe(slot);
            }
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('never puts two groups that overlap in time in the same lane of a studio', () => {
    fc.assert(
      fc.property(schedules, (records) => {
        for (const row of layoutTimeline(records, NOW_MS).rows) {
          const occupied = (bar: (typeof row.bars)[number]): [number, number] => {
            if (bar.end.kind === 'open') return [bar.startMs, Number.POSITIVE_INFINITY];
            if (bar.end.kind === 'unknown') return [bar.startMs, bar.startMs + 1];
            return [bar.startMs, Math.max(bar.end.endMs, bar.startMs + 1)];
          };
          for (const [a, b] of row.bars.flatMap((first, index) => row.bars.slice(index + 1).map((second) => [first, second] as const))) {
            if (a.lane !== b.lane) continue;
            const [aStart, aEnd] = occupied(a);
            const [bStart, bEnd] = occupied(b);
            expect(aEnd <= bStart || bEnd <= aStart).toBe(true);
          }
          expect(Math.max(0, ...row.bars.map((bar) => bar.lane + 1))).toBe(row.lanes);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('renders any schedule as one page with one bar element per drawable record, and the overlap class on exactly the overlapping ones', () => {
    fc.assert(
      fc.property(schedules, (records) => {
        const html = renderTimeline(records, { now: new Date(NOW_MS) });
        const bars = barsOf(records);
        expect(html.match(/<div class="bar /g) ?? []).toHaveLength(bars.length);
        expect(html.match(/<div class="bar [^"]*\boverlap\b/g) ?? []).toHaveLength(bars.filter((bar) => bar.overlaps.length > 0).length);
      }),
      { numRuns: 100 },
    );
  });
});
