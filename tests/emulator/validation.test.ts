import { describe, expect, it } from 'vitest';
import { call, callError, episodeGroupContent, episodeGroupParams, listEpisodeGroups, popClient, useEmulators } from './support';

const start = useEmulators();

function without(name: string): Record<string, unknown> {
  const params = episodeGroupParams();
  delete params[name];
  return params;
}

describe('AddCasterEpisodeGroup parameter checks', () => {
  it.each([
    ['CallbackUrl', without('CallbackUrl')],
    ['ClientToken', without('ClientToken')],
    ['DomainName', without('DomainName')],
    ['RepeatNum', without('RepeatNum')],
    ['StartTime', without('StartTime')],
    ['StartTime', episodeGroupParams({ StartTime: '' })],
    ['Item.1.ItemName', without('Item')],
    ['Item.2.VodUrl', episodeGroupParams({ Item: [{ ItemName: 'a', VodUrl: 'http://v.example.com/a.mp4' }, { ItemName: 'b' }] })],
  ])('answers MissingParameter naming %s', async (name, params) => {
    // Prepare
    const emulator = await start();
    // Act
    const error = await callError(call(popClient(emulator), 'AddCasterEpisodeGroup', params, 'POST'));
    // Assess
    expect(error.code).toBe('MissingParameter');
    expect(error.data.Message).toBe(`The input parameter "${name}" that is mandatory for processing this request is not supplied.`);
    expect(await listEpisodeGroups(emulator)).toEqual([]);
  });

  it('answers a gap in the Item.N numbering with MissingParameter for the first missing item', async () => {
    // Prepare
    const emulator = await start();
    const params = {
      ...without('Item'),
      'Item.1.ItemName': 'a',
      'Item.1.VodUrl': 'http://v.example.com/a.mp4',
      'Item.3.ItemName': 'c',
      'Item.3.VodUrl': 'http://v.example.com/c.mp4',
    };
    // Act
    const error = await callError(call(popClient(emulator), 'AddCasterEpisodeGroup', params));
    // Assess
    expect(error.code).toBe('MissingParameter');
    expect(error.data.Message).toContain('"Item.2.ItemName"');
  });

  it.each([
    ['StartTime', { StartTime: '2030-01-01 08:00:00' }],
    ['StartTime', { StartTime: '2030-01-01T08:00:00+08:00' }],
    ['StartTime', { StartTime: '2030-01-01T08:00:00.000Z' }],
    ['StartTime', { StartTime: '2030-02-30T08:00:00Z' }],
    ['RepeatNum', { RepeatNum: -2 }],
    ['RepeatNum', { RepeatNum: '1.5' }],
    ['RepeatNum', { RepeatNum: 'forever' }],
    ['ClientToken', { ClientToken: 'jeton-é' }],
    ['ClientToken', { ClientToken: 'x'.repeat(65) }],
    [
      'Item.2.VodUrl',
      {
        Item: [
          { ItemName: 'a', VodUrl: 'http://v.example.com/a.mp4' },
          { ItemName: 'b', VodUrl: 'http://v.example.com/b.mkv' },
        ],
      },
    ],
    ['Item.1.VodUrl', { Item: [{ ItemName: 'a', VodUrl: 'not a url' }] }],
    ['Item.0.ItemName', { Item: undefined, 'Item.0.ItemName': 'a', 'Item.0.VodUrl': 'http://v.example.com/a.mp4' }],
    ['CallbackUrl', { CallbackUrl: 'http://demo.example.com/caster/somebody-else?auth_key=1-0-0-x' }],
    ['DomainName', { DomainName: 'other.example.com' }],
  ])('answers InvalidParameter naming %s for a bad value', async (name, overrides) => {
    // Prepare
    const emulator = await start();
    const params = Object.fromEntries(Object.entries(episodeGroupParams(overrides)).filter(([, value]) => value !== undefined));
    // Act
    const error = await callError(call(popClient(emulator), 'AddCasterEpisodeGroup', params));
    // Assess
    expect(error.code).toBe('InvalidParameter');
    expect(error.entry.response.statusCode).toBe(400);
    expect(error.data.Message).toContain(`"${name}"`);
    expect(await listEpisodeGroups(emulator)).toEqual([]);
  });

  it('accepts a ClientToken of exactly 64 ASCII characters and a positive RepeatNum', async () => {
    // Prepare
    const emulator = await start();
    // Act
    const body = await call(
      popClient(emulator),
      'AddCasterEpisodeGroup',
      episodeGroupParams({ ClientToken: 'x'.repeat(64), RepeatNum: 3 }),
    );
    // Assess
    expect(body['ProgramId']).toBeTruthy();
  });
});

describe('AddCasterEpisodeGroupContent parameter checks', () => {
  it.each([
    ['InvalidParameter', '"Content"', { Content: '{not json' }],
    ['InvalidParameter', '"Content"', { Content: '[1,2]' }],
    ['MissingParameter', '"Content"', { Content: undefined }],
    ['MissingParameter', '"Content.Items"', { Content: episodeGroupContent({ Items: undefined }) }],
    ['MissingParameter', '"Content.CallbackUrl"', { Content: episodeGroupContent({ CallbackUrl: '' }) }],
    ['InvalidParameter', '"Content.RepeatNum"', { Content: episodeGroupContent({ RepeatNum: 2.5 }) }],
    [
      'InvalidParameter',
      '"Content.Items[0].VodUrl"',
      { Content: episodeGroupContent({ Items: [{ ItemName: 'a', VodUrl: 'http://v.example.com/a.avi' }] }) },
    ],
  ])('answers %s naming %s', async (code, quotedName, overrides) => {
    // Prepare
    const emulator = await start();
    const params = Object.fromEntries(
      Object.entries({ ClientToken: 'content-token', ...overrides }).filter(([, value]) => value !== undefined),
    );
    // Act
    const error = await callError(call(popClient(emulator), 'AddCasterEpisodeGroupContent', params, 'POST'));
    // Assess
    expect(error.code).toBe(code);
    expect(error.data.Message).toContain(quotedName);
  });

  it('answers DeleteCasterEpisodeGroup without a ProgramId with MissingParameter', async () => {
    // Prepare
    const emulator = await start();
    // Act
    const error = await callError(call(popClient(emulator), 'DeleteCasterEpisodeGroup', {}));
    // Assess
    expect(error.code).toBe('MissingParameter');
    expect(error.data.Message).toContain('"ProgramId"');
  });
});
