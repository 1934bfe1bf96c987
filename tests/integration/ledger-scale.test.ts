/**
 * A year (and more) of history must not change what a tick does: 50,000 finished records imported with the built
 * CLI, then one tick through the built timer function (laid out as FC lays it out, credentials only in
 * context.credentials) against the emulator over loopback, with a real redis-server. What is asserted is the
 * answer and the Redis commands the tick sends (how many, and that none reads history wholesale), never a time.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_CREDENTIALS } from '../../emulator/index';
import { type FcFunctionHost, type InvocationOutcome, startFcFunction } from '../../local/fc-host';
import type { TimerResult } from '../../shared/src/fc/timer/schedule-timer-plan';
import type { LedgerRecord } from '../../shared/src/ledger/ledger-record';
import { Redis } from '../../shared/src/pacing/redis-connection';
import { TEST_STS_CREDENTIALS, timerEventBuffer } from '../support/fc-events';
import { ensureBuilt, layOutBuiltFunction } from '../support/fc-layout';
import { type FcTestbed, startFcTestbed } from '../support/fc-testbed';
import { exportLines, historyRecords } from '../support/ledger-history';
import { samplePlan } from '../support/plan-fixtures';
import { type RedisServer, startRedisServer } from '../support/redis-server';
import { runBuiltCli } from '../support/run-built-cli';

const HISTORY = 50_000;
// Commands that answer with a whole hash, a whole keyspace or a scan of one: none belongs on a tick's path.
const WHOLESALE = ['hgetall', 'hkeys', 'hvals', 'keys', 'scan', 'hscan', 'smembers', 'sscan', 'zscan'];

let redis: RedisServer;
let inspector: Redis;
let layoutBase: string;
let workDir: string;
let testbed: FcTestbed;
const hosts: FcFunctionHost[] = [];
let layouts = 0;
beforeAll(async () => {
  ensureBuilt();
  redis = await startRedisServer();
  inspector = new Redis(redis.url);
  layoutBase = mkdtempSync(join(tmpdir(), 'ledger-scale-fc-'));
}, 180_000);
afterAll(async () => {
  inspector?.disconnect();
  await redis?.stop();
  rmSync(layoutBase, { recursive: true, force: true });
});
beforeEach(async () => {
  testbed = await startFcTestbed();
  workDir = mkdtempSync(join(tmpdir(), 'ledger-scale-'));
});
afterEach(async () => {
  await Promise.all(hosts.splice(0).map((host) => host.close()));
  await testbed.close();
  rmSync(workDir, { recursive: true, force: true });
});

/** The built timer function with this environment, in an instance of its own. */
function timerFunction(env: Record<string, string>): FcFunctionHost {
  const host = startFcFunction({
    name: 'caster-carousel-timer',
    ...layOutBuiltFunction(layoutBase, 'timer', `timer-${++layouts}`),
    env: { ...testbed.env, LOG_LEVEL: 'warn', ...env },
    credentials: TEST_STS_CREDENTIALS,
    timeoutSeconds: 60,
    onOutput: () => undefined,
  });
  hosts.push(host);
  return host;
}
const resultOf = <T>(outcome: InvocationOutcome): T => {
  if (!outcome.ok) throw new Error(`the function failed: ${outcome.error.errorType}: ${outcome.error.errorMessage}`);
  return outcome.result as T;
};
/** One tick of a new trigger (its own slot), on a fresh instance. */
const tick = async (env: Record<string, string>, triggerName: string): Promise<TimerResult> =>
  resultOf<TimerResult>(
    await timerFunction(env).invoke(
      timerEventBuffer({
        triggerName,
        triggerTime: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
        payload: JSON.stringify(samplePlan({ StartTime: undefined, StartOffset: 'PT1H' })),
      }),
    ),
  );
/** Imports `count` finished records into the scope of `env` with the built CLI. */
async function importHistory(env: Record<string, string>, account: string, count: number): Promise<LedgerRecord[]> {
  const history = historyRecords({ count, tag: account });
  const file = join(workDir, `history-${account}.jsonl`);
  await writeFile(file, exportLines(`${testbed.emulator.url}|cn-shanghai|${account}`, history));
  const run = await runBuiltCli(['ledger', 'import', file, '--json'], {
    ...env,
    LIVE_ENDPOINT: testbed.emulator.url,
    ALIBABA_CLOUD_ACCESS_KEY_ID: DEMO_CREDENTIALS.accessKeyId,
    ALIBABA_CLOUD_ACCESS_KEY_SECRET: DEMO_CREDENTIALS.accessKeySecret,
  });
  expect(run.exitCode, run.stderr).toBe(0);
  expect(JSON.parse(run.stdout)).toMatchObject({ Records: count, Added: count });
  return history;
}
/** Redis's calls per command since the last reset, the inspector's own left out. */
async function commandCounts(): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const line of (await inspector.info('commandstats')).split('\n')) {
    const match = /^cmdstat_([^:]+):calls=(\d+)/.exec(line.trim());
    if (match && !['info', 'config|resetstat', 'config'].includes(match[1] as string)) counts[match[1] as string] = Number(match[2]);
  }
  return counts;
}

