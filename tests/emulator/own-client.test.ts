import { describe, expect, it } from 'vitest';
import { DEMO_CREDENTIALS, DEMO_STUDIO, type RunningEmulator } from '../../emulator/index';
import { LiveApiError } from '../../shared/src/errors';
import { createLiveClient, type LiveClient } from '../../shared/src/live/live-client';
import { addCasterEpisodeGroup, deleteCasterEpisodeGroup, describeCasterConfig } from '../../shared/src/live/operations';
import type { Credentials, SignatureAlgorithm } from '../../shared/src/signing/credentials';
import { listEpisodeGroups, listRequests, useEmulators } from './support';

const start = useEmulators();
const STS = { accessKeyId: 'STS.OwnClientKey', accessKeySecret: 'own-client-sts-secret', securityToken: 'own-client-sts-token' };

function liveClient(
  emulator: RunningEmulator,
  signatureAlgorithm: SignatureAlgorithm,
  credentials: Credentials = DEMO_CREDENTIALS,
  maxAttempts = 1,
): LiveClient {
  return createLiveClient({
    endpoint: emulator.url,
    regionId: 'cn-shanghai',
    credentials,
    signatureAlgorithm,
    timeoutMs: 5000,
    retry: { maxAttempts, baseDelayMs: 1, maxDelayMs: 5 },
  });
}

describe.each(['v1', 'acs3'] as const)('the project Live client against the emulator (%s)', (algorithm) => {
  it('round-trips DescribeCasterConfig, AddCasterEpisodeGroup and DeleteCasterEpisodeGroup', async () => {
    // Prepare
    const emulator = await start();
    const client = liveClient(emulator, algorithm);
    // Act
    const studio = await describeCasterConfig(client, DEMO_STUDIO.CasterId);
    const added = await addCasterEpisodeGroup(client, {
      CallbackUrl: studio.CallbackUrl!,
      DomainName: studio.DomainName!,
      SideOutputUrl: studio.SideOutputUrl,
      StartTime: '2030-01-01T08:00:00Z',
      RepeatNum: -1,
      Items: [
        { ItemName: 'Episode 1', VodUrl: 'http://vod.example.com/e1.mp4' },
        { ItemName: 'Épisode 2 (unicode, spaces)', VodUrl: 'https://vod.example.com/e2.flv?auth_key=1-0-0-abc' },
      ],
      ClientToken: `own-client-${algorithm}`,
    });
    const groupsAfterAdd = await listEpisodeGroups(emulator);
    const deleted = await deleteCasterEpisodeGroup(client, added.ProgramId);
    // Assess
    expect(studio).toMatchObject({
      CasterId: DEMO_STUDIO.CasterId,
      CallbackUrl: DEMO_STUDIO.CallbackUrl,
      DomainName: DEMO_STUDIO.DomainName,
    });
    expect(added.ItemIds).toHaveLength(2);
    expect(groupsAfterAdd).toEqual([expect.objectContaining({ ProgramId: added.ProgramId, ClientToken: `own-client-${algorithm}` })]);
    expect(groupsAfterAdd[0]?.['Items']).toEqual([
      expect.objectContaining({ ItemName: 'Episode 1' }),
      expect.objectContaining({ ItemName: 'Épisode 2 (unicode, spaces)' }),
    ]);
    expect(deleted.RequestId).toBeTruthy();
    expect(await listEpisodeGroups(emulator)).toEqual([]);
    const requests = await listRequests(emulator);
    expect(requests.map((entry) => [entry['SignatureAlgorithm'], entry['Verdict']])).toEqual([
      [algorithm, 'ok'],
      [algorithm, 'ok'],
      [algorithm, 'ok'],
    ]);
  });

  it('parses the flat ItemIds shape too', async () => {
    // Prepare
    const emulator = await start({ itemIdsShape: 'flat' });
    const client = liveClient(emulator, algorithm);
    // Act
    const added = await addCasterEpisodeGroup(client, {
      CallbackUrl: DEMO_STUDIO.CallbackUrl!,
      DomainName: DEMO_STUDIO.DomainName!,
      StartTime: '2030-01-01T08:00:00Z',
      RepeatNum: 0,
      Items: [{ ItemName: 'Only', VodUrl: 'http://vod.example.com/only.ts' }],
      ClientToken: 'flat-shape',
    });
    // Assess
    expect(added.ItemIds).toHaveLength(1);
  });

  it('signs correctly with STS credentials', async () => {
    // Prepare
    const emulator = await start({ extraCredentials: [STS] });
    // Act
    const studio = await describeCasterConfig(liveClient(emulator, algorithm, STS), DEMO_STUDIO.CasterId);
    // Assess
    expect(studio.CasterId).toBe(DEMO_STUDIO.CasterId);
  });

  it('surfaces API errors as LiveApiError with the emulator code', async () => {
    // Prepare
    const emulator = await start();
    // Act
    const failure = deleteCasterEpisodeGroup(liveClient(emulator, algorithm), 'no-such-program');
    // Assess
    await expect(failure).rejects.toBeInstanceOf(LiveApiError);
    await expect(failure).rejects.toMatchObject({ code: 'InvalidProgram.NotFound', httpStatus: 404, retryable: false });
  });

  it('retries injected 503s and resets with the same ClientToken and ends with exactly one group', async () => {
    // Prepare: with seed 15 the first attempt gets a 503, the second a reset, the third goes through.
    const emulator = await start({ faults: { error503: 0.3, reset: 0.3 }, seed: 15 });
    const client = liveClient(emulator, algorithm, DEMO_CREDENTIALS, 10);
    // Act
    const added = await addCasterEpisodeGroup(client, {
      CallbackUrl: DEMO_STUDIO.CallbackUrl!,
      DomainName: DEMO_STUDIO.DomainName!,
      StartTime: '2030-01-01T08:00:00Z',
      RepeatNum: -1,
      Items: [{ ItemName: 'Resilient', VodUrl: 'http://vod.example.com/r.mp4' }],
      ClientToken: `retry-${algorithm}`,
    });
    // Assess
    const groups = await listEpisodeGroups(emulator);
    expect(groups).toEqual([expect.objectContaining({ ProgramId: added.ProgramId })]);
    const verdicts = (await listRequests(emulator)).map((entry) => entry['Verdict']);
    expect(verdicts).toEqual(['ServiceUnavailable', 'reset', 'ok']);
  });
});
