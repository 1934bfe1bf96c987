/**
 * Builders for the events and context Function Compute 3.0 hands a Node.js handler: every event as a Buffer
 * of JSON, in the exact shapes of the HTTP, timer and EventBridge triggers. Shared by the function tests and
 * the built-bundle tests.
 */
import { randomUUID } from 'node:crypto';

/** STS-style keys as FC passes them in context.credentials; the emulator is told to accept them. */
export const TEST_STS_CREDENTIALS = Object.freeze({
  accessKeyId: 'STS.NUgYrLnoC37mZZCNnAbez2xTest',
  accessKeySecret: 'sts-secret-3mJq9X1vTq7Lw2cK8pR4',
  securityToken: 'CAIS-test-token+with/slashes=and-padding-7Hq2Lm9Zp0Xw',
});

/** The next STS keys FC hands out after a rotation; accepted by the test emulator as well. */
export const ROTATED_STS_CREDENTIALS = Object.freeze({
  accessKeyId: 'STS.NUgYrLnoC37mZZCNnAbez2xRotated',
  accessKeySecret: 'sts-secret-rotated-Vb8nQ2wE5tY7',
  securityToken: 'CAIS-rotated-token-Kd93Jf02Lq8Zm1Xn',
});

export interface HttpEventOptions {
  readonly method?: string;
  readonly path?: string;
  readonly headers?: Record<string, string>;
  /** A string is sent as is; anything else as JSON. */
  readonly body?: unknown;
  /** Send the body Base64-encoded, as FC does for binary content types. */
  readonly base64?: boolean;
  readonly queryParameters?: Record<string, string>;
}

/** The FC 3.0 HTTP trigger event (not yet a Buffer). Header names keep the casing given, as FC does. */
export function httpEvent(options: HttpEventOptions = {}): Record<string, unknown> {
  const path = options.path ?? '/';
  const text = options.body === undefined ? '' : typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  const now = new Date();
  return {
    version: 'v1',
    rawPath: path,
    body: options.base64 ? Buffer.from(text, 'utf8').toString('base64') : text,
    isBase64Encoded: options.base64 ?? false,
    headers: { 'Content-Type': 'application/json', 'User-Agent': 'curl/8.5.0', ...options.headers },
    queryParameters: options.queryParameters ?? {},
    requestContext: {
      accountId: '1000000000000001',
      domainName: 'caster-carousel-http.cn-shanghai.fcapp.run',
      domainPrefix: 'caster-carousel-http',
      http: { method: options.method ?? 'POST', path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: 'curl/8.5.0' },
      requestId: `1-${randomUUID()}`,
      time: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      timeEpoch: String(now.getTime()),
    },
  };
}

/** The HTTP trigger event as the Buffer FC hands the handler. */
export function httpEventBuffer(options: HttpEventOptions = {}): Buffer {
  return toBuffer(httpEvent(options));
}

/** The timer trigger event as a Buffer; `payload` is a string, as configured on the trigger. */
export function timerEventBuffer(options: { triggerTime: string; triggerName?: string; payload: unknown }): Buffer {
  const payload = typeof options.payload === 'string' ? options.payload : JSON.stringify(options.payload);
  return toBuffer({ triggerTime: options.triggerTime, triggerName: options.triggerName ?? 'every-morning', payload });
}

/** EventBridge's `aliyunpublishtime`: China time with a `PRC` suffix, not RFC 3339. */
export function aliyunPublishTime(date: Date): string {
  return new Date(date.getTime() + 8 * 3600_000).toISOString().replace('Z', 'PRC');
}

/** A CloudEvents 1.0 envelope with the fields EventBridge adds, carrying `data`. */
export function cloudEvent(options: { id?: string; source?: string; data: unknown } & Record<string, unknown>): Record<string, unknown> {
  const now = new Date();
  const { id, source, data, ...overrides } = options;
  return {
    id: id ?? randomUUID(),
    source: source ?? 'acs.caster-carousel.test',
    specversion: '1.0',
    type: 'caster-carousel:Plan:Submitted',
    datacontenttype: 'application/json;charset=utf-8',
    subject: 'acs:eventbridge:cn-shanghai:1000000000000001:eventbus/default',
    time: now.toISOString(),
    aliyunaccountid: '1000000000000001',
    aliyunpublishtime: aliyunPublishTime(now),
    aliyunoriginalaccountid: '1000000000000001',
    aliyuneventbusname: 'default',
    aliyunregionid: 'cn-shanghai',
    aliyunpublishaddr: '198.51.100.20',
    data,
    ...overrides,
  };
}

/** One CloudEvent or a batch, as the Buffer FC hands the handler. */
export function cloudEventBuffer(delivery: unknown): Buffer {
  return toBuffer(delivery);
}

export interface FcContextOptions {
  readonly functionName?: string;
  /** Seconds, as FC gives it. */
  readonly timeoutSeconds?: number;
  /** Pass null for a function without a role (no context.credentials). */
  readonly credentials?: { accessKeyId: string; accessKeySecret: string; securityToken?: string } | null;
  readonly requestId?: string;
}

/** An FC 3.0 context: requestId, STS credentials, function, service, region, accountId and FC's logger. */
export function fcContext(options: FcContextOptions = {}): Record<string, unknown> {
  const requestId = options.requestId ?? randomUUID();
  const silent = () => undefined;
  return {
    requestId,
    ...(options.credentials === null ? {} : { credentials: { ...(options.credentials ?? TEST_STS_CREDENTIALS) } }),
    function: {
      name: options.functionName ?? 'caster-carousel-test',
      handler: 'index.handler',
      memory: 256,
      timeout: options.timeoutSeconds ?? 10,
      initializer: 'index.initialize',
      initializationTimeout: 10,
    },
    service: { logProject: 'caster-carousel-logs', logStore: 'function-logs', qualifier: 'LATEST', versionId: '' },
    region: 'cn-shanghai',
    accountId: '1000000000000001',
    logger: { debug: silent, info: silent, warn: silent, error: silent, log: silent },
  };
}

function toBuffer(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value), 'utf8');
}
