import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator } from '../../emulator/index';
import { call, episodeGroupParams, listEpisodeGroups, popClient, useEmulators } from './support';

const start = useEmulators();
let directory: string;

beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'emulator-data-'));
});
afterEach(() => {
  rmSync(directory, { recursive: true, force: true });
});

describe('--data persistence', () => {
  it('keeps episode groups and ClientToken answers across a restart', async () => {
    // Prepare
    const dataFile = join(directory, 'state.json');
    const first = await start({ dataFile });
    const params = episodeGroupParams({ ClientToken: 'survives-restart' });
    const added = await call<{ ProgramId: string; ItemIds: { ItemId: string[] } }>(
      popClient(first),
      'AddCasterEpisodeGroup',
      params,
      'POST',
    );
    await call(popClient(first), 'AddCasterEpisodeGroup', episodeGroupParams(), 'POST');
    const before = await listEpisodeGroups(first);
    await first.close();
    // Act
    const second = await start({ dataFile });
    const after = await listEpisodeGroups(second);
    const retried = await call<{ ProgramId: string; ItemIds: { ItemId: string[] } }>(
      popClient(second),
      'AddCasterEpisodeGroup',
      params,
      'POST',
    );
    // Assess
    expect(after).toEqual(before);
    expect(after).toHaveLength(2);
    expect(retried.ProgramId).toBe(added.ProgramId);
    expect(retried.ItemIds).toEqual(added.ItemIds);
    expect(await listEpisodeGroups(second)).toHaveLength(2);
  });

  it('persists deletions', async () => {
    // Prepare
    const dataFile = join(directory, 'state.json');
    const first = await start({ dataFile });
    const added = await call<{ ProgramId: string }>(popClient(first), 'AddCasterEpisodeGroup', episodeGroupParams());
    await call(popClient(first), 'DeleteCasterEpisodeGroup', { ProgramId: added.ProgramId });
    await first.close();
    // Act
    const second = await start({ dataFile });
    // Assess
    expect(await listEpisodeGroups(second)).toEqual([]);
  });

  it('writes the file atomically: no temp file left, a complete JSON document, owner-only permissions', async () => {
    // Prepare
    const dataFile = join(directory, 'state.json');
    const emulator = await start({ dataFile });
    // Act
    await call(popClient(emulator), 'AddCasterEpisodeGroup', episodeGroupParams());
    // Assess
    expect(readdirSync(directory)).toEqual(['state.json']);
    expect(JSON.parse(readFileSync(dataFile, 'utf8'))).toMatchObject({
      Kind: 'caster-carousel-emulator-state',
      EpisodeGroups: [expect.any(Object)],
    });
    if (process.platform !== 'win32') expect(statSync(dataFile).mode & 0o077).toBe(0);
  });

  it('refuses to start on a truncated data file, naming it, and leaves the file untouched', async () => {
    // Prepare
    const dataFile = join(directory, 'state.json');
    const emulator = await start({ dataFile });
    await call(popClient(emulator), 'AddCasterEpisodeGroup', episodeGroupParams());
    await emulator.close();
    const full = readFileSync(dataFile, 'utf8');
    const truncated = full.slice(0, Math.floor(full.length / 2));
    writeFileSync(dataFile, truncated);
    // Act
    const starting = startEmulator({ port: 0, env: {}, dataFile });
    // Assess
    await expect(starting).rejects.toThrow(/Data file .*state\.json is corrupt or incomplete/);
    expect(readFileSync(dataFile, 'utf8')).toBe(truncated);
  });

  it('refuses a data file that is valid JSON but not emulator state', async () => {
    // Prepare
    const dataFile = join(directory, 'state.json');
    writeFileSync(dataFile, JSON.stringify({ EpisodeGroups: 'nope' }));
    // Act
    const starting = startEmulator({ port: 0, env: {}, dataFile });
    // Assess
    await expect(starting).rejects.toThrow(/corrupt or incomplete/);
  });
});
