import type { LedgerRecord } from '../../shared/src/ledger/ledger-record';
import { AT_STUDIO_STATES, airWindows, LEDGER_STATES, studioKeyOf, studioOverlaps } from '../../shared/src/schedule/lifecycle';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** How much of the default window lies before its anchor (now, or the first upcoming group). */
const LEAD_MS = 3 * HOUR_MS;
/** The default window: one day, enough to read a day's programme without the bars turning into slivers. */
export const DEFAULT_WINDOW_MS = DAY_MS;

/**
 * How a bar ends. The API exposes no durations, so only two ends are ever known: a successor's start and a
 * deletion time; everything else is open (a loop) or unknown (a finite group nothing replaced).
 */
export type BarEnd =
  /** It ends where the next group of its slot starts (the timeline rule). */
  | { readonly kind: 'replaced'; readonly endMs: number; readonly byProgramId: string }
  /** Cancelled or retired: deleted at `endMs` (UpdatedAt), so it cannot have played past it. */
  | { readonly kind: 'deleted'; readonly endMs: number }
  /** RepeatNum -1 and nothing replaced it: it loops until someone does. */
  | { readonly kind: 'open' }
  /** A finite group with no known end: it plays its items RepeatNum+1 times, for however long they last. */
  | { readonly kind: 'unknown' };

/** One episode group placed on the timeline. */
export interface TimelineBar {
  readonly record: LedgerRecord;
  readonly startMs: number;
  readonly end: BarEnd;
  /** False for groups that are gone (cancelled, retired, replaced, missing), which are hidden unless asked for. */
  readonly active: boolean;
  /** ProgramIds of groups of other slots of the studio that air at the same time. */
  readonly overlaps: readonly string[];
  /** Lane inside the studio's row when every group is shown. */
  readonly lane: number;
  /** Lane when only active groups are shown; undefined for an inactive group. */
  readonly activeLane: number | undefined;
}

/** One studio: its groups in start order, stacked in lanes so overlapping groups never cover each other. */
export interface TimelineRow {
  /** CasterId, else DomainName. */
  readonly studio: string;
  readonly bars: readonly TimelineBar[];
  readonly lanes: number;
  readonly activeLanes: number;
}

/** A record that cannot be placed, with the reason. */
export interface UndrawnRecord {
  readonly programId: string;
  readonly reason: string;
}

/** Everything the page draws, in absolute UTC milliseconds; pixels are the page's business. */
export interface TimelineGeometry {
  readonly rows: readonly TimelineRow[];
  readonly undrawn: readonly UndrawnRecord[];
  readonly nowMs: number;
  readonly windowStartMs: number;
  readonly windowEndMs: number;
}

const UTC_SECOND = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

/** How many times a group plays: RepeatNum N plays N+1 times; -1 loops (undefined). */
export function playCount(repeatNum: number): number | undefined {
  return repeatNum < 0 ? undefined : repeatNum + 1;
}

/** The label a bar carries for how it repeats: a loop mark, or how many times it plays. */
export function repeatLabel(repeatNum: number): string {
  const plays = playCount(repeatNum);
  if (plays === undefined) return '↻ loops';
  return plays === 1 ? 'plays once' : `plays ${plays}×`;
}

/** The short mark a bar starts with: a loop mark, or how many times it plays (`3×`). */
export function repeatMark(repeatNum: number): string {
  const plays = playCount(repeatNum);
  return plays === undefined ? '↻' : `${plays}×`;
}

/** Places ledger records on a timeline: one row per studio, each group a bar from its StartTime. */
export function layoutTimeline(records: readonly LedgerRecord[], nowMs: number): TimelineGeometry {
  const undrawn: UndrawnRecord[] = [];
  const drawable: { record: LedgerRecord; startMs: number }[] = [];
  for (const record of records) {
    const startMs = typeof record.StartTime === 'string' && UTC_SECOND.test(record.StartTime) ? Date.parse(record.StartTime) : Number.NaN;
    const problem = Number.isNaN(startMs) ? 'StartTime is not a UTC time (yyyy-MM-ddTHH:mm:ssZ)' : recordProblem(record);
    if (problem !== undefined) {
      undrawn.push({ programId: String(record.ProgramId ?? record.ClientToken), reason: problem });
      continue;
    }
    drawable.push({ record, startMs });
  }

  const byStudio = new Map<string, { record: LedgerRecord; startMs: number }[]>();
  for (const entry of drawable) {
    const studio = studioKeyOf(entry.record);
    const list = byStudio.get(studio);
    if (list) list.push(entry);
    else byStudio.set(studio, [entry]);
  }

  // Grouped by the studio key the schedule's rules use; labelled, and ordered, by what a person knows the studio by.
  const rows: TimelineRow[] = [...byStudio.values()]
    .map((entries) => layoutRow(studioLabel(entries[0]?.record), entries))
    .sort((a, b) => a.studio.localeCompare(b.studio));
  const window = defaultWindow(rows, nowMs);
  return { rows, undrawn, nowMs, windowStartMs: window.startMs, windowEndMs: window.endMs };
}

const STATES = LEDGER_STATES;

// Records come from a store on disk or in Redis: one that does not have the shape the page relies on is listed,
// not drawn, so a damaged record can neither break the page nor be shown as something it is not.
function recordProblem(record: LedgerRecord): string | undefined {
  if (!Number.isInteger(record.RepeatNum) || record.RepeatNum < -1) return 'RepeatNum is not an integer from -1 up';
  if (!STATES.includes(record.State)) return `State is not one of ${STATES.join(', ')}`;
  if (!Array.isArray(record.Items)) return 'Items is not a list';
  if (record.State === 'intent') return 'its AddCasterEpisodeGroup has not been answered yet (gc or the next tick finishes it)';
  if (record.State === 'failed') return `the API refused it: ${record.Failure?.Code ?? 'unknown'}`;
  if (typeof record.ProgramId !== 'string' || record.ProgramId === '') return 'ProgramId is missing';
  if (typeof (record.CasterId || record.DomainName) !== 'string') return 'neither CasterId nor DomainName names the studio';
  return undefined;
}

