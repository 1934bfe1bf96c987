import type { LedgerTrigger } from '../ledger/ledger-record';
import type { Plan, PlanWarning } from '../plan/plan';

/** One trigger's intent, as the trigger readers in `triggers/` produce it: what to schedule, under which token. */
export interface ScheduleRequest {
  /** A plan that already passed validation. */
  readonly plan: Plan;
  /** Chosen by the rules in `idempotency/trigger-tokens.ts`; the same on every retry of this trigger. */
  readonly clientToken: string;
  /** What made the request, with the ids that identify it. */
  readonly trigger: LedgerTrigger;
  /** What validation found a person should know (URL signatures expiring while the group loops); reported with the result. */
  readonly warnings?: readonly PlanWarning[] | undefined;
  /** The slot when the plan names none (the CLI's --slot, a timer's trigger name); the plan's own wins. */
  readonly slot?: string | undefined;
}
