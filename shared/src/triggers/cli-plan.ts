import { planClientToken } from '../idempotency/trigger-tokens';
import { parsePlanJson, requireValidPlan } from '../plan/require-valid-plan';
import type { ScheduleRequest } from '../schedule/schedule-request';

/** Reads a plan file's text (`source` names it in errors) into a schedule request. Throws PlanValidationError. */
export function readCliPlan(text: string, source: string): ScheduleRequest {
  const where = source === '-' ? 'standard input' : source;
  const plan = requireValidPlan(parsePlanJson(text, where, `${where} is not valid JSON`));
  return { plan, clientToken: planClientToken(plan), trigger: { kind: 'cli' } };
}
