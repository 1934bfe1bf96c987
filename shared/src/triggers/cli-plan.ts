import { planClientToken } from '../idempotency/trigger-tokens';
import type { PlanValidationOptions } from '../plan/plan';
import { parsePlanJson, requireValidPlanWithWarnings } from '../plan/require-valid-plan';
import type { ScheduleRequest } from '../schedule/schedule-request';

/** Reads a plan file's text (`source` names it in errors) into a schedule request. Throws PlanValidationError. */
export function readCliPlan(text: string, source: string, rules: PlanValidationOptions = {}): ScheduleRequest {
  const where = source === '-' ? 'standard input' : source;
  const { plan, warnings } = requireValidPlanWithWarnings(parsePlanJson(text, where, `${where} is not valid JSON`), rules);
  return { plan, clientToken: planClientToken(plan), trigger: { kind: 'cli' }, warnings };
}
