import { peekFcInstance } from './fc-instance';
import type { FcContext } from './fc-types';

/**
 * FC PreStop hook (`instanceLifecycleConfig.preStop: index.preStop`): closes the pacer's and the ledger's Redis
 * connections before FC reclaims the instance, so Redis does not keep dead clients until their idle timeout.
 */
export async function preStopFcInstance(_context: FcContext): Promise<void> {
  const instance = peekFcInstance();
  await Promise.all([instance?.pacer.close?.(), instance?.ledger?.close()]);
}
