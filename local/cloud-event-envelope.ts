import { randomUUID } from 'node:crypto';
import type { CloudEvent } from '../shared/src/triggers/event/cloud-events';
import { cloudEvent } from './fc-shapes';

/** True when a parsed body is already a CloudEvent or a batch of them (rather than a bare plan). */
export function isCloudEventDelivery(value: unknown): boolean {
  if (Array.isArray(value)) return true;
  return value !== null && typeof value === 'object' && 'specversion' in value;
}

/** Wraps a plan in a CloudEvent with the envelope fields EventBridge adds when it delivers to FC. */
export function wrapPlanInCloudEvent(plan: unknown, options: { accountId: string; region: string; now?: Date }): CloudEvent {
  const id = randomUUID();
  return cloudEvent({
    id,
    source: 'local.caster-carousel',
    subject: `acs:eventbridge:${options.region}:${options.accountId}:eventbus/default/local/${id}`,
    accountId: options.accountId,
    region: options.region,
    now: options.now,
    data: plan,
  });
}
