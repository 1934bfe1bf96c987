/**
 * The shapes Function Compute 3.0 hands a Node.js function, written once: the context, the process
 * environment, and the HTTP trigger, timer trigger and EventBridge (CloudEvent) events. Used by the local FC
 * host (`npm start`), the test fixtures (tests/support/fc-events.ts) and, through dist/local/dev-kit.js, the
 * bench scripts; each caller supplies its own names and defaults.
 */
import { randomUUID } from 'node:crypto';
import type { FcContext, FcHttpEvent, FcTimerEvent } from '../shared/src/fc/fc-types';
import type { CloudEvent } from '../shared/src/triggers/event/cloud-events';

export const FC_DEFAULT_REGION = 'cn-shanghai';
export const FC_DEFAULT_ACCOUNT_ID = '1000000000000001';

/** FC's second-precision UTC time, e.g. `2031-03-06T19:00:00Z` (timer `triggerTime`, HTTP `requestContext.time`). */
export function fcSecondTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** EventBridge's `aliyunpublishtime` format, e.g. `2020-11-19T21:04:42.179PRC` (China time, not RFC 3339). */
export function aliyunPublishTime(date: Date): string {
  return new Date(date.getTime() + 8 * 3600_000).toISOString().replace('Z', 'PRC');
}

export interface FcContextOptions {
  readonly functionName: string;
  readonly requestId?: string;
  /** STS-style keys for `context.credentials`; none for a function without a role. */
  readonly credentials?: { readonly accessKeyId: string; readonly accessKeySecret: string; readonly securityToken?: string } | undefined;
  /** Default `index.handler`. */
  readonly handler?: string;
  /** Default 256. */
  readonly memoryMb?: number;
  readonly timeoutSeconds: number;
  /** The initializer (`index.initialize`); null or absent for none. */
  readonly initializer?: string | null | undefined;
  /** Default 10. */
  readonly initializationTimeoutSeconds?: number;
  /** `service.logProject` and `service.logStore`; default empty (no log project). */
  readonly logProject?: string;
  readonly logStore?: string;
  readonly region?: string;
  readonly accountId?: string;
}

/** An FC 3.0 context without `logger` (the process that calls the handler adds its own). */
export function fcContext(options: FcContextOptions): FcContext {
  const { initializer } = options;
  return {
    requestId: options.requestId ?? randomUUID(),
    ...(options.credentials ? { credentials: { ...options.credentials } } : {}),
    function: {
      name: options.functionName,
      handler: options.handler ?? 'index.handler',
      memory: options.memoryMb ?? 256,
      timeout: options.timeoutSeconds,
      ...(initializer ? { initializer, initializationTimeout: options.initializationTimeoutSeconds ?? 10 } : {}),
    },
    service: { logProject: options.logProject ?? '', logStore: options.logStore ?? '', qualifier: 'LATEST', versionId: '' },
    region: options.region ?? FC_DEFAULT_REGION,
    accountId: options.accountId ?? FC_DEFAULT_ACCOUNT_ID,
  };
}

export interface FcProcessEnvOptions {
  readonly functionName: string;
  /** FC's /code: FC_FUNC_CODE_PATH. */
  readonly codeDir: string;
  /** FC's /opt/nodejs/node_modules: the only entry of NODE_PATH. */
  readonly layerNodeModulesDir: string;
  /** Default `index.handler`. */
  readonly handler?: string;
  /** Default 256. */
  readonly memoryMb?: number;
  readonly region?: string;
  readonly accountId?: string;
  /** FC_INSTANCE_ID is `<prefix>-<uuid>`; default `local`. */
  readonly instanceIdPrefix?: string;
  /** The function's own environment variables. */
  readonly env?: Readonly<Record<string, string>> | undefined;
}

/** The environment of an FC function process: FC_* variables and the function's own, nothing of the host's but PATH. */
export function fcProcessEnv(options: FcProcessEnvOptions): Record<string, string> {
  return {
    PATH: process.env['PATH'] ?? '',
    NODE_PATH: options.layerNodeModulesDir,
    FC_FUNC_CODE_PATH: options.codeDir,
    FC_FUNCTION_NAME: options.functionName,
    FC_FUNCTION_HANDLER: options.handler ?? 'index.handler',
    FC_FUNCTION_MEMORY_SIZE: String(options.memoryMb ?? 256),
    FC_REGION: options.region ?? FC_DEFAULT_REGION,
    FC_ACCOUNT_ID: options.accountId ?? FC_DEFAULT_ACCOUNT_ID,
    FC_INSTANCE_ID: `${options.instanceIdPrefix ?? 'local'}-${randomUUID()}`,
    ...options.env,
  };
}

