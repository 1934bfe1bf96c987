// Ledger records for the timeline: built from samplePlan, so every item carries the sample auth_key.
import type { LedgerRecord, LedgerState } from '../../shared/src/ledger/ledger-record';
import type { PlanItem } from '../../shared/src/plan/plan';
import { samplePlan } from './plan-fixtures';

let recordCounter = 0;

/**
 * A ledger record of a scheduled group in one studio, unique per call; override any field. Its BaseToken follows
 * its ClientToken (generation 1) and its UpdatedAt its CreatedAt unless given; Version 2 is an intent answered once.
 */
export function sampleLedgerRecord(overrides: Partial<LedgerRecord> = {}): LedgerRecord {
  recordCounter += 1;
  const plan = samplePlan();
  const serial = String(recordCounter).padStart(6, '0');
  const clientToken = overrides.ClientToken ?? `token-${serial}`;
  const createdAt = overrides.CreatedAt ?? '2031-03-01T08:00:00.000Z';
  return {
    ProgramId: `program-${serial}`,
    ItemIds: [`item-${serial}-a`, `item-${serial}-b`],
    ClientToken: clientToken,
    BaseToken: clientToken,
    Generation: 1,
    CasterId: 'LIVEPRODUCER_POST-cn-demo00001',
    DomainName: 'demo.example.com',
    StartTime: plan['StartTime'] as string,
    RepeatNum: plan['RepeatNum'] as number,
    Items: plan['Items'] as PlanItem[],
    Trigger: { kind: 'cli' },
    CreatedAt: createdAt,
    UpdatedAt: createdAt,
    State: 'scheduled',
    Version: 2,
    Resolved: { CallbackUrl: 'https://callback.example.com/live?auth_key=1893456000-0-0-callbacksecret', DomainName: 'demo.example.com' },
    ...overrides,
  };
}

const NAMED_STUDIOS = [
  'LIVEPRODUCER_POST-cn-news0001',
  'LIVEPRODUCER_POST-cn-sport002',
  'LIVEPRODUCER_POST-cn-kids0003',
  'LIVEPRODUCER_POST-cn-music04',
];
const SHOWS = ['Morning news', 'Match replay', 'Cartoon hour', 'Top 40', 'Documentary', 'Weather loop', 'Late film', 'Talk show'];

/**
 * A realistic schedule: per studio, three slots whose groups follow each other (each airs until the next group of
 * its slot starts, the last one open-ended or of unknown end), loops, finite groups, a cancelled and a retired one.
 * Deterministic for a given count and start.
 */
export function sampleSchedule(groupCount: number, firstStartMs: number, studioCount = NAMED_STUDIOS.length): LedgerRecord[] {
  const STUDIOS = Array.from(
    { length: studioCount },
    (_, index) => NAMED_STUDIOS[index] ?? `LIVEPRODUCER_POST-cn-st${String(index).padStart(5, '0')}`,
  );
  const records: LedgerRecord[] = [];
  for (let index = 0; index < groupCount; index += 1) {
    const studioIndex = index % STUDIOS.length;
    const position = Math.floor(index / STUDIOS.length);
    const slot = `slot-${position % 3}`;
    const startMs = firstStartMs + position * 50 * 60_000 + studioIndex * 7 * 60_000;
    const show = SHOWS[(index * 5 + studioIndex) % SHOWS.length] ?? 'Show';
    let state: LedgerState = 'scheduled';
    if (index % 97 === 13) state = 'cancelled';
    if (index % 89 === 21) state = 'retired';
    const serial = `${STUDIOS[studioIndex]?.slice(-6)}-${String(position).padStart(4, '0')}`;
    // Submitted a day before the first group, in start order, so the ledger's air order is its submission order.
    const createdAt = new Date(firstStartMs - 86_400_000 + index * 1000).toISOString();
    records.push(
      sampleLedgerRecord({
        ProgramId: `program-${serial}`,
        ClientToken: `token-${serial}`,
        CasterId: STUDIOS[studioIndex],
        Slot: slot,
        StartTime: `${new Date(startMs).toISOString().slice(0, 19)}Z`,
        RepeatNum: position % 4 === 0 ? -1 : position % 5,
        Items: [
          { ItemName: `${show} part 1`, VodUrl: `https://cdn.example.com/${index}/a.mp4?auth_key=1893456000-0-0-fixturesecret${index}` },
          { ItemName: `${show} part 2`, VodUrl: `https://cdn.example.com/${index}/b.mp4` },
        ],
        State: state,
        CreatedAt: createdAt,
        UpdatedAt: state === 'cancelled' || state === 'retired' ? new Date(startMs + 20 * 60_000).toISOString() : createdAt,
        Version: state === 'scheduled' ? 2 : 4,
      }),
    );
  }
  return records;
}
