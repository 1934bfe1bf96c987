import type { PlanItem } from '../plan/plan';

/** Where a group stands: live (`scheduled`), replaced in its slot (`superseded`), deleted by a person (`cancelled`) or by gc (`retired`). */
export type LedgerState = 'scheduled' | 'superseded' | 'cancelled' | 'retired';

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

/** One episode group the tool created, as the ledger keeps it. */
export interface LedgerRecord {
  readonly ProgramId: string;
  readonly ItemIds: readonly string[];
  readonly ClientToken: string;
  /** The token's generation: 1 for the token a trigger always derived; +1 after each cancel or retirement. */
  readonly Generation: number;
  readonly Slot?: string | undefined;
  readonly CasterId?: string | undefined;
  readonly DomainName: string;
  /** UTC `yyyy-MM-ddTHH:mm:ssZ`. */
  readonly StartTime: string;
  readonly RepeatNum: number;
  readonly Items: readonly PlanItem[];
  readonly Trigger: LedgerTrigger;
  /** ISO 8601 UTC. */
  readonly CreatedAt: string;
  readonly State: LedgerState;
  /** The ProgramId that replaced this one in its slot. */
  readonly SupersededBy?: string | undefined;
  /** ISO 8601 UTC of the last state change. */
  readonly UpdatedAt?: string | undefined;
  readonly Resolved: ResolvedEpisodeGroup;
  /** The RequestId of the AddCasterEpisodeGroup answer that created the group. */
  readonly RequestId?: string | undefined;
}

/**
 * What is written before AddCasterEpisodeGroup is sent, keyed by its ClientToken: the resolved request, so a
 * retry of the token resends exactly these parameters even if the studio's configuration changed meanwhile.
 */
export interface LedgerIntent {
  readonly ClientToken: string;
  /** The generation-1 token this one derives from (equal to ClientToken for generation 1). */
  readonly BaseToken: string;
  readonly Generation: number;
  readonly Slot?: string | undefined;
  readonly CasterId?: string | undefined;
  readonly StartTime: string;
  readonly RepeatNum: number;
  readonly Items: readonly PlanItem[];
  readonly Trigger: LedgerTrigger;
  readonly CreatedAt: string;
  readonly Resolved: ResolvedEpisodeGroup;
}

/** Every state in which the studio still holds the group. */
export const LIVE_STATES: readonly LedgerState[] = ['scheduled', 'superseded'];
