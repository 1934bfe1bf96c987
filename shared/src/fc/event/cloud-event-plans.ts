import type { MiddlewareObj, Request } from '@middy/core';
import { PlanValidationError } from '../../errors';
import { canonicalJson, deriveClientToken } from '../../idempotency/client-token';
import type { Plan } from '../../plan/plan';
import { parsePlanJson, requireValidPlan } from '../../plan/require-valid-plan';
import { describeTriggerFailure, type TriggerFailure } from '../async-invocation-error';
import { InvalidEventError } from '../fc-errors';
import { getFcInstance } from '../fc-instance';
import type { CloudEvent } from '../fc-types';
import { printableLabel } from '../printable-label';

/** One CloudEvent of a delivery: either a plan ready to schedule, or why it cannot be. */
export type CloudEventEntry =
  | {
      readonly ok: true;
      readonly index: number;
      readonly id: string;
      readonly source: string;
      readonly plan: Plan;
      readonly clientToken: string;
    }
  | { readonly ok: false; readonly index: number; readonly id: string; readonly source?: string; readonly failure: TriggerFailure };

/** The event function's event once read: every CloudEvent of the delivery, in order. */
export interface CloudEventBatch {
  readonly entries: readonly CloudEventEntry[];
}

/** The ClientToken of a CloudEvent: EventBridge treats equal source + id as the same event, and so do we. */
export function cloudEventClientToken(source: string, id: string): string {
  return deriveClientToken(canonicalJson(['cloudevent', source, id]));
}

/** Names a delivery that could not be read at all. */
export function cloudEventLabel(event: unknown): { id: string; source?: string } {
  if (Array.isArray(event)) return { id: `(batch of ${event.length})` };
  const record = (event ?? {}) as CloudEvent;
  return { id: printableLabel(record.id, '(event)'), source: printableLabel(record.source, '(no source)') };
}

/** Reads one CloudEvent: its envelope, then its `data` as a plan (an object, or a JSON string of one). */
export function readCloudEvent(event: unknown, index: number): CloudEventEntry {
  const record = (event !== null && typeof event === 'object' && !Array.isArray(event) ? event : undefined) as CloudEvent | undefined;
  const fallbackId = `#${index}`;
  const id = printableLabel(record?.id, fallbackId);
  const source = record && typeof record.source === 'string' && record.source !== '' ? record.source : undefined;
  const fail = (error: unknown): CloudEventEntry => ({ ok: false, index, id, source, failure: describeTriggerFailure(id, source, error) });
  if (!record) return fail(new InvalidEventError({ [fallbackId]: ['must be a CloudEvent object'] }, 'not a CloudEvent object'));
  if (typeof record.id !== 'string' || record.id === '' || !source) {
    return fail(
      new InvalidEventError(
        {
          ...(source ? {} : { source: ['is required'] }),
          ...(typeof record.id === 'string' && record.id !== '' ? {} : { id: ['is required'] }),
        },
        'the CloudEvent needs an id and a source',
      ),
    );
  }
  const data = record.data;
  if (data === undefined || data === null)
    return fail(new PlanValidationError({ data: ['is required: the plan'] }, 'the CloudEvent has no data'));
  let plan: Plan;
  try {
    plan = requireValidPlan(
      typeof data === 'string' ? parsePlanJson(data, 'data', 'the CloudEvent data is not valid JSON') : data,
      getFcInstance().environment.planRules,
    );
  } catch (error) {
    return fail(error as PlanValidationError);
  }
  // The token uses the raw id; logs and outcomes show the printable label.
  return { ok: true, index, id, source, plan, clientToken: cloudEventClientToken(source, record.id) };
}

/**
 * Middleware: reads an EventBridge delivery (one CloudEvent, or a batch array) into a CloudEventBatch. An
 * unusable event fails on its own; the rest of the batch is still scheduled.
 */
export function cloudEventPlans(): MiddlewareObj {
  return {
    before: function readCloudEventPlans(request: Request) {
      const delivery = request.event;
      if (delivery === null || typeof delivery !== 'object') {
        throw new InvalidEventError({ '(event)': ['must be a CloudEvent or an array of CloudEvents'] }, 'The event is not a CloudEvent');
      }
      const events: unknown[] = Array.isArray(delivery) ? delivery : [delivery];
      const batch: CloudEventBatch = { entries: events.map(readCloudEvent) };
      request.event = batch;
    },
  };
}
