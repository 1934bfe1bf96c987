import { randomUUID } from 'node:crypto';

/** EventBridge's `aliyunpublishtime` format, e.g. `2020-11-19T21:04:42.179PRC` (China time, not RFC 3339). */
export function aliyunPublishTime(date: Date): string {
  return new Date(date.getTime() + 8 * 3600_000).toISOString().replace('Z', 'PRC');
}

/** True when a parsed body is already a CloudEvent or a batch of them (rather than a bare plan). */
export function isCloudEventDelivery(value: unknown): boolean {
  if (Array.isArray(value)) return true;
  return value !== null && typeof value === 'object' && 'specversion' in value;
}

/** Wraps a plan in a CloudEvent with the envelope fields EventBridge adds when it delivers to FC. */
export function wrapPlanInCloudEvent(plan: unknown, options: { accountId: string; region: string; now?: Date }): Record<string, unknown> {
  const now = options.now ?? new Date();
  const id = randomUUID();
  return {
    id,
    source: 'local.caster-carousel',
    specversion: '1.0',
    type: 'caster-carousel:Plan:Submitted',
    datacontenttype: 'application/json;charset=utf-8',
    subject: `acs:eventbridge:${options.region}:${options.accountId}:eventbus/default/local/${id}`,
    time: now.toISOString(),
    aliyunaccountid: options.accountId,
    aliyunpublishtime: aliyunPublishTime(now),
    aliyuneventbusname: 'default',
    aliyunregionid: options.region,
    aliyunpublishaddr: '127.0.0.1',
    data: plan,
  };
}
