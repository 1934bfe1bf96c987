import { InvalidEventError, PlanValidationError } from '../../errors';
import type { LedgerTrigger } from '../../ledger/ledger-record';
import type { PlanValidationOptions } from '../../plan/plan';
import { parsePlanJson } from '../../plan/require-valid-plan';
import { parseIsoDurationSeconds } from './iso-duration';
import { readTimerTick, type TimerTickRequest } from './timer-tick';

/**
 * A reconciliation tick: a timer trigger whose payload is `{"Reconcile": "PT1M"}` instead of a plan. The duration
 * is the trigger's interval: the tick takes care of the switch-overs due from its triggerTime until the next tick
 * (plus a little overlap, in case that one fires late).
 */
export interface ReconcileTickRequest {
  readonly trigger: Extract<LedgerTrigger, { kind: 'timer' }>;
  readonly reconcile: {
    /** The tick's time, epoch ms. */
    readonly fromMs: number;
    /** How long after the tick its switch-overs run (the trigger's interval), ms. */
    readonly intervalMs: number;
  };
}

/** What a timer tick asks for: a plan to schedule, or a reconciliation. */
export type TimerEventRequest = TimerTickRequest | ReconcileTickRequest;

/** True for a reconciliation tick. */
export function isReconcileTick(request: TimerEventRequest): request is ReconcileTickRequest {
  return 'reconcile' in request;
}

// A reconciliation tick's interval: at least FC's smallest timer interval, at most a day.
const MIN_INTERVAL_S = 60;
const MAX_INTERVAL_S = 86_400;

/**
 * Reads FC's timer event: a payload `{"Reconcile": "<ISO 8601 duration>"}` (nothing else in it) is a reconciliation
 * tick; any other payload is a plan (readTimerTick). Throws InvalidEventError or PlanValidationError.
 */
export function readTimerEvent(tick: unknown, rules: PlanValidationOptions = {}): TimerEventRequest {
  const record = tick !== null && typeof tick === 'object' && !Array.isArray(tick) ? (tick as Record<string, unknown>) : undefined;
  const payload = record?.['payload'];
  const order = reconcileOrderOf(payload);
  if (order === undefined) return readTimerTick(tick, rules);
  const triggerName = record?.['triggerName'];
  const triggerTime = record?.['triggerTime'];
  if (typeof triggerName !== 'string' || typeof triggerTime !== 'string' || Number.isNaN(Date.parse(triggerTime))) {
    throw new InvalidEventError(
      { '(event)': ['must be a timer event with triggerName and an ISO 8601 triggerTime'] },
      'The event is not a timer event',
    );
  }
  const keys = Object.keys(order);
  if (keys.length !== 1) {
    throw new PlanValidationError(
      Object.fromEntries(keys.filter((key) => key !== 'Reconcile').map((key) => [key, ['is not allowed beside Reconcile']])),
    );
  }
  const interval = order['Reconcile'];
  const duration = typeof interval === 'string' ? parseIsoDurationSeconds(interval) : undefined;
  if (!duration?.ok || duration.seconds < MIN_INTERVAL_S || duration.seconds > MAX_INTERVAL_S) {
    throw new PlanValidationError({
      Reconcile: [
        duration && !duration.ok
          ? duration.message
          : 'must be the trigger’s interval as an ISO 8601 duration from PT1M to P1D, e.g. PT1M for a trigger every minute',
      ],
    });
  }
  return {
    trigger: { kind: 'timer', triggerName, triggerTime },
    reconcile: { fromMs: Date.parse(triggerTime), intervalMs: duration.seconds * 1000 },
  };
}

/** The payload as an object when it is a reconciliation order (has `Reconcile`), else undefined (a plan). */
function reconcileOrderOf(payload: unknown): Record<string, unknown> | undefined {
  let value = payload;
  if (typeof payload === 'string') {
    // Cheap test first: a plan payload is parsed (and its syntax errors reported) by readTimerTick.
    if (!payload.includes('"Reconcile"')) return undefined;
    try {
      value = parsePlanJson(payload, 'payload', 'The timer payload is not valid JSON');
    } catch {
      return undefined;
    }
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value) || !('Reconcile' in value)) return undefined;
  return value as Record<string, unknown>;
}
