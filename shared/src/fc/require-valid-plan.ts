import { PlanValidationError } from '../errors';
import type { Plan } from '../plan/plan';
import { validatePlan } from '../plan/validate-plan';

/** The input as a Plan, or a PlanValidationError carrying every field error. */
export function requireValidPlan(input: unknown): Plan {
  const validation = validatePlan(input);
  if (!validation.ok) throw new PlanValidationError(validation.fieldErrors);
  return validation.plan;
}