export interface HttpTriggerEventOptions {
  readonly method: string;
  /** The path as sent (still percent-encoded). */
  readonly rawPath: string;
  /** `requestContext.http.path`; default `rawPath`. */
  readonly path?: string;
  /** The body as FC passes it: text, or Base64 when `isBase64Encoded`. */
  readonly body: string;
  readonly isBase64Encoded: boolean;
  /** Header names in their original casing; repeated headers comma-joined. */
  readonly headers: Readonly<Record<string, string>>;
  readonly queryParameters: Readonly<Record<string, string>>;
  /** The trigger's domain; `domainPrefix` is its first label. */
  readonly domainName: string;
  /** Default `HTTP/1.1`. */
  readonly protocol?: string;
  readonly sourceIp: string;
  readonly userAgent: string;
  readonly accountId?: string;
  readonly now?: Date;
}

/** The FC 3.0 HTTP trigger event (before it becomes the Buffer the handler gets). */
export function httpTriggerEvent(options: HttpTriggerEventOptions): FcHttpEvent {
  const now = options.now ?? new Date();
  return {
    version: 'v1',
    rawPath: options.rawPath,
    body: options.body,
    isBase64Encoded: options.isBase64Encoded,
    headers: { ...options.headers },
    queryParameters: { ...options.queryParameters },
    requestContext: {
      accountId: options.accountId ?? FC_DEFAULT_ACCOUNT_ID,
      domainName: options.domainName,
      domainPrefix: options.domainName.split('.')[0],
      http: {
        method: options.method,
        path: options.path ?? options.rawPath,
        protocol: options.protocol ?? 'HTTP/1.1',
        sourceIp: options.sourceIp,
        userAgent: options.userAgent,
      },
      requestId: `1-${randomUUID()}`,
      time: fcSecondTime(now),
      timeEpoch: String(now.getTime()),
    },
  };
}

/** FC's timer trigger event; `payload` is the string configured on the trigger (anything else is sent as JSON). */
export function timerEvent(options: { triggerName: string; payload: unknown; triggerTime?: string | Date }): FcTimerEvent & {
  readonly payload: string;
} {
  const triggerTime = typeof options.triggerTime === 'string' ? options.triggerTime : fcSecondTime(options.triggerTime ?? new Date());
  const payload = typeof options.payload === 'string' ? options.payload : JSON.stringify(options.payload);
  return { triggerTime, triggerName: options.triggerName, payload };
}

export interface CloudEventOptions {
  readonly data: unknown;
  readonly source: string;
  readonly id?: string | undefined;
  /** Default `acs:eventbridge:<region>:<accountId>:eventbus/default`. */
  readonly subject?: string;
  readonly type?: string;
  readonly accountId?: string;
  /** `aliyunoriginalaccountid`, when the delivery carries one. */
  readonly originalAccountId?: string;
  readonly region?: string;
  /** Default 127.0.0.1. */
  readonly publishAddr?: string;
  readonly now?: Date;
  /** Fields set last, over the ones above. */
  readonly overrides?: Readonly<Record<string, unknown>>;
}

/** A CloudEvents 1.0 envelope with the fields EventBridge adds when it delivers to FC, carrying `data`. */
export function cloudEvent(options: CloudEventOptions): CloudEvent {
  const now = options.now ?? new Date();
  const accountId = options.accountId ?? FC_DEFAULT_ACCOUNT_ID;
  const region = options.region ?? FC_DEFAULT_REGION;
  return {
    id: options.id ?? randomUUID(),
    source: options.source,
    specversion: '1.0',
    type: options.type ?? 'caster-carousel:Plan:Submitted',
    datacontenttype: 'application/json;charset=utf-8',
    subject: options.subject ?? `acs:eventbridge:${region}:${accountId}:eventbus/default`,
    time: now.toISOString(),
    aliyunaccountid: accountId,
    aliyunpublishtime: aliyunPublishTime(now),
    ...(options.originalAccountId === undefined ? {} : { aliyunoriginalaccountid: options.originalAccountId }),
    aliyuneventbusname: 'default',
    aliyunregionid: region,
    aliyunpublishaddr: options.publishAddr ?? '127.0.0.1',
    data: options.data,
    ...options.overrides,
  };
}