describe('one tick over 50,000 records of history', () => {
  it('Redis: answers as over an empty ledger, with the same Redis commands, none reading history wholesale', async () => {
    // Prepare: a warm-up tick (Redis learns the scripts), an empty scope, and a scope holding 50,000 records.
    await tick({ REDIS_URL: redis.url, PACING_ACCOUNT: `warm-${randomUUID()}` }, 'warm-up');
    const emptyEnv = { REDIS_URL: redis.url, PACING_ACCOUNT: `empty-${randomUUID()}` };
    const historyAccount = `history-${randomUUID()}`;
    const historyEnv = { REDIS_URL: redis.url, PACING_ACCOUNT: historyAccount };
    await importHistory(historyEnv, historyAccount, HISTORY);
    await inspector.config('RESETSTAT');
    const overEmpty = await tick(emptyEnv, 'daily-loop');
    const emptyCommands = await commandCounts();
    await inspector.config('RESETSTAT');

    // Act
    const overHistory = await tick(historyEnv, 'daily-loop');

    // Assess
    const historyCommands = await commandCounts();
    expect(overHistory).toMatchObject({ State: 'scheduled', Slot: 'daily-loop', FromLedger: false, Retired: [], Replaced: [] });
    expect(overHistory.UnreconciledSlots).toBeUndefined();
    expect(overEmpty).toMatchObject({ State: 'scheduled', Slot: 'daily-loop' });
    expect(historyCommands).toEqual(emptyCommands);
    expect(Object.keys(historyCommands).filter((name) => WHOLESALE.includes(name))).toEqual([]);
  }, 180_000);

  it('file: answers the tick, and the live file it rewrites holds only the open records, never history', async () => {
    // Prepare
    const ledgerFile = join(workDir, 'ledger.json');
    const account = `history-${randomUUID()}`;
    const env = { LEDGER_FILE: ledgerFile, PACING_ACCOUNT: account };
    await importHistory(env, account, HISTORY);

    // Act
    const result = await tick(env, 'daily-loop');

    // Assess
    expect(result).toMatchObject({ State: 'scheduled', Slot: 'daily-loop', FromLedger: false });
    const live = JSON.parse(await readFile(ledgerFile, 'utf8')) as { scopes: Record<string, { records: Record<string, LedgerRecord> }> };
    const records = Object.values(live.scopes[`${testbed.emulator.url}|cn-shanghai|${account}`]?.records ?? {});
    expect(records.map((record) => record.ProgramId)).toEqual([result.ProgramId]);
  }, 180_000);
});

describe('a tick whose ledger cannot answer', () => {
  it('says in its result and its log that no slot was reconciled, and still schedules its group', async () => {
    // Prepare: Redis stalls (SIGSTOP): every command waits out its timeout.
    const lines: string[] = [];
    const host = startFcFunction({
      name: 'caster-carousel-timer',
      ...layOutBuiltFunction(layoutBase, 'timer', `timer-${++layouts}`),
      env: { ...testbed.env, REDIS_URL: redis.url, PACING_ACCOUNT: `stalled-${randomUUID()}` },
      credentials: TEST_STS_CREDENTIALS,
      timeoutSeconds: 60,
      onOutput: (text) => lines.push(text),
    });
    hosts.push(host);
    redis.pause();

    // Act
    let outcome: InvocationOutcome;
    try {
      outcome = await host.invoke(
        timerEventBuffer({
          triggerName: 'stalled',
          triggerTime: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
          payload: JSON.stringify(samplePlan({ StartTime: undefined, StartOffset: 'PT1H' })),
        }),
      );
    } finally {
      redis.resume();
    }

    // Assess
    const result = resultOf<TimerResult>(outcome);
    expect(result.ProgramId).toEqual(expect.any(String));
    expect(result.UnreconciledSlots).toEqual(['*']);
    const logged = lines
      .join('')
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(logged.find((line) => line['message'] === 'could not reconcile the schedule')).toMatchObject({ unreconciledSlots: ['*'] });
  }, 60_000);
});
