import { createLiveClientFromEnvironment } from '../config/live-client-from-environment';
import { ConfigurationError } from '../errors';
import type { ScheduleDependencies } from '../schedule/schedule-carousel';
import { getFcInstance } from './fc-instance';
import type { InvocationContext } from './fc-types';

/**
 * What scheduling needs for one invocation: a Live client signed with this invocation's credentials, plus
 * the instance's pacer and studio-configuration cache. Cheap to build (no I/O), so built every time.
 */
export function scheduleDependenciesFor(context: InvocationContext): ScheduleDependencies {
  const { environment, pacer, configCache } = getFcInstance();
  const credentials = context.liveCredentials;
  if (!credentials) {
    throw new ConfigurationError(
      'No credentials: give the function a role (FC then passes context.credentials) or set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET',
    );
  }
  const client = createLiveClientFromEnvironment(environment, { credentials, pacer, logger: context.invocationLogger });
  return {
    client,
    configCache,
    defaultCasterId: environment.defaultCasterId,
    logger: context.invocationLogger,
    studioAccess: environment.studioAccess,
    planRules: environment.planRules,
  };
}
