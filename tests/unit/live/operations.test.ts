import { describe, expect, it } from 'vitest';
import { LiveApiError } from '../../../shared/src/errors';
import type { CallOptions, LiveClient } from '../../../shared/src/live/live-client';
import { interpretAnswer } from '../../../shared/src/live/live-client';
import { deleteCasterEpisodeGroup, describeCasterConfig, episodeGroupParams, parseItemIds } from '../../../shared/src/live/operations';

/** A client that records calls and answers with a fixed body, for the operation wrappers. */
function recordingClient(body: Record<string, unknown>) {
  const calls: Array<{ action: string; params: Readonly<Record<string, string>>; options: CallOptions | undefined }> = [];
  const client: LiveClient = {
    endpoint: new URL('http://127.0.0.1:1'),
    regionId: 'cn-shanghai',
    call: async (action, params, options) => {
      calls.push({ action, params, options });
      return body;
    },
    prepare: () => {
      throw new Error('not used');
    },
  };
  return { client, calls };
}

describe('parseItemIds', () => {
  it.each([
    ['a flat array (older documentation sample)', ['a', 'b'], ['a', 'b']],
    ['{ ItemId: [...] } (SDK model)', { ItemId: ['a', 'b'] }, ['a', 'b']],
    ['{ ItemId: "a" } (single id from XML conversion)', { ItemId: 'a' }, ['a']],
    ['a bare string', 'a', ['a']],
    ['an empty wrapper', { ItemId: [] }, []],
    ['absent', undefined, []],
    ['null', null, []],
    ['a number', 5, []],
    ['an array with non-string entries, keeping only strings', ['a', 1, null, 'b'], ['a', 'b']],
  ])('reads %s', (_name, value, expected) => {
    // Prepare
    const input: unknown = value;

    // Act
    const ids = parseItemIds(input);

    // Assess
    expect(ids).toEqual(expected);
  });
});

describe('episodeGroupParams', () => {
  it('numbers items from 1 and writes RepeatNum as text', () => {
    // Prepare
    const request = {
      CallbackUrl: 'http://cb',
      DomainName: 'example.com',
      StartTime: '2031-01-01T00:00:00Z',
      RepeatNum: 0,
      ClientToken: 't',
      Items: [
        { ItemName: 'one', VodUrl: 'http://v/1.mp4' },
        { ItemName: 'two', VodUrl: 'http://v/2.mp4' },
        { ItemName: 'three', VodUrl: 'http://v/3.mp4' },
      ],
    };

    // Act
    const params = episodeGroupParams(request);

    // Assess
    expect(params).toEqual({
      CallbackUrl: 'http://cb',
      ClientToken: 't',
      DomainName: 'example.com',
      RepeatNum: '0',
      StartTime: '2031-01-01T00:00:00Z',
      'Item.1.ItemName': 'one',
      'Item.1.VodUrl': 'http://v/1.mp4',
      'Item.2.ItemName': 'two',
      'Item.2.VodUrl': 'http://v/2.mp4',
      'Item.3.ItemName': 'three',
      'Item.3.VodUrl': 'http://v/3.mp4',
    });
  });
});

describe('episodeGroupParams numbers long lists', () => {
  it('names item N `Item.N.*` for lists of any length, whatever lists were numbered before', () => {
    // Prepare
    const request = (count: number) => ({
      CallbackUrl: 'http://cb',
      DomainName: 'example.com',
      StartTime: '2031-01-01T00:00:00Z',
      RepeatNum: 0,
      ClientToken: 't',
      Items: Array.from({ length: count }, (_, index) => ({ ItemName: `n${index + 1}`, VodUrl: `http://v/${index + 1}.mp4` })),
    });

    // Act
    const lists = [3, 120, 5].map((count) => episodeGroupParams(request(count)));

    // Assess
    lists.forEach((params, list) => {
      const count = [3, 120, 5][list] as number;
      for (let number = 1; number <= count; number += 1) {
        expect(params[`Item.${number}.ItemName`]).toBe(`n${number}`);
        expect(params[`Item.${number}.VodUrl`]).toBe(`http://v/${number}.mp4`);
      }
      expect(Object.keys(params).filter((name) => name.startsWith('Item.'))).toHaveLength(2 * count);
    });
  });
});

