import type { Logger } from '../logging/logger';
import { fallbackLogger, getFcInstance } from './fc-instance';
import type { FcMiddleware, InvocationContext } from './fc-types';

/**
 * Middleware: gives the context `invocationLogger`, the instance logger with FC's requestId, and logs each
 * successful invocation's latency. Failures are logged by the error middlewares, which know the outcome.
 */
export function fcInvocationLogger(): FcMiddleware {
  return {
    before: function startInvocationLog(request) {
      request.context.invocationLogger = getFcInstance().logger.child({ requestId: request.context.requestId });
    },
    after: function finishInvocationLog(request) {
      const response = request.response;
      const statusCode = response !== null && typeof response === 'object' && 'statusCode' in response ? response.statusCode : undefined;
      request.context.invocationLogger.info('invocation succeeded', {
        latencyMs: latencyMsOf(request.context),
        ...(typeof statusCode === 'number' ? { statusCode } : {}),
      });
    },
  };
}

/** The invocation's logger, or a plain one when the failure came before it existed (a bad environment). */
export function invocationLoggerOf(context: Partial<InvocationContext>): Logger {
  if (context.invocationLogger) return context.invocationLogger;
  return fallbackLogger().child(context.requestId ? { requestId: context.requestId } : {});
}

/** Milliseconds since the invocation started, when the deadline middleware recorded the start. */
export function latencyMsOf(context: Partial<InvocationContext>): number | undefined {
  return typeof context.startedAtMs === 'number' ? Date.now() - context.startedAtMs : undefined;
}
