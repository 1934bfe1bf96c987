import RPCClient from '@alicloud/pop-core';
import { describe, expect, it } from 'vitest';
import { DEMO_CREDENTIALS, DEMO_STUDIO } from '../../emulator/index';
import { call, callError, episodeGroupContent, episodeGroupParams, listRequests, popClient, rawRequest, useEmulators } from './support';

const start = useEmulators();
const STS = { accessKeyId: 'STS.InspectKey', accessKeySecret: 'sts-secret-never-shown', securityToken: 'sts-token-never-shown' };
const VOD_AUTH_KEY = '1893456000-0-0-vodsecretvodsecretvodsecret0001';

describe('inspection endpoints', () => {
  it('never show secrets: no AccessKey secret, STS token, Signature or auth_key value', async () => {
    // Prepare
    const emulator = await start({ extraCredentials: [STS] });
    // verbose pop-core returns the signed URL, so the Signature it sent is known.
    const VerboseClient = RPCClient as unknown as new (config: RPCClient.Config, verbose: boolean) => RPCClient;
    const verbose = new VerboseClient({ endpoint: emulator.url, apiVersion: '2016-11-01', ...STS }, true);
    const [, entry] = await verbose.request<[unknown, { url: string }]>(
      'AddCasterEpisodeGroup',
      episodeGroupParams({
        Item: [{ ItemName: 'Secret episode', VodUrl: `http://vod.example.com/s.mp4?auth_key=${VOD_AUTH_KEY}` }],
      }),
      {},
    );
    const signature = new URL(entry.url).searchParams.get('Signature')!;
    await call(
      popClient(emulator),
      'AddCasterEpisodeGroupContent',
      { ClientToken: 'c1', Content: episodeGroupContent({ SideOutputUrl: `rtmp://out.example.com/x?auth_key=${VOD_AUTH_KEY}` }) },
      'POST',
    );
    await callError(
      call(popClient(emulator, { ...STS, securityToken: 'wrong-token-never-shown' }), 'DescribeCasterConfig', {
        CasterId: DEMO_STUDIO.CasterId,
      }),
    );
    // Act
    const groups = await rawRequest(`${emulator.url}/_emulator/episode-groups`);
    const requests = await rawRequest(`${emulator.url}/_emulator/requests`);
    // Assess
    const studioAuthKeys = [DEMO_STUDIO.CallbackUrl, DEMO_STUDIO.SideOutputUrl].map((url) => new URL(url!).searchParams.get('auth_key')!);
    for (const text of [groups.text, requests.text]) {
      for (const secret of [
        STS.accessKeySecret,
        STS.securityToken,
        'wrong-token-never-shown',
        DEMO_CREDENTIALS.accessKeySecret,
        signature,
        VOD_AUTH_KEY,
        ...studioAuthKeys,
      ]) {
        expect(text).not.toContain(secret);
      }
      expect(text).not.toMatch(/"(Signature|SecurityToken|Authorization)"/);
      expect(text).toContain('auth_key=<redacted>');
    }
  });

  it('never show a long secret sent in the wrong place, not even its first characters', async () => {
    // Prepare: a client that swapped its AccessKeyId and a long STS token, and sends the token as a ClientToken.
    const longToken = `CAIS${'t0k3n'.repeat(70)}`;
    const emulator = await start({
      extraCredentials: [{ accessKeyId: 'STS.LongToken', accessKeySecret: 'long-token-secret', securityToken: longToken }],
    });
    await callError(
      call(popClient(emulator, { accessKeyId: longToken, accessKeySecret: 'x' }), 'DescribeCasterConfig', {
        CasterId: DEMO_STUDIO.CasterId,
      }),
    );
    await callError(call(popClient(emulator), 'AddCasterEpisodeGroup', episodeGroupParams({ ClientToken: `${longToken}zz` })));

    // Act
    const requests = await rawRequest(`${emulator.url}/_emulator/requests`);

    // Assess: neither the whole token nor the 200 characters a log field keeps.
    expect(requests.text).not.toContain(longToken.slice(0, 200));
    expect(requests.text).not.toContain(longToken.slice(0, 40));
  });

  it('list episode groups with their fields, URLs redacted', async () => {
    // Prepare
    const emulator = await start();
    const added = await call<{ ProgramId: string }>(
      popClient(emulator),
      'AddCasterEpisodeGroup',
      episodeGroupParams({ ClientToken: 'shown-token' }),
    );
    // Act
    const answer = await rawRequest(`${emulator.url}/_emulator/episode-groups`);
    // Assess
    expect(answer.status).toBe(200);
    const [group] = answer.json['EpisodeGroups'] as Array<Record<string, unknown>>;
    expect(Object.keys(group!)).toEqual(
      expect.arrayContaining([
        'ProgramId',
        'CasterId',
        'CallbackUrl',
        'DomainName',
        'SideOutputUrl',
        'StartTime',
        'RepeatNum',
        'Items',
        'ClientToken',
        'ReceivedAt',
        'AccessKeyId',
      ]),
    );
    expect(group).toMatchObject({
      ProgramId: added.ProgramId,
      ClientToken: 'shown-token',
      CallbackUrl: expect.stringMatching(/\?auth_key=<redacted>$/),
    });
  });

  it('log each API request with its action, key, algorithm, token, verdict, status and latency', async () => {
    // Prepare
    const emulator = await start();
    const client = popClient(emulator);
    await call(client, 'AddCasterEpisodeGroup', episodeGroupParams({ ClientToken: 'logged-token' }), 'POST');
    await callError(call(client, 'DeleteCasterEpisodeGroup', { ProgramId: 'missing' }));
    // Act
    const entries = await listRequests(emulator);
    // Assess
    expect(entries).toEqual([
      expect.objectContaining({
        Method: 'POST',
        Action: 'AddCasterEpisodeGroup',
        AccessKeyId: DEMO_CREDENTIALS.accessKeyId,
        SignatureAlgorithm: 'v1',
        ClientToken: 'logged-token',
        Verdict: 'ok',
        HttpStatus: 200,
        LatencyMs: expect.any(Number),
        Time: expect.any(String),
      }),
      expect.objectContaining({
        Method: 'GET',
        Action: 'DeleteCasterEpisodeGroup',
        Verdict: 'InvalidProgram.NotFound',
        HttpStatus: 404,
        ClientToken: null,
      }),
    ]);
  });

  it('keep only the most recent requests', async () => {
    // Prepare
    const emulator = await start({ requestLogSize: 2 });
    const client = popClient(emulator);
    for (const casterId of ['a', 'b', 'c']) await callError(call(client, 'DescribeCasterConfig', { CasterId: casterId }));
    // Act
    const entries = await listRequests(emulator);
    // Assess
    expect(entries.map((entry) => (entry['Params'] as Record<string, string>)['CasterId'])).toEqual(['b', 'c']);
  });

  it('are read-only and answer unknown paths with 404', async () => {
    // Prepare
    const emulator = await start();
    // Act
    const post = await rawRequest(`${emulator.url}/_emulator/episode-groups`, { method: 'POST', body: '' });
    const unknown = await rawRequest(`${emulator.url}/_emulator/nothing`);
    // Assess
    expect(post.status).toBe(405);
    expect(unknown.status).toBe(404);
  });
});
