import { peekFcInstance } from './fc-instance';
import type { FcContext } from './fc-types';

/**
 * FC PreStop hook (`instanceLifecycleConfig.preStop: index.preStop`): closes the pacer's Redis connection
 * before FC reclaims the instance, so Redis does not keep a dead client until its idle timeout.
 */
export async function preStopFcInstance(_context: FcContext): Promise<void> {
  await peekFcInstance()?.pacer.close?.();
}
