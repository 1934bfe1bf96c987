import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, expect } from 'vitest';
import { DEMO_CREDENTIALS, DEMO_STUDIO } from '../../emulator/index';
import { type RedisServer, startRedisServer } from './redis-server';
import type { CliRun } from './run-built-cli';

/** The built CLI's environment against an emulator: the demo keys, its URL, the demo studio, a ledger file, UTC; overrides win. */
export const cliEnvironment = (
  liveEndpoint: string,
  ledgerFile: string,
  overrides: Record<string, string> = {},
): Record<string, string> => ({
  ALIBABA_CLOUD_ACCESS_KEY_ID: DEMO_CREDENTIALS.accessKeyId,
  ALIBABA_CLOUD_ACCESS_KEY_SECRET: DEMO_CREDENTIALS.accessKeySecret,
  LIVE_ENDPOINT: liveEndpoint,
  CASTER_ID: DEMO_STUDIO.CasterId,
  LEDGER_FILE: ledgerFile,
  // Tables show times in the local zone: UTC unless overridden, whatever the machine's.
  TZ: 'UTC',
  ...overrides,
});

let planFiles = 0;
/** Writes a plan as JSON to a fresh plan-N.json in workDir and returns the file's path. */
export const writePlan = async (workDir: string, plan: Record<string, unknown>): Promise<string> => {
  const file = join(workDir, `plan-${++planFiles}.json`);
  await writeFile(file, JSON.stringify(plan));
  return file;
};

/** Expects the CLI run to have succeeded (stderr as the message otherwise) and returns its stdout parsed as JSON. */
export const okJson = <T = Record<string, unknown>>(run: CliRun): T => {
  expect(run.exitCode, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as T;
};

/** The ProgramIds of the episode groups the emulator at url holds. */
export const groupsInEmulator = async (url: string): Promise<string[]> => {
  const body = (await (await fetch(`${url}/_emulator/episode-groups`)).json()) as { EpisodeGroups: { ProgramId: string }[] };
  return body.EpisodeGroups.map((group) => group.ProgramId);
};

/** The rows of an `ls` table by column title (cells are separated by two spaces or more; notes in parentheses skipped). */
export function tableRows(stdout: string): Record<string, string>[] {
  const lines = stdout.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('('));
  const headerIndex = lines.findIndex((line) => line.startsWith('STATE'));
  if (headerIndex === -1) return [];
  const titles = (lines[headerIndex] as string).split(/ {2,}/);
  return lines.slice(headerIndex + 1).map((line) => {
    const cells = line.split(/ {2,}/);
    return Object.fromEntries(titles.map((title, column) => [title, cells[column] ?? '']));
  });
}
/** The row of an `ls` table whose PROGRAM ID is programId, if any. */
export const rowOf = (stdout: string, programId: unknown): Record<string, string> | undefined =>
  tableRows(stdout).find((row) => row['PROGRAM ID'] === programId);

/** Starts a redis-server before each test of the enclosing describe and stops it after; call the result for the current one. */
export function redisPerTest(): () => RedisServer {
  let redis: RedisServer | undefined;
  beforeEach(async () => {
    redis = await startRedisServer();
  });
  afterEach(async () => {
    await redis?.stop();
  });
  return () => {
    if (redis === undefined) throw new Error('redisPerTest: no redis-server outside a test');
    return redis;
  };
}
