import type { MiddlewareObj, Request } from '@middy/core';
import { PlanValidationError } from '../../errors';
import { canonicalJson, deriveClientToken } from '../../idempotency/client-token';
import type { FieldErrors, Plan } from '../../plan/plan';
import { StartTimeInPastError } from '../../plan/plan-errors';
import { parsePlanJson } from '../../plan/require-valid-plan';
import { validatePlan } from '../../plan/validate-plan';
import { planIdentity } from '../../schedule/schedule-carousel';
import { InvalidEventError } from '../fc-errors';
import { getFcInstance } from '../fc-instance';
import type { FcTimerEvent } from '../fc-types';
import { printableLabel } from '../printable-label';
import { resolveStartOffset } from './start-offset';

/** A timer tick once its payload passed every check. */
export interface TimerPlanEvent extends FcTimerEvent {
  readonly plan: Plan;
  /** Derived from the tick and the plan, so a redelivered tick never schedules twice. */
  readonly clientToken: string;
}

/** Names a tick in logs and errors: `triggerName@triggerTime`. */
export function timerLabel(event: unknown): { id: string } {
  const record = (event ?? {}) as Partial<FcTimerEvent>;
  return { id: `${printableLabel(record.triggerName, '(timer)')}@${printableLabel(record.triggerTime, '(no triggerTime)')}` };
}

/** The identity of one tick of one trigger with one plan; its hash is the ClientToken. */
export function timerIdentity(triggerName: string, triggerTime: string, plan: Plan): string {
  return canonicalJson(['timer', triggerName, triggerTime, planIdentity(plan)]);
}

/**
 * Middleware: reads the tick's payload (a string holding the plan JSON), turns a `StartOffset` into a
 * `StartTime` after triggerTime, validates the plan and replaces the event with a TimerPlanEvent.
 */
export function timerPlanRequest(): MiddlewareObj {
  return {
    before: function readTimerPlan(request: Request) {
      const event = request.event as Partial<FcTimerEvent> | null;
      if (event === null || typeof event !== 'object' || typeof event.triggerName !== 'string' || typeof event.triggerTime !== 'string') {
        throw new InvalidEventError(
          { '(event)': ['must be a timer event with triggerName and triggerTime'] },
          'The event is not a timer event',
        );
      }
      const triggerTimeMs = Date.parse(event.triggerTime);
      if (Number.isNaN(triggerTimeMs)) {
        throw new InvalidEventError({ triggerTime: ['must be an ISO 8601 date-time'] }, 'The timer event has no usable triggerTime');
      }
      const plan = readPayloadPlan(event.payload, triggerTimeMs);
      const identity = timerIdentity(event.triggerName, event.triggerTime, plan);
      const timerEvent: TimerPlanEvent = {
        triggerName: event.triggerName,
        triggerTime: event.triggerTime,
        payload: event.payload,
        plan,
        // Beats a ClientToken inside the payload: a recurring timer repeating one token would make every tick after
        // the first an IdempotentParameterMismatch.
        clientToken: deriveClientToken(identity),
      };
      request.event = timerEvent;
    },
  };
}

function readPayloadPlan(payload: unknown, triggerTimeMs: number): Plan {
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
  const validation = validatePlan(resolution.input, getFcInstance().environment.planRules);
  const validationErrors: FieldErrors = validation.ok ? {} : { ...validation.fieldErrors };
  // Without a usable StartOffset the StartTime validated is a placeholder: its errors would only mislead.
  if (!resolution.ok) delete validationErrors['StartTime'];
  const fieldErrors: FieldErrors = { ...validationErrors, ...(resolution.ok ? {} : resolution.fieldErrors) };
  // A redelivered tick whose StartTime (or tick + StartOffset) has passed fails for good: see StartTimeInPastError.
  if (!validation.ok && resolution.ok && validation.onlyStartTimeInPast) throw new StartTimeInPastError(fieldErrors);
  if (!validation.ok || !resolution.ok) throw new PlanValidationError(fieldErrors);
  return validation.plan;
}
