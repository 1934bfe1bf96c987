import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LedgerRecord, LedgerState } from '../../shared/src/ledger/ledger-record';
import { type AirWindow, airWindows, byAirOrder, dueDeletions, slotKeyOf, studioOverlaps } from '../../shared/src/schedule/lifecycle';

const T0_MS = Date.parse('2031-03-06T12:00:00Z');
const STATES: readonly LedgerState[] = [
  'scheduled',
  'scheduled',
  'scheduled',
  'scheduled',
  'intent',
  'failed',
  'cancelling',
  'cancelled',
  'retiring',
  'retired',
  'replaced',
  'missing',
];

/**
 * Records of one studio: up to 14 groups in three named slots (or none), StartTimes within 100 s and submissions
 * within 5 s of each other, so ties of StartTime and of CreatedAt are common; any state, finite or looping.
 */
const studioRecords = fc
  .array(
    fc.record({
      slot: fc.constantFrom('a', 'b', 'c', undefined),
      startS: fc.integer({ min: 0, max: 100 }),
      createdS: fc.integer({ min: 0, max: 5 }),
      state: fc.constantFrom(...STATES),
      repeatNum: fc.integer({ min: -1, max: 3 }),
    }),
    { maxLength: 14 },
  )
  .map((entries) =>
    entries.map((entry, index): LedgerRecord => {
      const createdAt = new Date(T0_MS - 86_400_000 + entry.createdS * 1000).toISOString();
      return {
        ClientToken: `tok-${index}`,
        BaseToken: `tok-${index}`,
        Generation: 1,
        ...(entry.state === 'intent' || entry.state === 'failed' ? {} : { ProgramId: `P${index}` }),
        ItemIds: [],
        Slot: entry.slot,
        CasterId: 'studio-1',
        DomainName: 'studio-1.example.com',
        StartTime: `${new Date(T0_MS + entry.startS * 1000).toISOString().slice(0, 19)}Z`,
        RepeatNum: entry.repeatNum,
        Items: [{ ItemName: 'x', VodUrl: 'https://cdn.example.com/x.mp4' }],
        Trigger: { kind: 'cli' },
        CreatedAt: createdAt,
        UpdatedAt: createdAt,
        State: entry.state,
        Version: 2,
        Resolved: { CallbackUrl: 'https://studio-1.example.com/cb', DomainName: 'studio-1.example.com' },
      };
    }),
  );

/** A moment from before the first start to after the last. */
const nows = fc.integer({ min: -10, max: 110 }).map((seconds) => T0_MS + seconds * 1000);

/** The records, and the same records in another order. */
const shuffledStudios = studioRecords.chain((records) =>
  fc.tuple(fc.constant(records), fc.shuffledSubarray(records, { minLength: records.length, maxLength: records.length })),
);

const startMsOf = (record: LedgerRecord): number => Date.parse(record.StartTime);
const slotOf = (record: LedgerRecord): string => slotKeyOf(record) ?? `(no slot)/${record.ClientToken}`;

/** The scheduled groups of each slot, in air order: an independent statement of the timeline's order. */
function slotsInAirOrder(records: readonly LedgerRecord[]): LedgerRecord[][] {
  const slots = new Map<string, LedgerRecord[]>();
  for (const record of records.filter((candidate) => candidate.State === 'scheduled')) {
    slots.set(slotOf(record), [...(slots.get(slotOf(record)) ?? []), record]);
  }
  return [...slots.values()].map((slot) => [...slot].sort(byAirOrder));
}

/** What is left scheduled once every due deletion is applied (each due group leaves the timeline). */
function afterDeletions(records: readonly LedgerRecord[], nowMs: number): LedgerRecord[] {
  const due = new Set(dueDeletions(records, nowMs).map(({ record }) => record.ClientToken));
  return records.filter((record) => record.State === 'scheduled' && !due.has(record.ClientToken));
}

const windowKey = (window: AirWindow): string =>
  `${window.record.ClientToken} ${window.startMs} ${window.endMs} ${window.endedBy?.ClientToken ?? '-'}`;

