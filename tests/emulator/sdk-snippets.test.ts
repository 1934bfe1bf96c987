import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO_STUDIO, type RunningEmulator } from '../../emulator/index';
import { samplePlan } from '../support/plan-fixtures';
import { listEpisodeGroups, listRequests, useEmulators } from './support';

const root = fileURLToPath(new URL('../../', import.meta.url));
const start = useEmulators();
const workDir = mkdtempSync(join(tmpdir(), 'sdk-snippets-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

/** The code block after `<!-- snippet: NAME -->` in docs/emulator.md: the test runs what the reader copies. */
function docSnippet(name: string): string {
  const docs = readFileSync(join(root, 'docs/emulator.md'), 'utf8');
  const match = new RegExp(`<!-- snippet: ${name} -->\\s*\`\`\`js\\n([\\s\\S]*?)\\n\`\`\``).exec(docs);
  if (!match?.[1]) throw new Error(`docs/emulator.md has no snippet "${name}"`);
  return match[1];
}

function writePlan(name: string, plan: Record<string, unknown>): string {
  const path = join(workDir, `${name}.json`);
  writeFileSync(path, JSON.stringify(plan));
  return path;
}

function hundredItems(): Array<{ ItemName: string; VodUrl: string }> {
  // Realistic long signed URLs: about 190 characters each, as a CDN with auth_key hands them out.
  return Array.from({ length: 100 }, (_, index) => ({
    ItemName: `Episode ${index + 1} of the night carousel`,
    VodUrl: `https://vod-cdn.example.com/carousel/season-2031/night/episode-${index + 1}-1080p-h264.mp4?auth_key=1893456000-${index}-0-0f1e2d3c4b5a69788796a5b4c3d2e1f0&region=cn-shanghai`,
  }));
}

interface SnippetRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a snippet as an ES module from the repository root (so its imports resolve), aimed at `emulator`. */
function runSnippet(name: string, emulator: RunningEmulator, planFile: string): Promise<SnippetRun> {
  const source = docSnippet(name).replaceAll('127.0.0.1:8787', `127.0.0.1:${emulator.port}`);
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      ['--input-type=module', '-', planFile],
      { cwd: root, timeout: 60_000, maxBuffer: 1024 * 1024, env: { ...process.env, ALIBABA_CLOUD_ECS_METADATA_DISABLED: 'true' } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
    child.stdin?.end(source);
  });
}

const SNIPPETS = [
  ['pop-core', 'v1'],
  ['openapi-client-v1', 'v1'],
  ['openapi-client-acs3', 'acs3'],
] as const;

describe.each(SNIPPETS)('the documented %s snippet', (name, algorithm) => {
  it('submits examples/plan.json to the emulator, signed as documented', async () => {
    // Prepare
    const emulator = await start();
    // Act
    const run = await runSnippet(name, emulator, join(root, 'examples/plan.json'));
    // Assess
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({ ProgramId: expect.any(String), Items: 3 });
    const requests = await listRequests(emulator);
    expect(requests.map((entry) => [entry['Action'], entry['SignatureAlgorithm'], entry['Verdict']])).toEqual([
      ['DescribeCasterConfig', algorithm, 'ok'],
      ['AddCasterEpisodeGroup', algorithm, 'ok'],
    ]);
  });

  it('submits a 100-item plan with long signed VOD URLs', async () => {
    // Prepare
    const emulator = await start();
    const planFile = writePlan(`hundred-${name}`, samplePlan({ CasterId: DEMO_STUDIO.CasterId, Items: hundredItems() }));
    // Act
    const run = await runSnippet(name, emulator, planFile);
    // Assess
    expect(run.stderr).toBe('');
    const printed = JSON.parse(run.stdout) as { ProgramId: string; Items: number };
    expect(printed.Items).toBe(100);
    const [group] = await listEpisodeGroups(emulator);
    expect(group).toMatchObject({ ProgramId: printed.ProgramId });
    expect(group?.['Items']).toHaveLength(100);
  });

  it('reports the API error code, status and RequestId of a refused plan', async () => {
    // Prepare: an .avi episode, which the API refuses.
    const emulator = await start();
    const planFile = writePlan(`refused-${name}`, samplePlan({ Items: [{ ItemName: 'Bad', VodUrl: 'https://vod.example.com/bad.avi' }] }));
    // Act
    const run = await runSnippet(name, emulator, planFile);
    // Assess
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stderr)).toEqual({ code: 'InvalidParameter', status: 400, requestId: expect.stringMatching(/^[0-9A-F-]{36}$/) });
  });
});

describe.each(['openapi-client-v1', 'openapi-client-acs3'])('the documented %s snippet over the size limit', (name) => {
  it('reads the emulator’s JSON RequestHeaderFieldsTooLarge answer, not an empty 431', async () => {
    // Prepare: a limit small enough for a 100-item plan in the URL to exceed it.
    const emulator = await start({ maxHeaderBytes: 16 * 1024 });
    const planFile = writePlan(`over-${name}`, samplePlan({ CasterId: DEMO_STUDIO.CasterId, Items: hundredItems() }));
    // Act
    const run = await runSnippet(name, emulator, planFile);
    // Assess
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stderr)).toEqual({
      code: 'RequestHeaderFieldsTooLarge',
      status: 431,
      requestId: expect.stringMatching(/^[0-9A-F-]{36}$/),
    });
    expect(await listEpisodeGroups(emulator)).toEqual([]);
  });
});
