import { describe, expect, it } from 'vitest';
import { type CasterConfig, DEMO_CREDENTIALS, DEMO_STUDIO, type RunningEmulator } from '../../emulator/index';
import { LiveApiError } from '../../shared/src/errors';
import { createLiveClient } from '../../shared/src/live/live-client';
import type { SignatureAlgorithm } from '../../shared/src/signing/credentials';
import { call, callError, episodeGroupContent, episodeGroupParams, popClient, useEmulators } from './support';

const start = useEmulators();
const FUTURE_START = '2031-03-06T19:00:00Z';

interface ProgramInfo {
  CasterId: string;
  DomainName: string;
  ProgramId: string;
  ProgramName: string;
  RepeatNumber: number;
  Status: number;
}
interface ListPlaylistBody {
  ProgramList: ProgramInfo[];
  Total: number;
  RequestId: string;
}
interface ListPlaylistItemsBody {
  ProgramItems: Array<{
    Index: number;
    ProgramId: string;
    ProgramItemId: string;
    ProgramItemName: string;
    ResourceType: string;
    ResourceValue: string;
  }>;
  Total: number;
  RequestId: string;
}
type AddBody = { ProgramId: string; ItemIds: { ItemId: string[] } };

const SECOND_STUDIO: CasterConfig = {
  CasterId: 'LIVEPRODUCER_POST-cn-second0002',
  CallbackUrl: 'http://second.example.com/caster/second?auth_key=1893456000-0-0-bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb',
  DomainName: 'second.example.com',
};

async function addGroups(emulator: RunningEmulator, count: number): Promise<AddBody[]> {
  const added: AddBody[] = [];
  // One after the other so the emulator's oldest-first order is the order of this list.
  for (let index = 0; index < count; index += 1) {
    added.push(await call<AddBody>(popClient(emulator), 'AddCasterEpisodeGroup', episodeGroupParams({ StartTime: FUTURE_START }), 'POST'));
  }
  return added;
}

