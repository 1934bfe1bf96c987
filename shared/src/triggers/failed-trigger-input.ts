/**
 * What a failed timer tick or CloudEvent is known by and what to keep of it, read from the input as it arrived,
 * before (or whether or not) a plan could be read from it: the ledger's failure entries and `caster-carousel replay`
 * start here.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../idempotency/client-token';
import { cloudEventClientToken } from '../idempotency/trigger-tokens';
import { type FailedTrigger, type FailedTriggerIdentity, failedTriggerKey } from '../ledger/failed-trigger';
import type { FieldErrors } from '../plan/plan';

/**
 * One trigger of a delivery, read as far as it can be: the fields of its failure entry that come from the input
 * (its CasterId and DomainName only as its plan names them; the entry adds CASTER_ID). A tick's ClientToken derives
 * from its plan, so only its reader knows it; an event's is known from its source and id.
 */
export type FailedInput = Pick<FailedTrigger, 'Key' | 'Trigger' | 'Input' | 'ClientToken' | 'CasterId' | 'DomainName'>;

/** Why a trigger failed, as the functions describe it (see fc/async-invocation-error.ts). */
export interface FailureReason {
  readonly reason: string;
  readonly message: string;
  readonly code?: string | undefined;
  readonly requestId?: string | undefined;
  readonly fieldErrors?: FieldErrors | undefined;
  readonly retryable: boolean;
}

/** Reads a timer tick as it arrived (`{triggerName, triggerTime, payload}`). */
export function failedTimerInput(tick: unknown): FailedInput {
  const record = isObject(tick) ? tick : undefined;
  const triggerName = record?.['triggerName'];
  const triggerTime = record?.['triggerTime'];
  const identity: FailedTriggerIdentity =
    typeof triggerName === 'string' && triggerName !== '' && typeof triggerTime === 'string' && triggerTime !== ''
      ? { kind: 'timer', triggerName, triggerTime }
      : { kind: 'unidentified', function: 'timer', digest: digestOf(tick) };
  return { Trigger: identity, Key: failedTriggerKey(identity), Input: tick, ...studioOf(planOf(record?.['payload'])) };
}

/**
 * True for a reconciliation tick (a payload `{"Reconcile": ...}`, see triggers/timer/reconcile-order.ts): it schedules
 * nothing and each tick redoes what the one before could not, so its failures are not kept as failed triggers (they
 * are in the log and at the failure destination).
 */
export function isReconcileTickInput(tick: unknown): boolean {
  const payload = isObject(tick) ? planOf(tick['payload']) : undefined;
  return payload !== undefined && Object.hasOwn(payload, 'Reconcile');
}

/** Reads an EventBridge delivery as it arrived: one entry per CloudEvent (one for a delivery that is no event at all). */
export function failedEventInputs(delivery: unknown): FailedInput[] {
  if (Array.isArray(delivery)) return delivery.map(failedEventInput);
  return [failedEventInput(delivery)];
}

/** Reads one CloudEvent as it arrived. */
export function failedEventInput(event: unknown): FailedInput {
  const record = isObject(event) ? event : undefined;
  const source = record?.['source'];
  const id = record?.['id'];
  if (typeof source === 'string' && source !== '' && typeof id === 'string' && id !== '') {
    const identity: FailedTriggerIdentity = { kind: 'event', source, id };
    return {
      Trigger: identity,
      Key: failedTriggerKey(identity),
      Input: event,
      ClientToken: cloudEventClientToken(source, id),
      ...studioOf(planOf(record?.['data'])),
    };
  }
  const identity: FailedTriggerIdentity = { kind: 'unidentified', function: 'event', digest: digestOf(event) };
  return { Trigger: identity, Key: failedTriggerKey(identity), Input: event, ...studioOf(planOf(record?.['data'])) };
}

/** What a failure entry holds for one failed delivery of `input`; the store merges it with what it already holds. */
export function failedTriggerEntry(
  input: FailedInput,
  why: FailureReason,
  details: {
    readonly atIso: string;
    readonly via: FailedTrigger['Via'];
    readonly clientToken?: string | undefined;
    readonly defaultCasterId?: string | undefined;
    readonly invocationId?: string | undefined;
    /** The least Attempts to record (a destination record's approximateInvokeCount, plus this replay). */
    readonly attempts?: number | undefined;
  },
): FailedTrigger {
  const clientToken = details.clientToken ?? input.ClientToken;
  const casterId = input.CasterId ?? details.defaultCasterId;
  return {
    ...input,
    ...(clientToken === undefined ? {} : { ClientToken: clientToken }),
    ...(casterId === undefined ? {} : { CasterId: casterId }),
    Error: why.reason,
    ...(why.code === undefined ? {} : { Code: why.code }),
    Message: why.message,
    ...(why.requestId === undefined ? {} : { RequestId: why.requestId }),
    ...(why.fieldErrors === undefined ? {} : { FieldErrors: why.fieldErrors }),
    Retryable: why.retryable,
    Attempts: Math.max(1, details.attempts ?? 1),
    FirstFailedAt: details.atIso,
    LastFailedAt: details.atIso,
    ...(details.invocationId === undefined ? {} : { InvocationId: details.invocationId }),
    Via: details.via,
  };
}

/** The plan inside a payload or `data`: an object, or a JSON string of one; undefined when it is neither. */
function planOf(value: unknown): Record<string, unknown> | undefined {
  if (isObject(value)) return value;
  if (typeof value !== 'string') return undefined;
  try {
    const parsed: unknown = JSON.parse(value);
    return isObject(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function studioOf(plan: Record<string, unknown> | undefined): Pick<FailedInput, 'CasterId' | 'DomainName'> {
  const casterId = plan?.['CasterId'];
  const domainName = plan?.['DomainName'];
  return {
    ...(typeof casterId === 'string' && casterId !== '' ? { CasterId: casterId } : {}),
    ...(typeof domainName === 'string' && domainName !== '' ? { DomainName: domainName } : {}),
  };
}

// 16 characters of base64url SHA-256: enough to keep apart the few unreadable inputs a scope ever holds.
function digestOf(value: unknown): string {
  const text = typeof value === 'string' ? value : canonicalJson(value ?? null);
  return createHash('sha256').update(text, 'utf8').digest('base64url').slice(0, 16);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