describe('describeCasterConfig', () => {
  it('asks for the studio by CasterId and keeps the fields scheduling needs', async () => {
    // Prepare
    const { client, calls } = recordingClient({
      CasterId: 'LIVEPRODUCER_POST-cn-1',
      CallbackUrl: 'http://learn.aliyundoc.com/callBackLive',
      DomainName: 'example.com',
      SideOutputUrl: 'rtmp://side/x',
      RequestId: 'R-1',
      CasterName: 'ignored',
    });

    // Act
    const config = await describeCasterConfig(client, 'LIVEPRODUCER_POST-cn-1', { deadlineAtMs: 123 });

    // Assess
    expect(calls).toEqual([
      {
        action: 'DescribeCasterConfig',
        params: { CasterId: 'LIVEPRODUCER_POST-cn-1' },
        options: { httpMethod: 'POST', deadlineAtMs: 123 },
      },
    ]);
    expect(config).toEqual({
      CasterId: 'LIVEPRODUCER_POST-cn-1',
      CallbackUrl: 'http://learn.aliyundoc.com/callBackLive',
      DomainName: 'example.com',
      SideOutputUrl: 'rtmp://side/x',
      RequestId: 'R-1',
    });
  });

  it('treats empty CallbackUrl and DomainName as absent', async () => {
    // Prepare
    const { client } = recordingClient({ CallbackUrl: '', DomainName: '', RequestId: 'R-2' });

    // Act
    const config = await describeCasterConfig(client, 'c-1');

    // Assess
    expect(config.CasterId).toBe('c-1');
    expect(config.CallbackUrl).toBeUndefined();
    expect(config.DomainName).toBeUndefined();
  });
});

describe('deleteCasterEpisodeGroup', () => {
  it('deletes by ProgramId over POST and returns the RequestId', async () => {
    // Prepare
    const { client, calls } = recordingClient({ RequestId: 'R-del' });

    // Act
    const result = await deleteCasterEpisodeGroup(client, 'P-1');

    // Assess
    expect(calls[0]).toMatchObject({ action: 'DeleteCasterEpisodeGroup', params: { ProgramId: 'P-1' }, options: { httpMethod: 'POST' } });
    expect(result).toEqual({ RequestId: 'R-del' });
  });
});

describe('interpretAnswer', () => {
  it.each(['200', 'OK', 'Success', 'success'])('accepts a body whose Code is the success value %s', (code) => {
    // Prepare
    const answer = { status: 200, headers: {}, body: JSON.stringify({ Code: code, RequestId: 'R' }) };

    // Act
    const body = interpretAnswer('A', answer);

    // Assess
    expect(body['RequestId']).toBe('R');
  });

  it('turns an error status without a Code into a LiveApiError named after the status', () => {
    // Prepare
    const answer = { status: 503, headers: {}, body: '{"RequestId":"R"}' };

    // Act
    const interpret = () => interpretAnswer('A', answer);

    // Assess
    expect(interpret).toThrow(LiveApiError);
    expect(interpret).toThrow(expect.objectContaining({ code: 'Http503', retryable: true, requestId: 'R' }));
  });

  it('refuses a JSON body that is not an object, without retrying', () => {
    // Prepare
    const answer = { status: 200, headers: {}, body: '[1,2]' };

    // Act
    const interpret = () => interpretAnswer('A', answer);

    // Assess
    expect(interpret).toThrow(expect.objectContaining({ code: 'InvalidResponse', retryable: false }));
  });

  it('does not retry a non-JSON 4xx body (a client-side problem, not a passing outage)', () => {
    // Prepare
    const answer = { status: 404, headers: {}, body: '<html>Not Found</html>' };

    // Act
    const interpret = () => interpretAnswer('A', answer);

    // Assess
    expect(interpret).toThrow(expect.objectContaining({ code: 'InvalidResponse', retryable: false, httpStatus: 404 }));
  });

  it('keeps x-acs-retry-after on the error', () => {
    // Prepare
    const answer = { status: 400, headers: { 'x-acs-retry-after': '800' }, body: '{"Code":"Throttling.User","Message":"slow"}' };

    // Act
    const interpret = () => interpretAnswer('A', answer);

    // Assess
    expect(interpret).toThrow(expect.objectContaining({ code: 'Throttling.User', retryable: true, retryAfterMs: 800 }));
  });
});