describe('ListPlaylist through pop-core', () => {
  it('answers every episode group of the account as a playlist of the studio its CallbackUrl and DomainName name', async () => {
    // Prepare
    const emulator = await start({ casters: [DEMO_STUDIO, SECOND_STUDIO] });
    const client = popClient(emulator);
    const flat = await call<AddBody>(
      client,
      'AddCasterEpisodeGroup',
      episodeGroupParams({ StartTime: FUTURE_START, RepeatNum: 3 }),
      'POST',
    );
    const content = await call<AddBody>(
      client,
      'AddCasterEpisodeGroupContent',
      {
        ClientToken: 'second-studio-group',
        Content: episodeGroupContent({
          CallbackUrl: SECOND_STUDIO.CallbackUrl,
          DomainName: SECOND_STUDIO.DomainName,
          StartTime: FUTURE_START,
          RepeatNum: -1,
        }),
      },
      'POST',
    );
    // Act
    const body = await call<ListPlaylistBody>(client, 'ListPlaylist', {});
    // Assess
    expect(body.RequestId).toMatch(/^[0-9A-F-]{36}$/);
    expect(body.Total).toBe(2);
    expect(body.ProgramList).toEqual([
      {
        CasterId: DEMO_STUDIO.CasterId,
        DomainName: DEMO_STUDIO.DomainName,
        ProgramId: flat.ProgramId,
        ProgramName: '',
        RepeatNumber: 3,
        Status: 0,
      },
      {
        CasterId: SECOND_STUDIO.CasterId,
        DomainName: SECOND_STUDIO.DomainName,
        ProgramId: content.ProgramId,
        ProgramName: '',
        RepeatNumber: -1,
        Status: 0,
      },
    ]);
  });

  it('pages with Page and PageSize while Total counts every group', async () => {
    // Prepare: five adds in a row need more than the documented 4 per second.
    const emulator = await start({ qps: { AddCasterEpisodeGroup: 10 } });
    const added = await addGroups(emulator, 5);
    const client = popClient(emulator);
    // Act
    const second = await call<ListPlaylistBody>(client, 'ListPlaylist', { Page: 2, PageSize: 2 });
    const last = await call<ListPlaylistBody>(client, 'ListPlaylist', { Page: 3, PageSize: 2 });
    const beyond = await call<ListPlaylistBody>(client, 'ListPlaylist', { Page: 4, PageSize: 2 });
    // Assess
    expect(second.ProgramList.map((program) => program.ProgramId)).toEqual([added[2]!.ProgramId, added[3]!.ProgramId]);
    expect(last.ProgramList.map((program) => program.ProgramId)).toEqual([added[4]!.ProgramId]);
    expect(beyond.ProgramList).toEqual([]);
    expect([second.Total, last.Total, beyond.Total]).toEqual([5, 5, 5]);
  });

  it('keeps only the groups named by ProgramId, and an unknown ProgramId matches nothing', async () => {
    // Prepare
    const emulator = await start();
    const added = await addGroups(emulator, 3);
    const client = popClient(emulator);
    // Act
    const one = await call<ListPlaylistBody>(client, 'ListPlaylist', { ProgramId: added[1]!.ProgramId });
    const unknown = await call<ListPlaylistBody>(client, 'ListPlaylist', { ProgramId: 'no-such-program' });
    // Assess
    expect(one.ProgramList.map((program) => program.ProgramId)).toEqual([added[1]!.ProgramId]);
    expect(one.Total).toBe(1);
    expect(unknown).toMatchObject({ ProgramList: [], Total: 0 });
  });

  it('no longer lists a deleted group', async () => {
    // Prepare
    const emulator = await start();
    const [kept, deleted] = await addGroups(emulator, 2);
    const client = popClient(emulator);
    await call(client, 'DeleteCasterEpisodeGroup', { ProgramId: deleted!.ProgramId }, 'POST');
    // Act
    const body = await call<ListPlaylistBody>(client, 'ListPlaylist', {});
    // Assess
    expect(body.ProgramList.map((program) => program.ProgramId)).toEqual([kept!.ProgramId]);
    expect(body.Total).toBe(1);
  });

  it('shows a group as running (Status 1) once its StartTime has passed by the emulator clock', async () => {
    // Prepare: a StartTime 5 minutes ahead, then the clock moved 6 minutes (within the signature window).
    let nowMs = Math.floor(Date.now() / 1000) * 1000;
    const emulator = await start({ now: () => nowMs });
    const startTime = new Date(nowMs + 5 * 60_000).toISOString().replace('.000Z', 'Z');
    const client = popClient(emulator);
    await call(client, 'AddCasterEpisodeGroup', episodeGroupParams({ StartTime: startTime }), 'POST');
    // Act
    const before = await call<ListPlaylistBody>(client, 'ListPlaylist', {});
    nowMs += 6 * 60_000;
    const after = await call<ListPlaylistBody>(client, 'ListPlaylist', {});
    // Assess
    expect(before.ProgramList[0]?.Status).toBe(0);
    expect(after.ProgramList[0]?.Status).toBe(1);
  });

  it('never lists another account’s groups', async () => {
    // Prepare
    const other = { accessKeyId: 'LTAI5tOtherAccount', accessKeySecret: 'other-account-secret', accountId: '1000000000000002' };
    const emulator = await start({ extraCredentials: [other] });
    await addGroups(emulator, 2);
    // Act
    const body = await call<ListPlaylistBody>(popClient(emulator, other), 'ListPlaylist', {});
    // Assess
    expect(body).toMatchObject({ ProgramList: [], Total: 0 });
  });

  it.each([
    ['Page', '0'],
    ['Page', 'two'],
    ['PageSize', '-5'],
    ['PageSize', '1.5'],
  ])('refuses %s=%s with InvalidParameter naming it', async (name, value) => {
    // Prepare
    const emulator = await start();
    // Act
    const error = await callError(call(popClient(emulator), 'ListPlaylist', { [name]: value }));
    // Assess
    expect(error.code).toBe('InvalidParameter');
    expect(error.data.Message).toContain(`"${name}"`);
    expect(error.entry.response.statusCode).toBe(400);
  });
});

