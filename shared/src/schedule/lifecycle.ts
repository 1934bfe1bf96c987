/**
 * Every rule of a studio's schedule, in one pure module: the states a group goes through, what moves it, and the
 * timeline a slot's groups make. Stores only apply what these functions decide; actors (schedule-plan.ts,
 * reconcile-schedule.ts, cancel-groups.ts) only read, call the API and write what is decided here.
 *
 * The timeline rule: a group airs from its StartTime until the StartTime of the next `scheduled` group of its
 * studio and slot, ordered by StartTime (then by CreatedAt, the newer winning a tie). Windows are derived from the
 * records each time; nothing stores a pointer to a successor. A finite group (RepeatNum >= 0) with no successor
 * has no known end: the API exposes no durations, so none is invented.
 */
import type { LedgerFailure, LedgerRecord, LedgerState } from '../ledger/ledger-record';

/** What can happen to a group. */
export type GroupEvent =
  /** AddCasterEpisodeGroup answered with the group. */
  | 'added'
  /** AddCasterEpisodeGroup refused it for good (its Code is kept). */
  | 'refused'
  /** The same trigger came again after a refusal: it is sent again, with the same token. */
  | 'retried'
  /** A person asked to delete it. */
  | 'cancelRequested'
  /** The next group of its slot has started: its window is over. */
  | 'windowEnded'
  /** A newer group of its slot takes the same StartTime: it never airs. */
  | 'replacedBeforeAir'
  /** DeleteCasterEpisodeGroup succeeded, or answered that the studio has no such group. */
  | 'deleted'
  /** As `deleted`, for a group that was replaced before it aired. */
  | 'deletedBeforeAir'
  /** ListPlaylist says the studio no longer has it. */
  | 'verifiedMissing';

/** The lifecycle: from each state, the events it accepts and the state each leads to. Anything else is refused. */
export const TRANSITIONS: { readonly [S in LedgerState]: Readonly<Partial<Record<GroupEvent, LedgerState>>> } = {
  intent: { added: 'scheduled', refused: 'failed' },
  failed: { retried: 'intent' },
  scheduled: { cancelRequested: 'cancelling', windowEnded: 'retiring', replacedBeforeAir: 'retiring', verifiedMissing: 'missing' },
  cancelling: { deleted: 'cancelled' },
  retiring: { deleted: 'retired', deletedBeforeAir: 'replaced' },
  cancelled: {},
  retired: {},
  replaced: {},
  missing: {},
};

/** Every state a record may be in, in the order of the table. */
export const LEDGER_STATES = Object.keys(TRANSITIONS) as readonly LedgerState[];

/** States a record never leaves. */
export const FINAL_STATES: ReadonlySet<LedgerState> = new Set(['cancelled', 'retired', 'replaced', 'missing']);
/** States written before a call whose answer decides the next state: the next actor in the same scope finishes them. */
export const PENDING_STATES: ReadonlySet<LedgerState> = new Set(['intent', 'cancelling', 'retiring']);
/**
 * How long a pending record belongs to the actor that wrote it (LEDGER_PENDING_GRACE_S). Past this, a reconciliation
 * in its scope takes it as left behind (an answer lost, a process gone) and finishes it. Before, finishing it would
 * only send a second copy of a call still in flight: harmless (same token, or a delete), but it spends the account's
 * 4/s on nothing. The same trigger's retry, or a person's cancel, finishes its own pending record at once.
 */
export const DEFAULT_PENDING_GRACE_MS = 30_000;

/** True for a pending record whose actor has had its time: the next reconciliation in its scope finishes it. */
export function isLeftBehind(record: LedgerRecord, nowMs: number, graceMs: number): boolean {
  return PENDING_STATES.has(record.State) && nowMs - Date.parse(record.UpdatedAt) >= graceMs;
}

/** States in which the studio holds (or may hold) the group. */
export const AT_STUDIO_STATES: ReadonlySet<LedgerState> = new Set(['intent', 'scheduled', 'cancelling', 'retiring']);