function studioLabel(record: LedgerRecord | undefined): string {
  return record ? record.CasterId || record.DomainName : '';
}

function layoutRow(studio: string, entries: { record: LedgerRecord; startMs: number }[]): TimelineRow {
  const sorted = [...entries].sort((a, b) => a.startMs - b.startMs || compare(a.record.ProgramId ?? '', b.record.ProgramId ?? ''));
  const records = sorted.map(({ record }) => record);
  const windowEnds = new Map(airWindows(records).map((window) => [window.record.ClientToken, window]));
  const overlaps = new Map<string, string[]>();
  for (const { record, other } of studioOverlaps(records)) {
    overlaps.set(record.ClientToken, [...(overlaps.get(record.ClientToken) ?? []), other.ProgramId as string]);
    overlaps.set(other.ClientToken, [...(overlaps.get(other.ClientToken) ?? []), record.ProgramId as string]);
  }
  const allLanes = new LaneAllocator();
  const activeLanes = new LaneAllocator();
  const bars = sorted.map(({ record, startMs }): TimelineBar => {
    const successor = windowEnds.get(record.ClientToken)?.endedBy;
    const end = barEnd(record, startMs, successor);
    const active = AT_STUDIO_STATES.has(record.State);
    const occupiedUntilMs = occupancyEnd(startMs, end);
    return {
      record,
      startMs,
      end,
      active,
      overlaps: overlaps.get(record.ClientToken) ?? [],
      lane: allLanes.place(startMs, occupiedUntilMs),
      activeLane: active ? activeLanes.place(startMs, occupiedUntilMs) : undefined,
    };
  });
  return { studio, bars, lanes: allLanes.count, activeLanes: activeLanes.count };
}

/** The end rules: the next group of its slot, deletion time, open loop, or unknown. Never an invented end time. */
export function barEnd(record: LedgerRecord, startMs: number, successor: LedgerRecord | undefined): BarEnd {
  if (record.State === 'scheduled' && successor?.ProgramId !== undefined) {
    return { kind: 'replaced', endMs: Math.max(startMs, Date.parse(successor.StartTime)), byProgramId: successor.ProgramId };
  }
  if (!AT_STUDIO_STATES.has(record.State) || record.State === 'cancelling' || record.State === 'retiring') {
    const deletedMs = Date.parse(record.UpdatedAt);
    // A finite group may have finished before it was deleted; only a loop, or a group deleted before it began, is
    // known to end at the deletion.
    if (!Number.isNaN(deletedMs) && (record.RepeatNum < 0 || deletedMs <= startMs))
      return { kind: 'deleted', endMs: Math.max(startMs, deletedMs) };
  }
  return record.RepeatNum < 0 && AT_STUDIO_STATES.has(record.State) ? { kind: 'open' } : { kind: 'unknown' };
}

// A finite group with an unknown end occupies only its start instant: the page fades it out before the next
// group in its lane, so the lanes stay few and nothing claims time the group may not take.
function occupancyEnd(startMs: number, end: BarEnd): number {
  if (end.kind === 'open') return Number.POSITIVE_INFINITY;
  if (end.kind === 'unknown') return startMs + 1;
  return Math.max(end.endMs, startMs + 1);
}

/** First-fit interval placement: a bar goes in the lowest lane whose last bar has ended. */
class LaneAllocator {
  private readonly laneEndsMs: number[] = [];
  get count(): number {
    return this.laneEndsMs.length;
  }
  place(startMs: number, endMs: number): number {
    let lane = this.laneEndsMs.findIndex((laneEndMs) => laneEndMs <= startMs);
    if (lane === -1) lane = this.laneEndsMs.push(endMs) - 1;
    else this.laneEndsMs[lane] = endMs;
    return lane;
  }
}

/**
 * The window the page opens on: a day from shortly before now when something runs or starts within that day;
 * else a day around the next group to start; else around the last one; else around now.
 */
export function defaultWindow(rows: readonly TimelineRow[], nowMs: number): { startMs: number; endMs: number } {
  const active = rows.flatMap((row) => row.bars.filter((bar) => bar.active));
  const around = (anchorMs: number) => ({ startMs: anchorMs - LEAD_MS, endMs: anchorMs - LEAD_MS + DEFAULT_WINDOW_MS });
  const nowWindow = around(nowMs);
  const showsSomething = active.some((bar) => bar.startMs < nowWindow.endMs && visibleUntilMs(bar) >= nowWindow.startMs);
  if (showsSomething || active.length === 0) return nowWindow;
  const upcomingStartsMs = active.filter((bar) => bar.startMs > nowMs).map((bar) => bar.startMs);
  if (upcomingStartsMs.length > 0) return around(Math.min(...upcomingStartsMs));
  const lastStartMs = Math.max(...active.map((bar) => bar.startMs));
  return { startMs: lastStartMs + LEAD_MS - DEFAULT_WINDOW_MS, endMs: lastStartMs + LEAD_MS };
}

// The last instant a bar is drawn at: a finite group with no known end is only a marker at its start.
function visibleUntilMs(bar: TimelineBar): number {
  if (bar.end.kind === 'open') return Number.POSITIVE_INFINITY;
  if (bar.end.kind === 'unknown') return bar.startMs;
  return bar.end.endMs;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
