// The bench's FC 3.0 events and context: the shapes come from dist/local/dev-kit.js (local/fc-shapes.ts); this
// file adds the bench's plan and defaults. Every builder takes a unique `tag` (through the plan) so each run
// schedules a distinct episode group.
import { randomUUID } from 'node:crypto';
import { devKit } from './layout.mjs';

/** The memory (MiB) the bench's functions are given, in their context and FC_FUNCTION_MEMORY_SIZE. */
export const BENCH_MEMORY_MB = 512;

/**
 * A valid plan with three episodes; `tag` makes its items (and so its derived ClientToken) unique. With `studio`
 * (a DescribeCasterConfig answer) the plan carries its CallbackUrl and DomainName, so no lookup is needed.
 */
export function benchPlan({ casterId, tag, studio }) {
  return {
    ...(casterId ? { CasterId: casterId } : {}),
    ...(studio ? { CallbackUrl: studio.CallbackUrl, DomainName: studio.DomainName } : {}),
    StartTime: '2031-03-06T19:00:00Z',
    RepeatNum: -1,
    Items: [1, 2, 3].map((index) => ({
      ItemName: `Bench ${tag} episode ${index}`,
      VodUrl: `https://vod.example.com/bench/${encodeURIComponent(tag)}/episode-${index}.mp4?auth_key=1700000000-0-0-0123456789abcdef0123456789abcdef`,
    })),
  };
}

/** FC 3.0's HTTP trigger event for `POST /` with a JSON body and an Idempotency-Key header. */
export function httpTriggerEvent({ plan, idempotencyKey, now = new Date() }) {
  const headers = { 'Content-Type': 'application/json', 'User-Agent': 'caster-carousel-bench', Accept: '*/*' };
  if (idempotencyKey) headers['Idempotency-Key'] = idempotencyKey;
  return devKit().httpTriggerEvent({
    method: 'POST',
    rawPath: '/',
    body: JSON.stringify(plan),
    isBase64Encoded: false,
    headers,
    queryParameters: {},
    domainName: 'bench.cn-shanghai.fcapp.run',
    sourceIp: '127.0.0.1',
    userAgent: 'caster-carousel-bench',
    now,
  });
}

/** FC's timer trigger event: the plan is the configured payload string. */
export function timerEvent({ plan, now = new Date() }) {
  return devKit().timerEvent({ triggerTime: now, triggerName: 'bench-timer', payload: JSON.stringify(plan) });
}

/** An EventBridge CloudEvent carrying a plan as `data`; `aliyunpublishtime` in EventBridge's own (non RFC 3339) form. */
export function cloudEvent({ plan, now = new Date() }) {
  const { cloudEvent: envelope, FC_DEFAULT_ACCOUNT_ID, FC_DEFAULT_REGION } = devKit();
  const id = randomUUID();
  return envelope({
    id,
    source: 'bench.caster-carousel',
    subject: `acs:eventbridge:${FC_DEFAULT_REGION}:${FC_DEFAULT_ACCOUNT_ID}:eventbus/default/bench/${id}`,
    originalAccountId: FC_DEFAULT_ACCOUNT_ID,
    now,
    data: plan,
  });
}

/** The FC context (without `logger`, which the child adds): STS credentials, function settings, region. */
export function fcContext({ name, credentials, timeoutSeconds = 60, initializer = 'index.initialize', requestId }) {
  return devKit().fcContext({ functionName: name, credentials, memoryMb: BENCH_MEMORY_MB, timeoutSeconds, initializer, requestId });
}
