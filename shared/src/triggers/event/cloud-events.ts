import { InvalidEventError, PlanValidationError } from '../../errors';
import { cloudEventClientToken } from '../../idempotency/trigger-tokens';
import type { PlanValidationOptions } from '../../plan/plan';
import { parsePlanJson, requireValidPlanWithWarnings } from '../../plan/require-valid-plan';
import type { ScheduleRequest } from '../../schedule/schedule-request';
import { printableLabel } from '../printable-label';

/** A CloudEvents 1.0 envelope as EventBridge delivers it; every field is untrusted. */
export interface CloudEvent {
  readonly id?: unknown;
  readonly source?: unknown;
  readonly specversion?: unknown;
  readonly type?: unknown;
  readonly datacontenttype?: unknown;
  readonly subject?: unknown;
  readonly time?: unknown;
  readonly aliyunaccountid?: unknown;
  /** Like `2020-11-19T21:04:42.179PRC`: not RFC 3339, so never parsed. */
  readonly aliyunpublishtime?: unknown;
  readonly aliyuneventbusname?: unknown;
  readonly aliyunregionid?: unknown;
  readonly aliyunpublishaddr?: unknown;
  readonly aliyunoriginalaccountid?: unknown;
  readonly data?: unknown;
}

/** One CloudEvent of a delivery: a schedule request, or the error that prevents one. `id` is safe to print. */
export type CloudEventEntry =
  | { readonly ok: true; readonly index: number; readonly id: string; readonly source: string; readonly request: ScheduleRequest }
  | { readonly ok: false; readonly index: number; readonly id: string; readonly source?: string | undefined; readonly error: unknown };

/** Names a delivery that could not be read at all. */
export function cloudEventLabel(delivery: unknown): { id: string; source?: string } {
  if (Array.isArray(delivery)) return { id: `(batch of ${delivery.length})` };
  const record: CloudEvent = delivery !== null && typeof delivery === 'object' ? delivery : {};
  return { id: printableLabel(record.id, '(event)'), source: printableLabel(record.source, '(no source)') };
}

/**
 * Reads an EventBridge delivery (one CloudEvent, or a batch array) into one entry per event, in order. An unusable event
 * fails on its own, so the rest of the batch is still scheduled. Throws InvalidEventError only when the delivery is
 * neither an event nor an array.
 */
export function readCloudEvents(delivery: unknown, rules: PlanValidationOptions = {}): CloudEventEntry[] {
  if (delivery === null || typeof delivery !== 'object') {
    throw new InvalidEventError({ '(event)': ['must be a CloudEvent or an array of CloudEvents'] }, 'The event is not a CloudEvent');
  }
  const events: unknown[] = Array.isArray(delivery) ? delivery : [delivery];
  return events.map((event, index) => readCloudEvent(event, index, rules));
}

/**
 * Reads one CloudEvent: its envelope, then its `data` as a plan (an object, or a JSON string of one). A redelivered event
 * whose StartTime has passed fails with StartTimeInPastError (permanent, see plan-errors.ts).
 */
export function readCloudEvent(event: unknown, index: number, rules: PlanValidationOptions = {}): CloudEventEntry {
  const record: CloudEvent | undefined = event !== null && typeof event === 'object' && !Array.isArray(event) ? event : undefined;
  const fallbackId = `#${index}`;
  const id = printableLabel(record?.id, fallbackId);
  const source = typeof record?.source === 'string' && record.source !== '' ? record.source : undefined;
  const fail = (error: unknown): CloudEventEntry => ({ ok: false, index, id, source, error });
  if (!record) return fail(new InvalidEventError({ [fallbackId]: ['must be a CloudEvent object'] }, 'not a CloudEvent object'));
  const rawId = record.id;
  if (typeof rawId !== 'string' || rawId === '' || !source) {
    return fail(
      new InvalidEventError(
        { ...(source ? {} : { source: ['is required'] }), ...(typeof rawId === 'string' && rawId !== '' ? {} : { id: ['is required'] }) },
        'the CloudEvent needs an id and a source',
      ),
    );
  }
  const data = record.data;
  if (data === undefined || data === null)
    return fail(new PlanValidationError({ data: ['is required: the plan'] }, 'the CloudEvent has no data'));
  try {
    const { plan, warnings } = requireValidPlanWithWarnings(
      typeof data === 'string' ? parsePlanJson(data, 'data', 'the CloudEvent data is not valid JSON') : data,
      rules,
    );
    // The token uses the raw id; logs and outcomes show the printable label.
    const request: ScheduleRequest = {
      plan,
      clientToken: cloudEventClientToken(source, rawId),
      trigger: { kind: 'event', source, id: rawId },
      warnings,
    };
    return { ok: true, index, id, source, request };
  } catch (error) {
    return fail(error);
  }
}
