/**
 * Builders for the events and context Function Compute 3.0 hands a Node.js handler: every event as a Buffer
 * of JSON, in the exact shapes of the HTTP, timer and EventBridge triggers. Shared by the function tests and
 * the built-bundle tests.
 */
import * as shapes from '../../local/fc-shapes';
import type { FcContext, FcHttpEvent } from '../../shared/src/fc/fc-types';
import type { CloudEvent } from '../../shared/src/triggers/event/cloud-events';

export { aliyunPublishTime } from '../../local/fc-shapes';

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
export function httpEvent(options: HttpEventOptions = {}): FcHttpEvent {
  const text = options.body === undefined ? '' : typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  return shapes.httpTriggerEvent({
    method: options.method ?? 'POST',
    rawPath: options.path ?? '/',
    body: options.base64 ? Buffer.from(text, 'utf8').toString('base64') : text,
    isBase64Encoded: options.base64 ?? false,
    headers: { 'Content-Type': 'application/json', 'User-Agent': 'curl/8.5.0', ...options.headers },
    queryParameters: options.queryParameters ?? {},
    domainName: 'caster-carousel-http.cn-shanghai.fcapp.run',
    sourceIp: '203.0.113.7',
    userAgent: 'curl/8.5.0',
  });
}

/** The HTTP trigger event as the Buffer FC hands the handler. */
export function httpEventBuffer(options: HttpEventOptions = {}): Buffer {
  return toBuffer(httpEvent(options));
}

/** The timer trigger event as a Buffer; `payload` is a string, as configured on the trigger. */
export function timerEventBuffer(options: { triggerTime: string; triggerName?: string; payload: unknown }): Buffer {
  return toBuffer(
    shapes.timerEvent({ triggerTime: options.triggerTime, triggerName: options.triggerName ?? 'every-morning', payload: options.payload }),
  );
}

/** A CloudEvents 1.0 envelope with the fields EventBridge adds, carrying `data`. */
export function cloudEvent(options: { id?: string; source?: string; data: unknown } & Record<string, unknown>): CloudEvent {
  const { id, source, data, ...overrides } = options;
  return shapes.cloudEvent({
    id,
    source: source ?? 'acs.caster-carousel.test',
    originalAccountId: shapes.FC_DEFAULT_ACCOUNT_ID,
    publishAddr: '198.51.100.20',
    data,
    overrides,
  });
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
export function fcContext(options: FcContextOptions = {}): FcContext {
  const silent = () => undefined;
  return {
    ...shapes.fcContext({
      requestId: options.requestId,
      credentials: options.credentials === null ? undefined : (options.credentials ?? TEST_STS_CREDENTIALS),
      functionName: options.functionName ?? 'caster-carousel-test',
      timeoutSeconds: options.timeoutSeconds ?? 10,
      initializer: 'index.initialize',
      logProject: 'caster-carousel-logs',
      logStore: 'function-logs',
    }),
    logger: { debug: silent, info: silent, warn: silent, error: silent, log: silent },
  };
}

function toBuffer(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value), 'utf8');
}
