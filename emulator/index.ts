/**
 * A local emulator of the ApsaraVideo Live API operations caster-carousel uses (DescribeCasterConfig,
 * AddCasterEpisodeGroup, AddCasterEpisodeGroupContent, DeleteCasterEpisodeGroup), faithful enough on the wire
 * (V1 and ACS3 signatures, error bodies, flow control, idempotency) that @alicloud/pop-core cannot tell it
 * from live.aliyuncs.com.
 *
 * @example
 * const emulator = await startEmulator({ port: 0 });
 * const client = new RPCClient({ endpoint: emulator.url, apiVersion: '2016-11-01', ...DEMO_CREDENTIALS });
 * await client.request('DescribeCasterConfig', { CasterId: DEMO_STUDIO.CasterId });
 * await emulator.close();
 */
export { startEmulator, type EmulatorOptions, type RunningEmulator } from './start';
export { runEmulatorCommand } from './cli';
export { DEMO_CREDENTIALS, DEMO_STUDIO } from './demo';
export { DEFAULT_ACCOUNT_ID, type AccountCredential, type EmulatorCredential, type CredentialEnv } from './credential-store';
export type { CasterConfig } from './casters';
export { parseFaultSpec, type FaultSpec, type FaultKind, type LatencyFault } from './faults';
export type { ApiAction, ItemIdsShape } from './operations';
export type { RequestLogEntry } from './request-log';
export { API_VERSION } from './api-handler';