/** The record after `event`, or a LifecycleError when its state does not accept the event. */
export function applyEvent(record: LedgerRecord, event: GroupEvent, atIso: string, details: EventDetails = {}): LedgerRecord {
  const next = TRANSITIONS[record.State][event];
  if (next === undefined) throw new LifecycleError(record, event);
  const { Ending: _ending, Failure: previousFailure, ...rest } = record;
  return {
    ...rest,
    State: next,
    UpdatedAt: atIso,
    Version: record.Version + 1,
    ...(details.answer
      ? { ProgramId: details.answer.ProgramId, ItemIds: [...details.answer.ItemIds], RequestId: details.answer.RequestId }
      : {}),
    ...(event === 'windowEnded' ? { Ending: 'retired' as const } : {}),
    ...(event === 'replacedBeforeAir' ? { Ending: 'replaced' as const } : {}),
    // A refusal is kept through the retry, so the attempt count survives; success clears it.
    ...(event === 'refused' && details.refusal
      ? { Failure: { ...details.refusal, Attempts: (previousFailure?.Attempts ?? 0) + 1 } }
      : event === 'retried' && previousFailure
        ? { Failure: previousFailure }
        : {}),
  };
}

/** What an event carries: the API's answer to an add, or its refusal. */
export interface EventDetails {
  readonly answer?: { readonly ProgramId: string; readonly ItemIds: readonly string[]; readonly RequestId?: string | undefined };
  readonly refusal?: Omit<LedgerFailure, 'Attempts'>;
}

/** The event that ends a pending delete, by what the group was being deleted for. */
export function deletedEvent(record: LedgerRecord): GroupEvent {
  return record.State === 'retiring' && record.Ending === 'replaced' ? 'deletedBeforeAir' : 'deleted';
}

/** A record asked to take an event its state does not accept; a bug or a racing writer, never a user error. */
export class LifecycleError extends Error {
  override name = 'LifecycleError';
  readonly code = 'LifecycleViolation';
  constructor(record: LedgerRecord, event: GroupEvent) {
    super(`A ${record.State} group (${record.ProgramId ?? record.ClientToken}) cannot take the event ${event}`);
  }
}

/** The key that makes a studio: its CasterId, else the DomainName its groups go to. */
export function studioKeyOf(record: Pick<LedgerRecord, 'CasterId' | 'DomainName'>): string {
  return record.CasterId ?? `domain:${record.DomainName}`;
}

/** The key that makes a slot one per studio: the same slot name in two studios is two slots. */
export function slotKeyOf(record: Pick<LedgerRecord, 'CasterId' | 'DomainName' | 'Slot'>): string | undefined {
  return record.Slot === undefined ? undefined : `${studioKeyOf(record)}/${record.Slot}`;
}

/** How a store files a record: which indexes hold it. Derived, never decided by the store. */
export interface RecordIndex {
  /** Not final: kept in the studio's, the slot's and the scope's open indexes. */
  readonly open: boolean;
  /** Not pending: a gap (a lost write) recorded for its token is repaired by this write. */
  readonly settled: boolean;
  readonly studioKey: string;
  readonly slotKey?: string | undefined;
  readonly startMs: number;
}

