/**
 * Every rule that chooses a ClientToken, one function per trigger kind. A token a release derives for a given trigger
 * must never change in a later release: FC retries an invocation across a deploy, and a retry carrying a new token would
 * create a second episode group. `tests/unit/idempotency/golden-tokens.test.ts` pins them byte for byte; see README.md here.
 */
import type { Plan } from '../plan/plan';
import { canonicalJson, deriveClientToken } from './client-token';

/** CLI plan, and an HTTP request without an Idempotency-Key: the plan's own ClientToken, else one derived from the plan. */
export function planClientToken(plan: Plan): string {
  return plan.ClientToken ?? deriveClientToken(planIdentity(plan));
}

/** HTTP request: its Idempotency-Key header (trimmed) when present, which beats the plan's own ClientToken. */
export function httpRequestClientToken(plan: Plan, idempotencyKey: string | undefined): string {
  const key = idempotencyKey?.trim();
  // Hashed, so a key of any length or alphabet gives a valid token.
  return key ? deriveClientToken(`idempotency-key:${key}`) : planClientToken(plan);
}

/**
 * Timer tick: trigger name, trigger time and the plan the tick resolved (StartOffset already turned into StartTime).
 * Beats a ClientToken inside the payload: a recurring timer repeating one token would make every tick after the first an
 * IdempotentParameterMismatch.
 */
export function timerTickClientToken(triggerName: string, triggerTime: string, plan: Plan): string {
  return deriveClientToken(canonicalJson(['timer', triggerName, triggerTime, planIdentity(plan)]));
}

/** CloudEvent: EventBridge treats equal `source` + `id` as the same event, and so do we; the data does not count. */
export function cloudEventClientToken(source: string, id: string): string {
  return deriveClientToken(canonicalJson(['cloudevent', source, id]));
}

/** What a plan alone stands for: its canonical JSON, ClientToken aside, so key order and the token never matter. */
function planIdentity(plan: Plan): string {
  const { ClientToken: _ignored, ...rest } = plan;
  return `plan:${canonicalJson(rest)}`;
}
