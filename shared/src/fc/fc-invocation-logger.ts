import type { MiddlewareObj, Request } from '@middy/core';
import type { Logger } from '../logging/logger';
import { fallbackLogger, getFcInstance } from './fc-instance';
import type { InvocationContext } from './fc-types';

/**
 * Middleware: gives the context `invocationLogger`, the instance logger with FC's requestId, and logs each
 * successful invocation's latency. Failures are logged by the error middlewares, which know the outcome.
 */
export function fcInvocationLogger(): MiddlewareObj {
  return {
    before: function startInvocationLog(request: Request) {
      const context = request.context as unknown as InvocationContext;
      context.invocationLogger = getFcInstance().logger.child({ requestId: context.requestId });
    },
    after: function finishInvocationLog(request: Request) {
      const context = request.context as unknown as InvocationContext;
      const response = request.response as { statusCode?: unknown } | undefined;
      context.invocationLogger.info('invocation succeeded', {
        latencyMs: latencyMsOf(context),
        ...(typeof response?.statusCode === 'number' ? { statusCode: response.statusCode } : {}),
      });
    },
  };
}

/** The invocation's logger, or a plain one when the failure came before it existed. */
export function invocationLoggerOf(context: unknown): Logger {
  const logger = (context as Partial<InvocationContext> | undefined)?.invocationLogger;
  if (logger) return logger;
  const requestId = (context as Partial<InvocationContext> | undefined)?.requestId;
  return fallbackLogger().child(requestId ? { requestId } : {});
}

/** Milliseconds since the invocation started, when the deadline middleware recorded the start. */
export function latencyMsOf(context: unknown): number | undefined {
  const startedAtMs = (context as Partial<InvocationContext> | undefined)?.startedAtMs;
  return typeof startedAtMs === 'number' ? Date.now() - startedAtMs : undefined;
}
