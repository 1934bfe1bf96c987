import { InvalidEventError, PlanValidationError } from '../../errors';
import { timerTickClientToken } from '../../idempotency/trigger-tokens';
import type { LedgerTrigger } from '../../ledger/ledger-record';
import type { FieldErrors, PlanValidationOptions } from '../../plan/plan';
import { StartTimeInPastError } from '../../plan/plan-errors';
import { parsePlanJson, type ValidPlan } from '../../plan/require-valid-plan';
import { validatePlan } from '../../plan/validate-plan';
import type { ScheduleRequest } from '../../schedule/schedule-request';
import { printableLabel } from '../printable-label';
import { resolveStartOffset } from './start-offset';

/** A timer trigger's tick: FC's `{triggerTime, triggerName, payload}`, the payload being the configured string verbatim. */
export interface TimerTick {
  readonly triggerName?: unknown;
  readonly triggerTime?: unknown;
  readonly payload?: unknown;
}

/** A tick's schedule request: its trigger is always the timer's name and time. */
export interface TimerTickRequest extends ScheduleRequest {
  readonly trigger: Extract<LedgerTrigger, { kind: 'timer' }>;
}

/** Names a tick in logs and errors: `triggerName@triggerTime`, from the raw tick or the request read from it. */
export function timerTickLabel(tick: unknown): { id: string } {
  const read = tick !== null && typeof tick === 'object' && 'trigger' in tick ? tick.trigger : undefined;
  const record: TimerTick = read !== null && typeof read === 'object' ? read : tick !== null && typeof tick === 'object' ? tick : {};
  return { id: `${printableLabel(record.triggerName, '(timer)')}@${printableLabel(record.triggerTime, '(no triggerTime)')}` };
}

/**
 * Reads a tick into a schedule request: the payload (plan JSON) with a `StartOffset` turned into a `StartTime` after
 * triggerTime, validated under `rules`, under the tick's ClientToken. Throws InvalidEventError, PlanValidationError or
 * StartTimeInPastError.
 */
export function readTimerTick(tick: unknown, rules: PlanValidationOptions = {}): TimerTickRequest {
  const record: TimerTick | undefined = tick !== null && typeof tick === 'object' && !Array.isArray(tick) ? tick : undefined;
  const triggerName = record?.triggerName;
  const triggerTime = record?.triggerTime;
  if (typeof triggerName !== 'string' || typeof triggerTime !== 'string') {
    throw new InvalidEventError(
      { '(event)': ['must be a timer event with triggerName and triggerTime'] },
      'The event is not a timer event',
    );
  }
  const triggerTimeMs = Date.parse(triggerTime);
  if (Number.isNaN(triggerTimeMs)) {
    throw new InvalidEventError({ triggerTime: ['must be an ISO 8601 date-time'] }, 'The timer event has no usable triggerTime');
  }
  const { plan, warnings } = readPayloadPlan(record?.payload, triggerTimeMs, rules);
  return {
    plan,
    clientToken: timerTickClientToken(triggerName, triggerTime, plan),
    trigger: { kind: 'timer', triggerName, triggerTime },
    warnings,
  };
}

function readPayloadPlan(payload: unknown, triggerTimeMs: number, rules: PlanValidationOptions): ValidPlan {
  let input: unknown = payload;
  // FC always sends the payload as the configured string; an object (a hand-made test event) is taken as is.
  if (typeof payload === 'string' && payload.trim() !== '') {
    input = parsePlanJson(payload, 'payload', 'The timer payload is not valid JSON');
  } else if (payload === null || typeof payload !== 'object') {
    throw new PlanValidationError(
      { payload: ['is required: the timer trigger payload must hold the plan as JSON'] },
      'The timer payload is empty',
    );
  }
  const resolution = resolveStartOffset(input, triggerTimeMs);
  const validation = validatePlan(resolution.input, rules);
  const validationErrors: FieldErrors = validation.ok ? {} : { ...validation.fieldErrors };
  // Without a usable StartOffset the StartTime validated is a placeholder: its errors would only mislead.
  if (!resolution.ok) delete validationErrors['StartTime'];
  const fieldErrors: FieldErrors = { ...validationErrors, ...(resolution.ok ? {} : resolution.fieldErrors) };
  // A redelivered tick whose StartTime (or tick + StartOffset) has passed fails for good, never moved: see
  // StartTimeInPastError for why.
  if (!validation.ok && resolution.ok && validation.onlyStartTimeInPast) throw new StartTimeInPastError(fieldErrors);
  if (!validation.ok || !resolution.ok) throw new PlanValidationError(fieldErrors);
  return { plan: validation.plan, warnings: validation.warnings };
}
