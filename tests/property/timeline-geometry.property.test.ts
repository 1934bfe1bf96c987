import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderTimeline } from '../../cli/timeline/render-timeline';
import { layoutTimeline } from '../../cli/timeline/timeline-geometry';
import type { LedgerRecord, LedgerState } from '../../shared/src/ledger/ledger-record';
import { sampleLedgerRecord } from '../support/ledger-record-fixtures';

const NOW_MS = Date.parse('2031-03-06T12:00:00Z');
const STATES: readonly LedgerState[] = ['scheduled', 'superseded', 'cancelled', 'retired'];

/** Schedules of up to 40 groups in up to 4 studios: any start (some unreadable), any RepeatNum, any state, successors by index. */
const schedules = fc
  .array(
    fc.record({
      studio: fc.integer({ min: 0, max: 3 }),
      startMinute: fc.integer({ min: -3000, max: 3000 }),
      unreadableStart: fc.integer({ min: 0, max: 9 }).map((roll) => roll === 0),
      repeatNum: fc.integer({ min: -1, max: 10000 }),
      state: fc.constantFrom(...STATES),
      successor: fc.option(fc.integer({ min: 0, max: 39 })),
      deletedMinute: fc.option(fc.integer({ min: -3000, max: 3000 })),
    }),
    { maxLength: 40 },
  )
  .map((entries) =>
    entries.map(
      (entry, index): LedgerRecord =>
        sampleLedgerRecord({
          ProgramId: `p${index}`,
          CasterId: `studio-${entry.studio}`,
          StartTime: entry.unreadableStart
            ? '2031-02-30 25:00'
            : `${new Date(NOW_MS + entry.startMinute * 60_000).toISOString().slice(0, 19)}Z`,
          RepeatNum: entry.repeatNum,
          State: entry.state,
          SupersededBy: entry.successor === null ? undefined : `p${entry.successor}`,
          UpdatedAt: entry.deletedMinute === null ? undefined : new Date(NOW_MS + entry.deletedMinute * 60_000).toISOString(),
        }),
    ),
  );

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
          if (bar.end.kind === 'replaced') expect(bar.record.State).toBe('superseded');
        }
        expect(geometry.windowEndMs - geometry.windowStartMs).toBe(24 * 3_600_000);
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

  it('renders any schedule as one page with one bar element per drawable record', () => {
    fc.assert(
      fc.property(schedules, (records) => {
        const html = renderTimeline(records, { now: new Date(NOW_MS) });
        const drawn = layoutTimeline(records, NOW_MS).rows.reduce((sum, row) => sum + row.bars.length, 0);
        expect(html.match(/<div class="bar /g) ?? []).toHaveLength(drawn);
      }),
      { numRuns: 100 },
    );
  });
});
