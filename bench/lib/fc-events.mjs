// Real Function Compute 3.0 event and context shapes for the bench (see the FC reference notes): the HTTP
// trigger event, the timer event (payload is a string) and an EventBridge CloudEvent, each delivered to the
// handler as a Buffer of JSON. Every builder takes a unique `tag` so each run schedules a distinct episode group.
import { randomUUID } from 'node:crypto';

export const ACCOUNT_ID = '1000000000000001';
export const REGION = 'cn-shanghai';

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
  return {
    version: 'v1',
    rawPath: '/',
    body: JSON.stringify(plan),
    isBase64Encoded: false,
    headers,
    queryParameters: {},
    requestContext: {
      accountId: ACCOUNT_ID,
      domainName: 'bench.cn-shanghai.fcapp.run',
      domainPrefix: 'bench',
      http: { method: 'POST', path: '/', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'caster-carousel-bench' },
      requestId: `1-${randomUUID()}`,
      time: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      timeEpoch: String(now.getTime()),
    },
  };
}

/** FC's timer trigger event: the plan is the configured payload string. */
export function timerEvent({ plan, now = new Date() }) {
  return { triggerTime: now.toISOString().replace(/\.\d{3}Z$/, 'Z'), triggerName: 'bench-timer', payload: JSON.stringify(plan) };
}

/** An EventBridge CloudEvent carrying a plan as `data`; `aliyunpublishtime` in EventBridge's own (non RFC 3339) form. */
export function cloudEvent({ plan, now = new Date() }) {
  const id = randomUUID();
  return {
    id,
    source: 'bench.caster-carousel',
    specversion: '1.0',
    type: 'caster-carousel:Plan:Submitted',
    datacontenttype: 'application/json;charset=utf-8',
    subject: `acs:eventbridge:${REGION}:${ACCOUNT_ID}:eventbus/default/bench/${id}`,
    time: now.toISOString(),
    aliyunaccountid: ACCOUNT_ID,
    aliyunpublishtime: new Date(now.getTime() + 8 * 3600_000).toISOString().replace('Z', 'PRC'),
    aliyunoriginalaccountid: ACCOUNT_ID,
    aliyuneventbusname: 'default',
    aliyunregionid: REGION,
    aliyunpublishaddr: '127.0.0.1',
    data: plan,
  };
}

/** The FC context (without `logger`, which the child adds): STS credentials, function settings, region. */
export function fcContext({ name, credentials, timeoutSeconds = 60, initializer = 'index.initialize', requestId = randomUUID() }) {
  return {
    requestId,
    credentials: { ...credentials },
    function: {
      name,
      handler: 'index.handler',
      memory: 512,
      timeout: timeoutSeconds,
      ...(initializer ? { initializer, initializationTimeout: 10 } : {}),
    },
    service: { logProject: '', logStore: '', qualifier: 'LATEST', versionId: '' },
    region: REGION,
    accountId: ACCOUNT_ID,
  };
}

/** The environment FC gives a function process: FC_* variables plus the function's own, nothing of the host's. */
export function fcEnvironment({ name, codeDir, layerNodeModulesDir, env = {} }) {
  return {
    PATH: process.env.PATH ?? '',
    NODE_PATH: layerNodeModulesDir,
    FC_FUNC_CODE_PATH: codeDir,
    FC_FUNCTION_NAME: name,
    FC_FUNCTION_HANDLER: 'index.handler',
    FC_FUNCTION_MEMORY_SIZE: '512',
    FC_REGION: REGION,
    FC_ACCOUNT_ID: ACCOUNT_ID,
    FC_INSTANCE_ID: `bench-${randomUUID()}`,
    ...env,
  };
}