describe('ListPlaylistItems through pop-core', () => {
  it('answers a group’s episodes in playing order with their ids, names and VOD URLs', async () => {
    // Prepare
    const emulator = await start();
    const [group] = await addGroups(emulator, 1);
    const params = episodeGroupParams();
    const items = params['Item'] as Array<{ ItemName: string; VodUrl: string }>;
    // Act
    const body = await call<ListPlaylistItemsBody>(popClient(emulator), 'ListPlaylistItems', { ProgramId: group!.ProgramId });
    // Assess
    expect(body.Total).toBe(2);
    expect(body.ProgramItems).toEqual(
      items.map((item, index) => ({
        Index: index,
        ProgramId: group!.ProgramId,
        ProgramItemId: group!.ItemIds.ItemId[index],
        ProgramItemName: item.ItemName,
        ResourceType: 'vod',
        ResourceValue: item.VodUrl,
      })),
    );
  });

  it('keeps only the episodes named in ProgramItemIds', async () => {
    // Prepare
    const emulator = await start();
    const [group] = await addGroups(emulator, 1);
    const second = group!.ItemIds.ItemId[1]!;
    // Act
    const body = await call<ListPlaylistItemsBody>(popClient(emulator), 'ListPlaylistItems', {
      ProgramId: group!.ProgramId,
      ProgramItemIds: `${second}, unknown-item`,
    });
    // Assess
    expect(body.ProgramItems.map((item) => [item.Index, item.ProgramItemId])).toEqual([[1, second]]);
    expect(body.Total).toBe(1);
  });

  it('answers InvalidProgram.NotFound (404) for an unknown or deleted ProgramId', async () => {
    // Prepare
    const emulator = await start();
    const [group] = await addGroups(emulator, 1);
    const client = popClient(emulator);
    await call(client, 'DeleteCasterEpisodeGroup', { ProgramId: group!.ProgramId }, 'POST');
    // Act
    const deleted = await callError(call(client, 'ListPlaylistItems', { ProgramId: group!.ProgramId }));
    const unknown = await callError(call(client, 'ListPlaylistItems', { ProgramId: 'no-such-program' }));
    // Assess
    for (const error of [deleted, unknown]) {
      expect(error.code).toBe('InvalidProgram.NotFound');
      expect(error.entry.response.statusCode).toBe(404);
    }
    expect(unknown.data.Message).toContain('no-such-program');
  });

  it('requires ProgramId', async () => {
    // Prepare
    const emulator = await start();
    // Act
    const error = await callError(call(popClient(emulator), 'ListPlaylistItems', {}));
    // Assess
    expect(error.code).toBe('MissingParameter');
    expect(error.data.Message).toContain('"ProgramId"');
  });
});

describe('playlist flow control', () => {
  it.each(['ListPlaylist', 'ListPlaylistItems'])('admits 10 %s calls per second per account and throttles the 11th', async (action) => {
    // Prepare: a frozen clock, so all calls fall in one window.
    const nowMs = Date.now();
    const emulator = await start({ now: () => nowMs });
    const [group] = await addGroups(emulator, 1);
    const client = popClient(emulator);
    // Act
    const settled = await Promise.allSettled(Array.from({ length: 11 }, () => call(client, action, { ProgramId: group!.ProgramId })));
    // Assess
    const codes = settled.map((result) => (result.status === 'fulfilled' ? 'ok' : (result.reason as { code: string }).code));
    expect(codes.filter((code) => code === 'ok')).toHaveLength(10);
    expect(codes.filter((code) => code === 'Throttling.User')).toHaveLength(1);
  });
});

describe.each(['v1', 'acs3'] as const)('playlists through the project Live client (%s)', (algorithm: SignatureAlgorithm) => {
  it('reads the groups it added back with ListPlaylist and ListPlaylistItems, and a missing group as a LiveApiError', async () => {
    // Prepare
    const emulator = await start();
    const [group] = await addGroups(emulator, 1);
    const client = createLiveClient({
      endpoint: emulator.url,
      regionId: 'cn-shanghai',
      credentials: DEMO_CREDENTIALS,
      signatureAlgorithm: algorithm,
      timeoutMs: 5000,
      retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 5 },
    });
    // Act
    const list = await client.call('ListPlaylist', { Page: '1', PageSize: '50' });
    const items = await client.call('ListPlaylistItems', { ProgramId: group!.ProgramId });
    const missing = await client.call('ListPlaylistItems', { ProgramId: 'no-such-program' }).catch((error: unknown) => error);
    // Assess
    expect(list).toMatchObject({ Total: 1, ProgramList: [{ ProgramId: group!.ProgramId, CasterId: DEMO_STUDIO.CasterId }] });
    expect(items).toMatchObject({ Total: 2 });
    expect((items['ProgramItems'] as Array<{ ProgramItemId: string }>).map((item) => item.ProgramItemId)).toEqual(group!.ItemIds.ItemId);
    expect(missing).toBeInstanceOf(LiveApiError);
    expect(missing).toMatchObject({ code: 'InvalidProgram.NotFound', httpStatus: 404 });
  });
});
