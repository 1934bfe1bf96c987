import type { FieldErrors } from '../plan/plan';

/**
 * What a failed trigger is known by. A timer tick is its trigger's name and time, an event its source and id (as
 * EventBridge defines a duplicate), whether or not its plan was ever valid. An input too broken to name (no
 * triggerName, a delivery that is not JSON) is known by a digest of what arrived, so it still shows.
 */
export type FailedTriggerIdentity =
  | { readonly kind: 'timer'; readonly triggerName: string; readonly triggerTime: string }
  | { readonly kind: 'event'; readonly source: string; readonly id: string }
  | { readonly kind: 'unidentified'; readonly function: 'timer' | 'event'; readonly digest: string };

/**
 * A timer tick or an event that could not be scheduled, as the ledger keeps it until a later success of the same
 * trigger (FC's retry, `caster-carousel replay`) clears it: one entry per trigger, however often it failed. It may
 * hold a failure from before any plan was valid, so it keeps the raw input (to replay it) rather than a plan.
 */
export interface FailedTrigger {
  /** The entry's key: `timer:<name>@<time>`, `event:<source>#<id>` or `unidentified:<function>:<digest>`. */
  readonly Key: string;
  readonly Trigger: FailedTriggerIdentity;
  /**
   * What arrived, as the function received it: the tick (`{triggerName, triggerTime, payload}`) or the one CloudEvent,
   * parsed; the text itself when it was not JSON. Real values, as records keep real URLs: outputs redact them.
   */
  readonly Input: unknown;
  /** The ClientToken a success would use, when it is known (an event's always is; a tick's once its plan was read). */
  readonly ClientToken?: string | undefined;
  /** The studio the input names (or CASTER_ID), for allow-list filtering and display. */
  readonly CasterId?: string | undefined;
  /** The DomainName the input names, when it gives one. */
  readonly DomainName?: string | undefined;
  /** Stable reason name: InvalidPlan, InvalidEvent, StartTimeInPast, Forbidden, Throttled, LiveApiError... */
  readonly Error: string;
  /** The API's Code, when the API answered with one. */
  readonly Code?: string | undefined;
  /** Why, in words safe to show (redacted when written). */
  readonly Message: string;
  /** The API's RequestId, for a support ticket. */
  readonly RequestId?: string | undefined;
  /** The validation errors by field, when the input was refused (redacted when written). */
  readonly FieldErrors?: FieldErrors | undefined;
  /** True when the same input may succeed later (throttling, an unavailable API); false for invalid input. */
  readonly Retryable: boolean;
  /** Failed deliveries of this trigger so far: FC's first try and each retry, and each failed replay. */
  readonly Attempts: number;
  readonly FirstFailedAt: string;
  readonly LastFailedAt: string;
  /** FC's requestId of the last failed invocation (its log lines and its destination record carry it). */
  readonly InvocationId?: string | undefined;
  /** Who tried last: the function (FC's delivery or retry) or a person's `caster-carousel replay`. */
  readonly Via: 'function' | 'replay';
}

/** How a store merges a new failure of a trigger into what it holds. */
export function mergeFailure(previous: FailedTrigger | undefined, failure: FailedTrigger): FailedTrigger {
  return {
    ...failure,
    Attempts: Math.max((previous?.Attempts ?? 0) + 1, failure.Attempts),
    FirstFailedAt: previous?.FirstFailedAt ?? failure.FirstFailedAt,
  };
}

/** Failed triggers, the most recent failure first (then by key, so the order is stable). */
export function newestFirst(failures: FailedTrigger[]): FailedTrigger[] {
  return failures.sort((a, b) => compareText(b.LastFailedAt, a.LastFailedAt) || compareText(a.Key, b.Key));
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The key of a failed trigger's entry. Separators inside names are escaped, so two identities never share a key. */
export function failedTriggerKey(identity: FailedTriggerIdentity): string {
  switch (identity.kind) {
    case 'timer':
      return `timer:${escapeKeyPart(identity.triggerName, '@')}@${identity.triggerTime}`;
    case 'event':
      return `event:${escapeKeyPart(identity.source, '#')}#${identity.id}`;
    case 'unidentified':
      return `unidentified:${identity.function}:${identity.digest}`;
  }
}

function escapeKeyPart(text: string, separator: '@' | '#'): string {
  return text.replace(/%/g, '%25').replace(separator === '@' ? /@/g : /#/g, separator === '@' ? '%40' : '%23');
}

/** How a failed trigger reads in one line: `timer nightly at <time>`, `event <id> from <source>`. */
export function describeFailedTrigger(identity: FailedTriggerIdentity): string {
  switch (identity.kind) {
    case 'timer':
      return `timer ${identity.triggerName} at ${identity.triggerTime}`;
    case 'event':
      return `event ${identity.id} from ${identity.source}`;
    case 'unidentified':
      return `unreadable ${identity.function} input ${identity.digest}`;
  }
}
