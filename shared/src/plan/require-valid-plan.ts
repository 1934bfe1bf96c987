import { PlanValidationError } from '../errors';
import { findJsonSyntaxErrorOffset, positionOf } from './json-syntax-position';
import type { Plan, PlanValidationOptions, PlanWarning } from './plan';
import { StartTimeInPastError } from './plan-errors';
import { validatePlan } from './validate-plan';

const BYTE_ORDER_MARK = 0xfeff;

/**
 * Parses JSON text that carries a plan, or throws a PlanValidationError naming `field` and the line and
 * column of the first syntax error. A UTF-8 byte order mark at the start (editors on Windows write one) is
 * skipped. Never quotes the text: the parser's own message would, and plans carry `auth_key` values.
 */
export function parsePlanJson(text: string, field: string, message: string): unknown {
  const json = text.charCodeAt(0) === BYTE_ORDER_MARK ? text.slice(1) : text;
  try {
    return JSON.parse(json);
  } catch {
    const offset = findJsonSyntaxErrorOffset(json);
    const where = offset < 0 ? '' : ` (line ${positionOf(json, offset).line}, column ${positionOf(json, offset).column})`;
    throw new PlanValidationError({ [field]: [`is not valid JSON${where}`] }, message);
  }
}

/** A plan that passed validation, with what a person should know about it. */
export interface ValidPlan {
  readonly plan: Plan;
  readonly warnings: readonly PlanWarning[];
}

/**
 * The input as a valid plan and its warnings; else a StartTimeInPastError when StartTime having passed is the
 * only fault, or a PlanValidationError carrying every field error.
 */
export function requireValidPlanWithWarnings(input: unknown, options: PlanValidationOptions = {}): ValidPlan {
  const validation = validatePlan(input, options);
  if (!validation.ok) {
    throw validation.onlyStartTimeInPast
      ? new StartTimeInPastError(validation.fieldErrors)
      : new PlanValidationError(validation.fieldErrors);
  }
  return { plan: validation.plan, warnings: validation.warnings };
}

/** The input as a Plan (StartTime normalised to UTC `Z`), or the error requireValidPlanWithWarnings throws. */
export function requireValidPlan(input: unknown, options: PlanValidationOptions = {}): Plan {
  return requireValidPlanWithWarnings(input, options).plan;
}
