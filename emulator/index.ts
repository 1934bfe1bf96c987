/**
 * A local emulator of the ApsaraVideo Live API operations caster-carousel uses (DescribeCasterConfig,
 * AddCasterEpisodeGroup, AddCasterEpisodeGroupContent, DeleteCasterEpisodeGroup, ListPlaylist,
 * ListPlaylistItems), faithful enough on the wire
 * (V1 and ACS3 signatures, error bodies, flow control, idempotency) that @alicloud/pop-core cannot tell it
 * from live.aliyuncs.com.
 *
 * @example
 * const emulator = await startEmulator({ port: 0 });
 * const client = new RPCClient({ endpoint: emulator.url, apiVersion: '2016-11-01', ...DEMO_CREDENTIALS });
 * await client.request('DescribeCasterConfig', { CasterId: DEMO_STUDIO.CasterId });
 * await emulator.close();
 */

export { API_VERSION } from './api-handler';
export type { CasterConfig } from './casters';
export { runEmulatorCommand } from './cli';
export { type AccountCredential, type CredentialEnv, DEFAULT_ACCOUNT_ID, type EmulatorCredential } from './credential-store';
export { DEMO_CREDENTIALS, DEMO_STUDIO, SECOND_DEMO_STUDIO } from './demo';
export { type FaultKind, type FaultSpec, type LatencyFault, parseFaultSpec } from './faults';
export type { ApiAction, ItemIdsShape } from './operations';
export type { RequestLogEntry } from './request-log';
export { DEFAULT_MAX_REQUEST_BYTES, type EmulatorOptions, type RunningEmulator, startEmulator } from './start';
