import type { MiddlewareObj, Request } from '@middy/core';
import { credentialsFromEnvironment } from '../config/environment';
import { registerSecret } from '../logging/redact';
import type { Credentials } from '../signing/credentials';
import type { FcContext, InvocationContext } from './fc-types';

/**
 * This invocation's credentials: FC's STS keys from `context.credentials` (present when the function has a
 * role), else the ALIBABA_CLOUD_* variables read now. Never cached: STS keys rotate between invocations.
 */
export function credentialsFromContext(context: FcContext, env: NodeJS.ProcessEnv = process.env): Credentials | undefined {
  const fromContext = context.credentials;
  if (fromContext?.accessKeyId && fromContext.accessKeySecret) {
    return {
      accessKeyId: fromContext.accessKeyId,
      accessKeySecret: fromContext.accessKeySecret,
      securityToken: fromContext.securityToken || undefined,
    };
  }
  return credentialsFromEnvironment(env);
}

/** Middleware: puts this invocation's credentials on `context.liveCredentials` and marks them secret for the logs. */
export function fcCredentials(): MiddlewareObj {
  return {
    before: function takeInvocationCredentials(request: Request) {
      const context = request.context as unknown as InvocationContext;
      const credentials = credentialsFromContext(context);
      // Registered before anything can log, so even an error echoing them is scrubbed.
      registerSecret(credentials?.accessKeySecret);
      registerSecret(credentials?.securityToken);
      context.liveCredentials = credentials;
    },
  };
}
