import { describe, expect, it } from 'vitest';
import { DEMO_CREDENTIALS } from '../../emulator/index';
import { call, callError, episodeGroupContent, episodeGroupParams, listEpisodeGroups, popClient, useEmulators } from './support';

const start = useEmulators();
const STS = { accessKeyId: 'STS.SameAccountKey', accessKeySecret: 'sts-secret', securityToken: 'sts-token' };

interface AddAnswer {
  ProgramId: string;
  ItemIds: { ItemId: string[] };
  RequestId: string;
}

describe('ClientToken idempotency', () => {
  it('answers the same token with the same parameters with the first ProgramId and ItemIds, creating one group', async () => {
    // Prepare
    const emulator = await start();
    const client = popClient(emulator);
    const params = episodeGroupParams({ ClientToken: 'retry-me' });
    const first = await call<AddAnswer>(client, 'AddCasterEpisodeGroup', params, 'POST');
    // Act
    const second = await call<AddAnswer>(client, 'AddCasterEpisodeGroup', params, 'GET');
    // Assess
    expect(second.ProgramId).toBe(first.ProgramId);
    expect(second.ItemIds).toEqual(first.ItemIds);
    expect(second.RequestId).not.toBe(first.RequestId);
    expect(await listEpisodeGroups(emulator)).toHaveLength(1);
  });

  it('answers the same token with other parameters with IdempotentParameterMismatch', async () => {
    // Prepare
    const emulator = await start();
    const client = popClient(emulator);
    await call(client, 'AddCasterEpisodeGroup', episodeGroupParams({ ClientToken: 'reused' }));
    // Act
    const error = await callError(call(client, 'AddCasterEpisodeGroup', episodeGroupParams({ ClientToken: 'reused', RepeatNum: 0 })));
    // Assess
    expect(error.code).toBe('IdempotentParameterMismatch');
    expect(error.entry.response.statusCode).toBe(400);
    expect(await listEpisodeGroups(emulator)).toHaveLength(1);
  });

  it('shares tokens between the STS key and the long-term key of one account', async () => {
    // Prepare
    const emulator = await start({ extraCredentials: [STS] });
    const params = episodeGroupParams({ ClientToken: 'one-account' });
    const first = await call<AddAnswer>(popClient(emulator, DEMO_CREDENTIALS), 'AddCasterEpisodeGroup', params);
    // Act
    const second = await call<AddAnswer>(popClient(emulator, STS), 'AddCasterEpisodeGroup', params);
    // Assess
    expect(second.ProgramId).toBe(first.ProgramId);
  });

  it('keeps the tokens of different accounts apart', async () => {
    // Prepare
    const emulator = await start({ extraCredentials: [{ ...STS, accountId: '2000000000000002' }] });
    const params = episodeGroupParams({ ClientToken: 'two-accounts' });
    const first = await call<AddAnswer>(popClient(emulator, DEMO_CREDENTIALS), 'AddCasterEpisodeGroup', params);
    // Act
    const second = await call<AddAnswer>(popClient(emulator, STS), 'AddCasterEpisodeGroup', params);
    // Assess
    expect(second.ProgramId).not.toBe(first.ProgramId);
    expect(await listEpisodeGroups(emulator)).toHaveLength(2);
  });

  it('replays the first answer for AddCasterEpisodeGroupContent retries too', async () => {
    // Prepare
    const emulator = await start();
    const client = popClient(emulator);
    const params = { ClientToken: 'content-retry', Content: episodeGroupContent() };
    const first = await call<AddAnswer>(client, 'AddCasterEpisodeGroupContent', params, 'POST');
    // Act
    const second = await call<AddAnswer>(client, 'AddCasterEpisodeGroupContent', params, 'POST');
    const changed = await callError(
      call(client, 'AddCasterEpisodeGroupContent', { ...params, Content: episodeGroupContent({ RepeatNum: 5 }) }, 'POST'),
    );
    // Assess
    expect(second.ProgramId).toBe(first.ProgramId);
    expect(changed.code).toBe('IdempotentParameterMismatch');
  });
});
