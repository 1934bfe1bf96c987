import { type CredentialsSource, createLiveClient, type LiveClient } from '../live/live-client';
import type { RetryPolicy } from '../live/retry-policy';
import type { Logger } from '../logging/logger';
import type { Pacer } from '../pacing/pacer';
import type { Environment } from './environment';

/** The Live client the environment describes (endpoint, region, signature, timeout), signed with these credentials. */
export function createLiveClientFromEnvironment(
  environment: Environment,
  options: { credentials?: CredentialsSource; pacer?: Pacer; logger?: Logger; retry?: Partial<RetryPolicy> },
): LiveClient {
  return createLiveClient({
    endpoint: environment.endpoint,
    regionId: environment.regionId,
    signatureAlgorithm: environment.signatureAlgorithm,
    timeoutMs: environment.timeoutMs,
    ...options,
  });
}
