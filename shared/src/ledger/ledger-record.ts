import type { PlanItem } from '../plan/plan';

/**
 * Where a group stands. The rules that move it live in one place: `schedule/lifecycle.ts`.
 * - `intent`: written before AddCasterEpisodeGroup is sent; the group may or may not exist yet.
 * - `scheduled`: the studio holds it; it airs from its StartTime until the next group of its slot starts.
 * - `cancelling` / `retiring`: written before DeleteCasterEpisodeGroup is sent.
 * - `cancelled`: deleted by a person. `retired`: deleted after its window ended. `replaced`: deleted before it
 *   ever aired, because a newer group took the same StartTime in its slot.
 * - `failed`: the API refused it for good; the reason is kept. `missing`: the studio no longer has it (`ls --verify`).
 */
export type LedgerState = 'intent' | 'scheduled' | 'cancelling' | 'cancelled' | 'retiring' | 'retired' | 'replaced' | 'failed' | 'missing';

/** What made a group, with the ids that identify that trigger. */
export type LedgerTrigger =
  | { readonly kind: 'cli' }
  | { readonly kind: 'http'; readonly idempotencyKey?: string }
  | { readonly kind: 'timer'; readonly triggerName: string; readonly triggerTime: string }
  | { readonly kind: 'event'; readonly source: string; readonly id: string };

/** The AddCasterEpisodeGroup parameters a group was sent with, after the studio lookup; replayed verbatim on a retry. */
export interface ResolvedEpisodeGroup {
  readonly CallbackUrl: string;
  readonly DomainName: string;
  readonly SideOutputUrl?: string | undefined;
}

/** Why the API refused a group for good, as an operator needs it. */
export interface LedgerFailure {
  /** The API's `Code` (or this tool's, e.g. `InvalidPlan`). */
  readonly Code: string;
  readonly Message: string;
  readonly RequestId?: string | undefined;
  /** How many times this trigger was tried. */
  readonly Attempts: number;
}

/**
 * One trigger's episode group, as the ledger keeps it: one record per ClientToken, written first as an `intent`
 * (before the group exists, so it has no ProgramId yet) and then moved through the lifecycle.
 */
export interface LedgerRecord {
  /** The record's key: the API makes at most one group per token. */
  readonly ClientToken: string;
  /** The trigger's generation-1 token, which `Generation` derives from (equal to ClientToken for generation 1). */
  readonly BaseToken: string;
  /** 1 for the token a trigger always derived; +1 after a person cancels its group or it is verified missing. */
  readonly Generation: number;
  /** Absent while the record is an intent whose answer has not come back. */
  readonly ProgramId?: string | undefined;
  readonly ItemIds: readonly string[];
  readonly Slot?: string | undefined;
  readonly CasterId?: string | undefined;
  readonly DomainName: string;
  /** UTC `yyyy-MM-ddTHH:mm:ssZ`. */
  readonly StartTime: string;
  readonly RepeatNum: number;
  readonly Items: readonly PlanItem[];
  readonly Trigger: LedgerTrigger;
  /** ISO 8601 UTC of the intent. Orders two groups of a slot with the same StartTime: the newer one wins. */
  readonly CreatedAt: string;
  /** ISO 8601 UTC of the last state change. */
  readonly UpdatedAt: string;
  readonly State: LedgerState;
  /** Bumped by every write: a store applies a write only over the version it was decided on. */
  readonly Version: number;
  readonly Resolved: ResolvedEpisodeGroup;
  /** The RequestId of the AddCasterEpisodeGroup answer that created the group. */
  readonly RequestId?: string | undefined;
  /** While `retiring`: what the group becomes once deleted (`replaced` when it never aired). */
  readonly Ending?: 'retired' | 'replaced' | undefined;
  /** While `failed`: why. */
  readonly Failure?: LedgerFailure | undefined;
}
