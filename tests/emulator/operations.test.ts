import { describe, expect, it } from 'vitest';
import { API_VERSION, type CasterConfig, DEMO_CREDENTIALS, DEMO_STUDIO } from '../../emulator/index';
import { utcSecondTimestamp } from '../../shared/src/live/request-signing';
import { canonicalQueryString } from '../../shared/src/signing/percent-encode';
import { signRpcV1 } from '../../shared/src/signing/rpc-v1-signature';
import {
  call,
  callError,
  episodeGroupContent,
  episodeGroupParams,
  listEpisodeGroups,
  popClient,
  rawRequest,
  useEmulators,
} from './support';

const start = useEmulators();
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

describe.each(['GET', 'POST'] as const)('operations over %s through pop-core', (method) => {
  it('DescribeCasterConfig returns the studio configuration with a RequestId', async () => {
    // Prepare
    const emulator = await start();
    // Act
    const body = await call(popClient(emulator), 'DescribeCasterConfig', { CasterId: DEMO_STUDIO.CasterId }, method);
    // Assess
    expect(body).toMatchObject({ ...DEMO_STUDIO, RequestId: expect.stringMatching(UUID) });
  });

  it('AddCasterEpisodeGroup creates a group and answers ProgramId and ItemIds in the SDK (wrapped) shape', async () => {
    // Prepare
    const emulator = await start();
    const params = episodeGroupParams();
    // Act
    const body = await call<{ ProgramId: string; ItemIds: { ItemId: string[] }; RequestId: string }>(
      popClient(emulator),
      'AddCasterEpisodeGroup',
      params,
      method,
    );
    // Assess
    expect(body.RequestId).toMatch(UUID);
    expect(body.ProgramId).toMatch(UUID);
    expect(body.ItemIds.ItemId).toHaveLength(2);
    const groups = await listEpisodeGroups(emulator);
    expect(groups).toHaveLength(1);
    expect(groups[0]).toMatchObject({
      ProgramId: body.ProgramId,
      CasterId: DEMO_STUDIO.CasterId,
      ClientToken: params['ClientToken'],
      RepeatNum: -1,
      StartTime: '2030-01-01T08:00:00Z',
      AccessKeyId: DEMO_CREDENTIALS.accessKeyId,
      Items: [
        { ItemId: body.ItemIds.ItemId[0], ItemName: 'Episode 1' },
        { ItemId: body.ItemIds.ItemId[1], ItemName: 'Episode 2', VodUrl: 'https://vod.example.com/b/episode2.flv' },
      ],
    });
  });

  it('AddCasterEpisodeGroupContent creates a group from the Content JSON', async () => {
    // Prepare
    const emulator = await start();
    // Act
    const body = await call<{ ProgramId: string; ItemIds: { ItemId: string[] } }>(
      popClient(emulator),
      'AddCasterEpisodeGroupContent',
      { ClientToken: `content-${method}`, Content: episodeGroupContent() },
      method,
    );
    // Assess
    expect(body.ItemIds.ItemId).toHaveLength(1);
    const groups = await listEpisodeGroups(emulator);
    expect(groups).toEqual([expect.objectContaining({ ProgramId: body.ProgramId, RepeatNum: 0, Action: 'AddCasterEpisodeGroupContent' })]);
  });

  it('DeleteCasterEpisodeGroup removes the group and answers only a RequestId', async () => {
    // Prepare
    const emulator = await start();
    const client = popClient(emulator);
    const added = await call<{ ProgramId: string }>(client, 'AddCasterEpisodeGroup', episodeGroupParams(), method);
    // Act
    const body = await call(client, 'DeleteCasterEpisodeGroup', { ProgramId: added.ProgramId }, method);
    // Assess
    expect(Object.keys(body)).toEqual(['RequestId']);
    expect(await listEpisodeGroups(emulator)).toEqual([]);
  });
});

