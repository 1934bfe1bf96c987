import { PlanValidationError } from '../errors';
import type { Plan } from './plan';
import { validatePlan } from './validate-plan';

/**
 * Parses JSON text that carries a plan, or throws a PlanValidationError naming `field`. Never quotes the text:
 * the parser's own message would, and plans carry `auth_key` values.
 */
export function parsePlanJson(text: string, field: string, message: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new PlanValidationError({ [field]: ['is not valid JSON'] }, message);
  }
}

/** The input as a Plan, or a PlanValidationError carrying every field error. */
export function requireValidPlan(input: unknown): Plan {
  const validation = validatePlan(input);
  if (!validation.ok) throw new PlanValidationError(validation.fieldErrors);
  return validation.plan;
}