describe('dueDeletions over any studio', () => {
  it('never names a group whose successor has not started, unless the successor takes the same StartTime', () => {
    fc.assert(
      fc.property(studioRecords, nows, (records, nowMs) => {
        // Act
        const due = dueDeletions(records, nowMs);
        // Assess
        for (const { record, event, successor } of due) {
          expect(record.State).toBe('scheduled');
          expect(successor.State).toBe('scheduled');
          expect(slotOf(successor)).toBe(slotOf(record));
          if (successor.StartTime === record.StartTime) expect(event).toBe('replacedBeforeAir');
          else {
            expect(event).toBe('windowEnded');
            expect(startMsOf(successor)).toBeLessThanOrEqual(nowMs);
          }
        }
      }),
      { numRuns: 500 },
    );
  });

  it('names each group with the group right after it in its slot’s air order as its successor', () => {
    fc.assert(
      fc.property(studioRecords, nows, (records, nowMs) => {
        const nextOf = new Map<string, LedgerRecord>();
        for (const slot of slotsInAirOrder(records)) {
          slot.forEach((record, index) => {
            const next = slot[index + 1];
            if (next) nextOf.set(record.ClientToken, next);
          });
        }
        for (const { record, successor } of dueDeletions(records, nowMs)) expect(successor).toBe(nextOf.get(record.ClientToken));
      }),
      { numRuns: 300 },
    );
  });

  it('leaves at most one group on air per slot once every due deletion is applied, and never empties a slot', () => {
    fc.assert(
      fc.property(studioRecords, nows, (records, nowMs) => {
        // Act
        const left = afterDeletions(records, nowMs);
        // Assess
        for (const slot of slotsInAirOrder(left)) {
          expect(slot.filter((record) => startMsOf(record) <= nowMs).length).toBeLessThanOrEqual(1);
          // Two groups with one StartTime never both stay: the older one goes before it airs.
          expect(new Set(slot.map((record) => record.StartTime)).size).toBe(slot.length);
        }
        const slotsBefore = new Set(slotsInAirOrder(records).map((slot) => slotOf(slot[0] as LedgerRecord)));
        const slotsAfter = new Set(slotsInAirOrder(left).map((slot) => slotOf(slot[0] as LedgerRecord)));
        expect(slotsAfter).toEqual(slotsBefore);
      }),
      { numRuns: 500 },
    );
  });

  it('has nothing more due once the due deletions are applied: one pass of reconciliation is enough', () => {
    fc.assert(
      fc.property(studioRecords, nows, (records, nowMs) => {
        expect(dueDeletions(afterDeletions(records, nowMs), nowMs)).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });
});

describe('airWindows over any studio', () => {
  it('never lets two windows of one slot overlap (a window of unknown end counted as lasting for ever)', () => {
    fc.assert(
      fc.property(studioRecords, (records) => {
        // Act
        const windows = airWindows(records);
        // Assess
        for (const [index, a] of windows.entries()) {
          for (const b of windows.slice(index + 1)) {
            if (slotOf(a.record) !== slotOf(b.record)) continue;
            const aEnd = a.endMs ?? Number.POSITIVE_INFINITY;
            const bEnd = b.endMs ?? Number.POSITIVE_INFINITY;
            expect(aEnd <= b.startMs || bEnd <= a.startMs, `${windowKey(a)} / ${windowKey(b)}`).toBe(true);
          }
        }
      }),
      { numRuns: 500 },
    );
  });

  it('gives every scheduled group exactly one window, starting at its StartTime and never ending before it', () => {
    fc.assert(
      fc.property(studioRecords, (records) => {
        const windows = airWindows(records);
        expect(windows.map((window) => window.record.ClientToken).sort()).toEqual(
          records
            .filter((record) => record.State === 'scheduled')
            .map((record) => record.ClientToken)
            .sort(),
        );
        for (const window of windows) {
          expect(window.startMs).toBe(startMsOf(window.record));
          if (window.endMs !== undefined) expect(window.endMs).toBeGreaterThanOrEqual(window.startMs);
          if (window.endedBy === undefined)
            expect(window.endMs).toBe(window.record.RepeatNum === -1 ? Number.POSITIVE_INFINITY : undefined);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('the timeline does not depend on the order records are read in', () => {
  it('decides the same windows, due deletions and overlaps for the records in any order', () => {
    fc.assert(
      fc.property(shuffledStudios, nows, ([records, shuffled], nowMs) => {
        // Act
        const [windows, shuffledWindows] = [records, shuffled].map((list) => airWindows(list).map(windowKey).sort());
        const [due, shuffledDue] = [records, shuffled].map((list) =>
          dueDeletions(list, nowMs)
            .map(({ record, event, successor }) => `${record.ClientToken} ${event} ${successor.ClientToken}`)
            .sort(),
        );
        const [overlaps, shuffledOverlaps] = [records, shuffled].map((list) =>
          studioOverlaps(list)
            .map(({ record, other }) => [record.ClientToken, other.ClientToken].sort().join('+'))
            .sort(),
        );
        // Assess
        expect(shuffledWindows).toEqual(windows);
        expect(shuffledDue).toEqual(due);
        expect(shuffledOverlaps).toEqual(overlaps);
      }),
      { numRuns: 500 },
    );
  });
});