describe('operation answers', () => {
  it('answers ItemIds as a flat array when itemIdsShape is flat (the older documentation sample)', async () => {
    // Prepare
    const emulator = await start({ itemIdsShape: 'flat' });
    // Act
    const body = await call<{ ItemIds: unknown }>(popClient(emulator), 'AddCasterEpisodeGroup', episodeGroupParams());
    // Assess
    expect(Array.isArray(body.ItemIds)).toBe(true);
    expect(body.ItemIds).toHaveLength(2);
  });

  it('answers an unknown CasterId with InvalidCaster.NotFound (404)', async () => {
    // Prepare
    const emulator = await start();
    // Act
    const error = await callError(call(popClient(emulator), 'DescribeCasterConfig', { CasterId: 'LIVEPRODUCER_POST-cn-nope' }));
    // Assess
    expect(error.code).toBe('InvalidCaster.NotFound');
    expect(error.entry.response.statusCode).toBe(404);
  });

  it('answers an unknown ProgramId with InvalidProgram.NotFound (404), also for a group already deleted', async () => {
    // Prepare
    const emulator = await start();
    const client = popClient(emulator);
    const added = await call<{ ProgramId: string }>(client, 'AddCasterEpisodeGroup', episodeGroupParams());
    await call(client, 'DeleteCasterEpisodeGroup', { ProgramId: added.ProgramId });
    // Act
    const error = await callError(call(client, 'DeleteCasterEpisodeGroup', { ProgramId: added.ProgramId }));
    // Assess
    expect(error.code).toBe('InvalidProgram.NotFound');
    expect(error.entry.response.statusCode).toBe(404);
  });

  it('uses the studio SideOutputUrl when SideOutputUrl is empty or absent', async () => {
    // Prepare
    const emulator = await start();
    // Act
    await call(popClient(emulator), 'AddCasterEpisodeGroup', episodeGroupParams({ SideOutputUrl: '' }));
    // Assess
    const [group] = await listEpisodeGroups(emulator);
    expect(group?.['SideOutputUrl']).toBe(DEMO_STUDIO.SideOutputUrl!.replace(/auth_key=[^&]*/, 'auth_key=<redacted>'));
  });

  it('serves the studios given in options instead of the demo studio', async () => {
    // Prepare
    const studio: CasterConfig = {
      CasterId: 'LIVEPRODUCER_POST-cn-custom',
      CallbackUrl: 'http://cb.example.com/x?auth_key=k',
      DomainName: 'live.example.org',
      Delay: 3,
    };
    const emulator = await start({ casters: [studio] });
    const client = popClient(emulator);
    // Act
    const described = await call(client, 'DescribeCasterConfig', { CasterId: studio.CasterId });
    const added = await call<{ ProgramId: string }>(
      client,
      'AddCasterEpisodeGroup',
      episodeGroupParams({ CallbackUrl: studio.CallbackUrl, DomainName: 'LIVE.example.org' }),
    );
    // Assess
    expect(described).toMatchObject(studio);
    expect(added.ProgramId).toBeTruthy();
    expect(await callError(call(client, 'DescribeCasterConfig', { CasterId: DEMO_STUDIO.CasterId }))).toMatchObject({
      code: 'InvalidCaster.NotFound',
    });
  });

  it('accepts V1 parameters split between the query string and the form body', async () => {
    // Prepare
    const emulator = await start();
    const signed = signRpcV1(
      'POST',
      {
        Action: 'DescribeCasterConfig',
        Version: API_VERSION,
        Format: 'JSON',
        AccessKeyId: DEMO_CREDENTIALS.accessKeyId,
        SignatureMethod: 'HMAC-SHA1',
        SignatureVersion: '1.0',
        SignatureNonce: 'split-nonce-1',
        Timestamp: utcSecondTimestamp(Date.now()),
        CasterId: DEMO_STUDIO.CasterId,
      },
      DEMO_CREDENTIALS.accessKeySecret,
    );
    const { Action, Version, Signature, ...rest } = signed;
    // Act
    const answer = await rawRequest(
      `${emulator.url}/?${canonicalQueryString({ Action: Action!, Version: Version!, Signature: Signature! })}`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
        body: canonicalQueryString(rest),
      },
    );
    // Assess
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ CasterId: DEMO_STUDIO.CasterId });
    expect(answer.headers['x-acs-request-id']).toBe(answer.json['RequestId']);
  });

  it('answers a parameter given twice with InvalidParameter naming it', async () => {
    // Prepare
    const emulator = await start();
    // Act
    const answer = await rawRequest(`${emulator.url}/?Action=DescribeCasterConfig&CasterId=a&CasterId=b`);
    // Assess
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({ Code: 'InvalidParameter', Message: expect.stringContaining('"CasterId"') });
  });
});
