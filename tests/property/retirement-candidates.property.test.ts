import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LedgerRecord, LedgerState } from '../../shared/src/ledger/ledger-record';
import { retirementCandidates } from '../../shared/src/ledger/retire-superseded';

const STATES: readonly LedgerState[] = ['scheduled', 'superseded', 'cancelled', 'retired'];
const DAY_MS = 86_400_000;
const FIRST_START_MS = Date.parse('2031-01-01T00:00:00Z');

/** A ledger of n groups in a few slots, each possibly superseded by any other, with StartTimes over 20 days. */
const ledgers = fc
  .array(
    fc.record({
      state: fc.constantFrom(...STATES),
      slot: fc.constantFrom('a', 'b', undefined),
      startDay: fc.integer({ min: 0, max: 20 }),
      successor: fc.option(fc.nat({ max: 11 }), { nil: undefined }),
    }),
    { minLength: 1, maxLength: 12 },
  )
  .map((entries) =>
    entries.map(
      (entry, index): LedgerRecord => ({
        ProgramId: `P${index}`,
        ItemIds: [],
        ClientToken: `t${index}`,
        Generation: 1,
        Slot: entry.slot,
        CasterId: 'LIVEPRODUCER_POST-cn-demo00001',
        DomainName: 'demo.example.com',
        StartTime: new Date(FIRST_START_MS + entry.startDay * DAY_MS).toISOString().replace('.000Z', 'Z'),
        RepeatNum: -1,
        Items: [{ ItemName: 'x', VodUrl: 'https://cdn.example.com/x.mp4' }],
        Trigger: { kind: 'cli' },
        CreatedAt: '2026-12-01T00:00:00.000Z',
        State: entry.state,
        SupersededBy: entry.successor === undefined ? undefined : `P${entry.successor}`,
        Resolved: { CallbackUrl: 'http://demo.example.com/cb', DomainName: 'demo.example.com' },
      }),
    ),
  );

describe('which superseded groups may be deleted', () => {
  it('only superseded groups whose live successor has started: never one that would leave its slot without a carousel', () => {
    fc.assert(
      fc.property(ledgers, fc.integer({ min: -1, max: 22 }), (records, nowDay) => {
        // Prepare
        const nowMs = FIRST_START_MS + nowDay * DAY_MS;
        const byId = new Map(records.map((record) => [record.ProgramId, record]));

        // Act
        const candidates = retirementCandidates(records, nowMs);

        // Assess
        for (const { record, successor } of candidates) {
          expect(record.State).toBe('superseded');
          expect(byId.get(record.SupersededBy ?? '')).toBe(successor);
          expect(['scheduled', 'superseded']).toContain(successor.State);
          expect(Date.parse(successor.StartTime)).toBeLessThanOrEqual(nowMs);
        }
      }),
    );
  });

  it('every superseded group whose live successor has started is a candidate: none is left on air forever', () => {
    fc.assert(
      fc.property(ledgers, (records) => {
        // Prepare
        const longAfterMs = FIRST_START_MS + 100 * DAY_MS;
        const byId = new Map(records.map((record) => [record.ProgramId, record]));
        const expected = records.filter((record) => {
          const successor = byId.get(record.SupersededBy ?? '');
          return record.State === 'superseded' && successor !== undefined && ['scheduled', 'superseded'].includes(successor.State);
        });

        // Act
        const candidates = retirementCandidates(records, longAfterMs);

        // Assess
        expect(candidates.map(({ record }) => record.ProgramId)).toEqual(expected.map((record) => record.ProgramId));
      }),
    );
  });
});
