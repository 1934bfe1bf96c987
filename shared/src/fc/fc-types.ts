/**
 * The shapes Function Compute 3.0 hands a Node.js 20 handler. FC passes `event` as a Buffer; the parsed
 * shapes below are what `JSON.parse(event.toString())` gives for each trigger.
 */
import type { MiddlewareObj } from '@middy/core';
import type { Logger } from '../logging/logger';
import type { Credentials } from '../signing/credentials';

/** The temporary STS keys FC obtains for the function's role, fresh per invocation. */
export interface FcCredentials {
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  readonly securityToken?: string;
}

/** The `context` argument of an FC 3.0 handler or initializer. */
export interface FcContext {
  readonly requestId: string;
  /** Present only when the function has a role. */
  readonly credentials?: FcCredentials;
  readonly function?: {
    readonly name?: string;
    readonly handler?: string;
    readonly memory?: number;
    /** Seconds. */
    readonly timeout?: number;
    readonly initializer?: string;
    /** Seconds. */
    readonly initializationTimeout?: number;
  };
  readonly service?: Readonly<Record<string, unknown>>;
  readonly region?: string;
  readonly accountId?: string;
  /** FC's own logger ("Date RequestID [Level] message"); we log JSON lines to stdout instead. */
  readonly logger?: unknown;
  readonly tracing?: unknown;
}

/**
 * The context as our middlewares leave it, which is what middy's generics are typed with: `fcDeadline` and
 * `fcInvocationLogger` fill these fields before any handler core runs.
 */
export interface InvocationContext extends FcContext {
  /** Epoch ms of the invocation start, taken before anything else ran. */
  startedAtMs: number;
  /** Epoch ms past which no Live API attempt starts: FC's timeout minus a safety margin. */
  deadlineAtMs: number;
  /** The instance logger with this invocation's requestId. */
  invocationLogger: Logger;
  /** This invocation's credentials (`fcCredentials`): FC's STS keys, else the ALIBABA_CLOUD_* variables, else none. */
  liveCredentials: Credentials | undefined;
}

/** A middy middleware of ours: any event in, the invocation context typed. */
export type FcMiddleware = MiddlewareObj<unknown, unknown, Error, InvocationContext>;

/** The FC 3.0 HTTP trigger event (after JSON parsing). Header and query names keep the client's casing. */
export interface FcHttpEvent {
  readonly version?: string;
  readonly rawPath?: string;
  readonly body?: string;
  readonly isBase64Encoded?: boolean;
  readonly headers?: Readonly<Record<string, string>>;
  readonly queryParameters?: Readonly<Record<string, string>>;
  readonly requestContext?: {
    readonly accountId?: string;
    readonly domainName?: string;
    readonly domainPrefix?: string;
    readonly http?: {
      readonly method?: string;
      readonly path?: string;
      readonly protocol?: string;
      readonly sourceIp?: string;
      readonly userAgent?: string;
    };
    readonly requestId?: string;
    readonly time?: string;
    readonly timeEpoch?: string;
  };
}

/** What an HTTP-triggered function returns; FC turns it into the HTTP response. */
export interface FcHttpResponse {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly isBase64Encoded: false;
  readonly body: string;
}

/** The timer trigger event; `payload` is the configured string, verbatim. */
export interface FcTimerEvent {
  readonly triggerTime: string;
  readonly triggerName: string;
  readonly payload?: string;
}