/** The indexes a record belongs to. */
export function recordIndex(record: LedgerRecord): RecordIndex {
  return {
    open: !FINAL_STATES.has(record.State),
    settled: !PENDING_STATES.has(record.State),
    studioKey: studioKeyOf(record),
    slotKey: slotKeyOf(record),
    startMs: Date.parse(record.StartTime),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// The timeline

/** A group's window on air. `endMs` is undefined when the end is unknown (finite, nothing after it) and Infinity for a loop. */
export interface AirWindow {
  readonly record: LedgerRecord;
  readonly startMs: number;
  readonly endMs: number | undefined;
  /** The group whose start ends this one. */
  readonly endedBy?: LedgerRecord | undefined;
}

/** Air order inside a slot: by StartTime, then the older intent first, so the newer of a tie is the one that stays. */
export function byAirOrder(a: LedgerRecord, b: LedgerRecord): number {
  return compare(a.StartTime, b.StartTime) || compare(a.CreatedAt, b.CreatedAt) || compare(a.ClientToken, b.ClientToken);
}

/** The windows of one studio's groups, slot by slot; a group without a slot is a slot of its own. */
export function airWindows(records: readonly LedgerRecord[]): AirWindow[] {
  const bySlot = new Map<string, LedgerRecord[]>();
  for (const record of records) {
    if (record.State !== 'scheduled') continue;
    const key = slotKeyOf(record) ?? `(no slot)/${record.ClientToken}`;
    const slot = bySlot.get(key);
    if (slot) slot.push(record);
    else bySlot.set(key, [record]);
  }
  const windows: AirWindow[] = [];
  for (const slot of bySlot.values()) {
    slot.sort(byAirOrder);
    slot.forEach((record, index) => {
      const next = slot[index + 1];
      const startMs = Date.parse(record.StartTime);
      const endMs = next ? Date.parse(next.StartTime) : record.RepeatNum === -1 ? Number.POSITIVE_INFINITY : undefined;
      windows.push({ record, startMs, endMs, endedBy: next });
    });
  }
  return windows;
}

/** A change the reconciliation of a slot decides: a group whose window is over (or empty) is to be deleted. */
export interface DueDeletion {
  readonly record: LedgerRecord;
  readonly event: 'windowEnded' | 'replacedBeforeAir';
  readonly successor: LedgerRecord;
}

/**
 * The groups of a slot to delete now: each whose successor has started, and each that a newer group replaces at
 * the same StartTime (it never airs, so it goes at once). A group whose successor has not started stays on air.
 */
export function dueDeletions(slotRecords: readonly LedgerRecord[], nowMs: number): DueDeletion[] {
  const due: DueDeletion[] = [];
  for (const window of airWindows(slotRecords)) {
    const successor = window.endedBy;
    if (!successor) continue;
    if (successor.StartTime === window.record.StartTime) due.push({ record: window.record, event: 'replacedBeforeAir', successor });
    else if (window.endMs !== undefined && window.endMs <= nowMs) due.push({ record: window.record, event: 'windowEnded', successor });
  }
  return due;
}

/** When the next deletion of these records falls due (the earliest successor start still ahead), if any. */
export function nextSwitchOverMs(records: readonly LedgerRecord[], nowMs: number): number | undefined {
  let next: number | undefined;
  for (const window of airWindows(records)) {
    if (window.endedBy && window.endMs !== undefined && window.endMs > nowMs && (next === undefined || window.endMs < next))
      next = window.endMs;
  }
  return next;
}

/** Two groups of one studio, in different slots, whose windows share some time: the studio outputs one programme. */
export interface Overlap {
  readonly record: LedgerRecord;
  readonly other: LedgerRecord;
}

/**
 * The groups of other slots of the same studio whose windows overlap `record`'s. A window without a known end
 * counts only its start instant: an overlap is reported when it is certain, never guessed from an invented end.
 */
export function overlapsOf(record: LedgerRecord, studioRecords: readonly LedgerRecord[]): Overlap[] {
  const windows = airWindows(
    studioRecords.some((entry) => entry.ClientToken === record.ClientToken) ? studioRecords : [...studioRecords, record],
  );
  const own = windows.find((window) => window.record.ClientToken === record.ClientToken);
  if (!own) return [];
  const ownSlot = slotKeyOf(record);
  return windows
    .filter((window) => window !== own && (ownSlot === undefined || slotKeyOf(window.record) !== ownSlot) && intersects(own, window))
    .map((window) => ({ record, other: window.record }));
}

/** Every overlap among a studio's groups, each pair once (a sweep by start: only windows still open are compared). */
export function studioOverlaps(studioRecords: readonly LedgerRecord[]): Overlap[] {
  const windows = airWindows(studioRecords).sort((a, b) => a.startMs - b.startMs);
  const overlaps: Overlap[] = [];
  let open: AirWindow[] = [];
  for (const window of windows) {
    // Only windows still open at this start can meet this or any later window; an empty window (replaced at its
    // own start) must not close the others, so what stays open is decided by their ends, not by this window.
    open = open.filter((earlier) => endOf(earlier) > window.startMs);
    const slot = slotKeyOf(window.record);
    for (const earlier of open) {
      if ((slot === undefined || slot !== slotKeyOf(earlier.record)) && intersects(earlier, window))
        overlaps.push({ record: earlier.record, other: window.record });
    }
    open.push(window);
  }
  return overlaps;
}

/** A window's end for overlap checks: one without a known end counts only its start instant. */
function endOf(window: AirWindow): number {
  return window.endMs ?? window.startMs + 1;
}

function intersects(a: AirWindow, b: AirWindow): boolean {
  return a.startMs < endOf(b) && b.startMs < endOf(a);
}

// ---------------------------------------------------------------------------------------------------------------
// Decisions

/** What the ledger holds for a trigger: its current generation and that generation's record. */
export interface TriggerView {
  readonly generation: number;
  readonly record?: LedgerRecord | undefined;
}

/** What to do with a submission of a trigger. */
export type SubmissionDecision =
  /** The trigger already has its group (in whatever state): answer with it, create nothing. */
  | { readonly kind: 'answer'; readonly record: LedgerRecord }
  /** A first attempt: write a new intent (over no record), then send its AddCasterEpisodeGroup. */
  | { readonly kind: 'create' }
  /** Write `record` over `expectedVersion` unless unchanged, then send its AddCasterEpisodeGroup again, with its token. */
  | { readonly kind: 'send'; readonly record: LedgerRecord; readonly expectedVersion: number }
  /** A person cancelled its group (or the studio lost it): move the trigger to its next generation, then decide again. */
  | { readonly kind: 'nextGeneration'; readonly from: number }
  /** The same token with other parameters: only the API may answer (it refuses the mismatch); nothing is written. */
  | { readonly kind: 'forward' }
  /** Its group is being deleted (a cancel or a retirement whose answer was lost): finish the delete, then decide again. */
  | { readonly kind: 'finishDelete'; readonly record: LedgerRecord };

/** What a submission asks for, to compare with what its token was first sent with. */
export type Proposal = Pick<LedgerRecord, 'StartTime' | 'RepeatNum' | 'Items' | 'Slot'>;

/**
 * Exactly once per trigger: a token moves to a new generation only after a person cancels its group or the group
 * is verified missing. A retry of a trigger whose group was retired or replaced gets that record back.
 */
export function decideSubmission(view: TriggerView, proposal: Proposal, atIso: string): SubmissionDecision {
  const { record } = view;
  if (!record) return { kind: 'create' };
  if (!sameRequest(record, proposal)) {
    return record.State === 'cancelled' || record.State === 'missing'
      ? { kind: 'nextGeneration', from: view.generation }
      : { kind: 'forward' };
  }
  switch (record.State) {
    case 'intent':
      // The answer to the last attempt was lost (or it is still in flight): the same token with the recorded
      // parameters makes the API answer with the same group.
      return { kind: 'send', record, expectedVersion: record.Version };
    case 'failed':
      return { kind: 'send', record: applyEvent(record, 'retried', atIso), expectedVersion: record.Version };
    case 'cancelled':
    case 'missing':
      return { kind: 'nextGeneration', from: view.generation };
    case 'cancelling':
    case 'retiring':
      return { kind: 'finishDelete', record };
    default:
      return { kind: 'answer', record };
  }
}

/** True when an intent asks for what the record was sent with (the studio parameters as recorded, not as looked up again). */
function sameRequest(record: LedgerRecord, intent: Proposal): boolean {
  return (
    record.StartTime === intent.StartTime &&
    record.RepeatNum === intent.RepeatNum &&
    record.Slot === intent.Slot &&
    record.Items.length === intent.Items.length &&
    record.Items.every((item, index) => item.ItemName === intent.Items[index]?.ItemName && item.VodUrl === intent.Items[index]?.VodUrl)
  );
}

/** What a person's cancel does to a record: a delete to send, nothing (already gone), or a refusal with why. */
export type CancelDecision =
  | { readonly kind: 'delete'; readonly record: LedgerRecord; readonly expectedVersion: number }
  | { readonly kind: 'alreadyDone'; readonly record: LedgerRecord }
  | { readonly kind: 'notCancellable'; readonly record: LedgerRecord; readonly reason: string };

/** Cancelling a scheduled group writes `cancelling` first; a cancel already under way is finished, one already done is said so. */
export function decideCancel(record: LedgerRecord, atIso: string): CancelDecision {
  switch (record.State) {
    case 'scheduled':
      return { kind: 'delete', record: applyEvent(record, 'cancelRequested', atIso), expectedVersion: record.Version };
    case 'cancelling':
    case 'retiring':
      return { kind: 'delete', record, expectedVersion: record.Version };
    case 'cancelled':
    case 'retired':
    case 'replaced':
    case 'missing':
      return { kind: 'alreadyDone', record };
    case 'intent':
      return { kind: 'notCancellable', record, reason: 'its AddCasterEpisodeGroup has not been answered yet; run gc, then cancel' };
    case 'failed':
      return { kind: 'notCancellable', record, reason: 'the API refused it: no group exists' };
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
