// A ledger's history as `caster-carousel ledger export` writes it: what a daily timer in many studios leaves behind.
import type { LedgerRecord } from '../../shared/src/ledger/ledger-record';
import { recordLine } from '../../shared/src/ledger/record-line';

const DAY_MS = 86_400_000;

export interface HistoryOptions {
  /** How many records. */
  readonly count: number;
  /** How many studios share them (one group per studio per day). */
  readonly studios?: number;
  /** The day the newest ended (epoch ms); the rest go back a day at a time. */
  readonly endedBeforeMs?: number;
  /** Prefix of every token and ProgramId, so two histories never share one. */
  readonly tag?: string;
}

/**
 * Finished groups of a daily timer: studio by studio, one per day, each retired the next day when its successor
 * started (every 10th replaced, every 25th cancelled), going back from `endedBeforeMs`.
 */
export function historyRecords(options: HistoryOptions): LedgerRecord[] {
  const studios = options.studios ?? 40;
  const tag = options.tag ?? 'history';
  const newest = options.endedBeforeMs ?? Date.now() - DAY_MS;
  const records: LedgerRecord[] = [];
  for (let n = 0; n < options.count; n += 1) {
    const studio = n % studios;
    const day = Math.floor(n / studios);
    const startMs = newest - (day + 1) * DAY_MS;
    const start = new Date(startMs).toISOString();
    const ended = new Date(startMs + DAY_MS).toISOString();
    const token = `cc1-${tag}-${n}`;
    records.push({
      ClientToken: token,
      BaseToken: token,
      Generation: 1,
      ProgramId: `${tag}-program-${n}`,
      ItemIds: [`${tag}-item-${n}`],
      Slot: 'daily',
      CasterId: `LIVEPRODUCER_POST-cn-h${String(studio).padStart(6, '0')}`,
      DomainName: 'history.example.com',
      StartTime: `${start.slice(0, 19)}Z`,
      RepeatNum: -1,
      Items: [{ ItemName: `Day ${day}`, VodUrl: `https://cdn.example.com/${tag}/${n}.mp4` }],
      Trigger: { kind: 'timer', triggerName: 'daily', triggerTime: start },
      CreatedAt: start,
      UpdatedAt: ended,
      State: n % 25 === 7 ? 'cancelled' : n % 10 === 3 ? 'replaced' : 'retired',
      Version: 4,
      Resolved: { CallbackUrl: 'https://callback.example.com/history', DomainName: 'history.example.com' },
    });
  }
  return records;
}

/** Records as the lines of an export of `scope`. */
export function exportLines(scope: string, records: readonly LedgerRecord[]): string {
  return records.map((record) => `${recordLine(scope, record)}\n`).join('');
}
