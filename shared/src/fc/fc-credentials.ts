import { credentialsFromEnvironment } from '../config/environment';
import type { Credentials } from '../signing/credentials';
import type { FcContext, FcMiddleware } from './fc-types';

/**
 * An invocation's credentials: FC's STS keys from `context.credentials` (present when the function has a role), else
 * the ALIBABA_CLOUD_* variables read now. Not an error when there are none: a batch of invalid events needs none, and
 * the Live client, the one place credentials are checked, refuses to sign without them.
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

/** Middleware: puts this invocation's credentials on the typed context; the handler core passes them to every Live call. */
export function fcCredentials(): FcMiddleware {
  return {
    before: function takeInvocationCredentials(request) {
      request.context.liveCredentials = credentialsFromContext(request.context);
    },
  };
}
