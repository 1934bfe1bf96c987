// History out of the way, as an operator meets it through the built CLI against the emulator over loopback HTTP,
// with both ledgers (a real redis-server for Redis): groups that ended longer ago than LEDGER_RETENTION_DAYS move
// to the archive, a retried trigger is still answered from there, `ls --all` and `ls --since` page through it, and
// `ledger export` / `ledger import` carry a ledger between the two stores line for line, and `ledger migrate`
// carries the earlier release's ledger over, so the groups it scheduled stay known: its superseded group (still in
// the studio, which that release never deleted on Function Compute) is retired by the timeline once its successor
// has started, its unanswered intent is finished with its own token, and a retried trigger creates nothing.
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_CREDENTIALS, DEMO_STUDIO, type RunningEmulator, startEmulator } from '../../emulator/index';
import { createFileLedgerStore } from '../../shared/src/ledger/file-ledger-store';
import type { LedgerRecord } from '../../shared/src/ledger/ledger-record';
import { createRedisLedgerStore } from '../../shared/src/ledger/redis-ledger-store';
import { groupsInEmulator } from '../support/cli-workbench';
import { earlierWorld, writeEarlierLedger } from '../support/earlier-ledger';
import { exportLines, historyRecords } from '../support/ledger-history';
import { samplePlan } from '../support/plan-fixtures';
import { type RedisServer, startRedisServer } from '../support/redis-server';
import { type CliRun, runBuiltCli } from '../support/run-built-cli';

// Starts in the recent past need a grace wider than a slow machine could ever eat into.
const GRACE_S = '600';
const DAY_MS = 86_400_000;

let redis: RedisServer;
let emulator: RunningEmulator;
let workDir: string;
beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(async () => {
  await redis?.stop();
});
beforeEach(async () => {
  emulator = await startEmulator({ host: '127.0.0.1', port: 0, credentials: [DEMO_CREDENTIALS], onInternalError: () => undefined });
  workDir = await mkdtemp(join(tmpdir(), 'ledger-history-'));
});
afterEach(async () => {
  await emulator.close();
  await rm(workDir, { recursive: true, force: true });
});

type StoreKind = 'file' | 'redis';

/** The CLI's environment for one store; each call with a new `account` is a scope no other test touches. */
function environment(kind: StoreKind, account: string, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    ALIBABA_CLOUD_ACCESS_KEY_ID: DEMO_CREDENTIALS.accessKeyId,
    ALIBABA_CLOUD_ACCESS_KEY_SECRET: DEMO_CREDENTIALS.accessKeySecret,
    LIVE_ENDPOINT: emulator.url,
    CASTER_ID: DEMO_STUDIO.CasterId,
    PACING_ACCOUNT: account,
    START_TIME_GRACE_S: GRACE_S,
    TZ: 'UTC',
    ...(kind === 'file' ? { LEDGER_FILE: join(workDir, `ledger-${account}.json`) } : { REDIS_URL: redis.url }),
    ...overrides,
  };
}
const scopeOf = (account: string): string => `${emulator.url}|cn-shanghai|${account}`;

const ok = <T = Record<string, unknown>>(run: CliRun): T => {
  expect(run.exitCode, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as T;
};
let files = 0;
const writeFileOf = async (text: string): Promise<string> => {
  const file = join(workDir, `input-${++files}`);
  await writeFile(file, text);
  return file;
};
/** A StartTime `seconds` from now (negative: in the past), as the API writes it. */
const startAt = (seconds: number): string =>
  new Date(Math.floor(Date.now() / 1000 + seconds) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
const addRequests = async (): Promise<number> => {
  const body = (await (await fetch(`${emulator.url}/_emulator/requests`)).json()) as { Requests: { Action: string }[] };
  return body.Requests.filter((entry) => entry.Action === 'AddCasterEpisodeGroup').length;
};
const programIds = (records: readonly LedgerRecord[]): string[] => records.map((record) => record.ProgramId as string).sort();

/** What the store itself holds for a scope: its live records and its archive. */
async function storeContents(
  kind: StoreKind,
  env: Record<string, string>,
  scope: string,
): Promise<{ live: LedgerRecord[]; archived: LedgerRecord[] }> {
  const store =
    kind === 'file' ? createFileLedgerStore({ file: env['LEDGER_FILE'] as string }) : createRedisLedgerStore({ redisUrl: redis.url });
  try {
    const archived: LedgerRecord[] = [];
    let cursor: string | undefined;
    do {
      const page = await (store.readArchive as NonNullable<typeof store.readArchive>)(scope, { cursor });
      archived.push(...page.records);
      cursor = page.next;
    } while (cursor !== undefined);
    return { live: await store.readAll(scope), archived };
  } finally {
    await store.close();
  }
}

describe.each(['file', 'redis'] as const)('history kept out of the way (%s ledger)', (kind) => {
  const cli = (args: string[], env: Record<string, string>): Promise<CliRun> => runBuiltCli(args, env);

  it('answers a retry of a trigger whose group ended and was archived from the archive, sending nothing', async () => {
    // Prepare: A airs until B starts, then is retired; with LEDGER_RETENTION_DAYS=0 it is archived at once.
    const account = randomUUID();
    const env = environment(kind, account, { LEDGER_RETENTION_DAYS: '0' });
    const planA = await writeFileOf(JSON.stringify(samplePlan({ StartTime: startAt(-120) })));
    const a = ok(await cli(['submit', planA, '--slot', 'daily'], env));
    ok(await cli(['submit', await writeFileOf(JSON.stringify(samplePlan({ StartTime: startAt(-60) }))), '--slot', 'daily'], env));
    ok(await cli(['gc', '--json'], env));
    const sentBefore = await addRequests();

    // Act
    const retry = ok(await cli(['submit', planA, '--slot', 'daily'], env));

    // Assess
    const { live, archived } = await storeContents(kind, env, scopeOf(account));
    expect(programIds(archived)).toEqual([a['ProgramId']]);
    expect(programIds(live)).not.toContain(a['ProgramId']);
    expect(retry).toMatchObject({ ProgramId: a['ProgramId'], State: 'retired', FromLedger: true });
    expect(await addRequests()).toBe(sentBefore);
    expect(ok<LedgerRecord[]>(await cli(['ls', '--json'], env)).map((record) => record.ProgramId)).not.toContain(a['ProgramId']);
    expect(
      ok<LedgerRecord[]>(await cli(['ls', '--all', '--json'], env)).find((record) => record.ProgramId === a['ProgramId']),
    ).toMatchObject({
      State: 'retired',
    });
  });

  it('schedules a trigger anew, under its next generation, when its cancelled group is in the archive', async () => {
    // Prepare
    const env = environment(kind, randomUUID(), { LEDGER_RETENTION_DAYS: '0' });
    const plan = await writeFileOf(JSON.stringify(samplePlan()));
    const first = ok(await cli(['submit', plan], env));
    ok(await cli(['cancel', '--json', first['ProgramId'] as string], env));
    ok(await cli(['gc', '--json'], env));

    // Act
    const again = ok(await cli(['submit', plan], env));

    // Assess
    expect(again['ProgramId']).not.toBe(first['ProgramId']);
    expect(again).toMatchObject({ State: 'scheduled', Generation: 2 });
  });

  it('ls --since lists the open groups and the gone ones that ended since the date, from the archive too', async () => {
    // Prepare: a year of history, imported; one open group.
    const account = randomUUID();
    const env = environment(kind, account);
    const history = historyRecords({ count: 365, studios: 1, tag: `since-${account}` });
    ok(await cli(['ledger', 'import', await writeFileOf(exportLines(scopeOf(account), history)), '--json'], env));
    const open = ok(await cli(['submit', await writeFileOf(JSON.stringify(samplePlan()))], env));
    const sinceMs = Date.now() - 90 * DAY_MS;
    const since = new Date(sinceMs).toISOString().slice(0, 10);

    // Act
    const listed = ok<LedgerRecord[]>(await cli(['ls', '--since', since, '--json'], env));

    // Assess
    const midnight = Date.parse(`${since}T00:00:00Z`);
    const endedSince = history.filter((record) => Date.parse(record.UpdatedAt) >= midnight);
    expect(programIds(listed)).toEqual([...programIds(endedSince), open['ProgramId'] as string].sort());
  });

  it('an empty ls over a scope whose history is all archived says so and that ls --all shows it', async () => {
    // Prepare: history that ended more than the retention ago, nothing open.
    const account = randomUUID();
    const env = environment(kind, account);
    const history = historyRecords({ count: 3, studios: 1, endedBeforeMs: Date.now() - 60 * DAY_MS, tag: `empty-${account}` });
    ok(await cli(['ledger', 'import', await writeFileOf(exportLines(scopeOf(account), history)), '--json'], env));

    // Act
    const listed = await cli(['ls'], env);

    // Assess
    expect(listed.exitCode, listed.stderr).toBe(0);
    expect(listed.stdout).toContain('(no open groups in');
    expect(listed.stdout).toContain('are in its archive: ls --all shows them');
  });

  it('draws archived groups on the timeline page only with --all, its history view', async () => {
    // Prepare
    const account = randomUUID();
    const env = environment(kind, account);
    const [old] = historyRecords({ count: 1, studios: 1, endedBeforeMs: Date.now() - 60 * DAY_MS, tag: `page-${account}` }) as [
      LedgerRecord,
    ];
    ok(await cli(['ledger', 'import', await writeFileOf(exportLines(scopeOf(account), [old])), '--json'], env));

    // Act
    const live = await cli(['timeline'], env);
    const history = await cli(['timeline', '--all'], env);

    // Assess
    expect(live.exitCode, live.stderr).toBe(0);
    expect(history.exitCode, history.stderr).toBe(0);
    expect(live.stdout).not.toContain(old.ProgramId as string);
    expect(history.stdout).toContain(old.ProgramId as string);
  });

  it('refuses an import with malformed lines, naming each line number, and files nothing', async () => {
    // Prepare
    const account = randomUUID();
    const env = environment(kind, account);
    const [good, other] = historyRecords({ count: 2, tag: `refused-${account}` }) as [LedgerRecord, LedgerRecord];
    const text = [
      exportLines(scopeOf(account), [good]).trim(),
      '{"format":"caster-carousel-record","version":1}',
      'not json',
      exportLines(scopeOf(account), [{ ...other, State: 'airing' as LedgerRecord['State'] }]).trim(),
      exportLines('http://elsewhere|cn-beijing|default', [other]).trim(),
    ].join('\n');

    // Act
    const refused = await cli(['ledger', 'import', await writeFileOf(text)], env);

    // Assess
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain('nothing was imported');
    for (const line of [2, 3, 4, 5]) expect(refused.stderr).toContain(`line ${line}:`);
    expect(refused.stderr).not.toContain('line 1:');
    expect(ok<LedgerRecord[]>(await cli(['ls', '--all', '--json'], env))).toEqual([]);
  });
});

describe('ledger export and import between the two stores', () => {
  const cli = (args: string[], env: Record<string, string>): Promise<CliRun> => runBuiltCli(args, env);
  const exported = async (env: Record<string, string>): Promise<string[]> => {
    const run = await cli(['ledger', 'export'], env);
    expect(run.exitCode, run.stderr).toBe(0);
    return run.stdout.split('\n').filter(Boolean).sort();
  };

  it.each([
    ['file', 'redis'],
    ['redis', 'file'],
  ] as const)(
    'a %s ledger exported and imported into %s exports again line for line, and a second import changes nothing',
    async (from, to) => {
      // Prepare: history (archived at import), recent endings and a live group, in the source store.
      const account = randomUUID();
      const source = environment(from, account);
      const target = environment(to, account, from === to ? {} : { LEDGER_FILE: join(workDir, `target-${account}.json`) });
      ok(
        await cli(
          [
            'ledger',
            'import',
            await writeFileOf(exportLines(scopeOf(account), historyRecords({ count: 120, studios: 2, tag: account }))),
            '--json',
          ],
          source,
        ),
      );
      ok(await cli(['submit', await writeFileOf(JSON.stringify(samplePlan()))], source));
      const lines = await exported(source);
      const file = await writeFileOf(`${lines.join('\n')}\n`);

      // Act
      const first = ok(await cli(['ledger', 'import', file, '--json'], target));
      const second = ok(await cli(['ledger', 'import', file, '--json'], target));

      // Assess
      expect(first).toEqual({ Records: 121, Added: 121, Updated: 0, Unchanged: 0 });
      expect(second).toEqual({ Records: 121, Added: 0, Updated: 0, Unchanged: 121 });
      expect(await exported(target)).toEqual(lines);
    },
  );

  it('moves the CLI’s file ledger to a shared Redis, where a retried submission is answered without sending anything', async () => {
    // Prepare
    const account = randomUUID();
    const fileEnv = environment('file', account);
    const redisEnv = environment('redis', account);
    const plan = await writeFileOf(JSON.stringify(samplePlan()));
    const scheduled = ok(await cli(['submit', plan], fileEnv));
    const out = join(workDir, 'moved.jsonl');
    expect((await cli(['ledger', 'export', '--out', out], fileEnv)).exitCode).toBe(0);
    ok(await cli(['ledger', 'import', out, '--json'], redisEnv));
    const sentBefore = await addRequests();

    // Act
    const retry = ok(await cli(['submit', plan], redisEnv));

    // Assess
    expect(retry).toMatchObject({ ProgramId: scheduled['ProgramId'], FromLedger: true });
    expect(await addRequests()).toBe(sentBefore);
    expect((await readFile(out, 'utf8')).split('\n').filter(Boolean)).toHaveLength(1);
  });
});

/** Where a store kind's earlier ledger goes: the environment's ledger file, or the one redis-server. */
const target = (kind: StoreKind, env: Record<string, string>) =>
  kind === 'file' ? { ledgerFile: env['LEDGER_FILE'] as string } : { redisUrl: redis.url };
const planFile = (plan: Record<string, unknown>): Promise<string> => writeFileOf(JSON.stringify(plan));

describe.each(['file', 'redis'] as const)('ledger migrate from the release before the timeline (%s ledger)', (kind) => {
  it('carries every group and intent over, so gc retires the superseded group and finishes the intent with its own token', async () => {
    // Prepare
    const account = randomUUID();
    const env = environment(kind, account, { LEDGER_PENDING_GRACE_S: '0' });
    const world = await earlierWorld(environment('file', account, { LEDGER: 'off' }), planFile);
    await writeEarlierLedger(target(kind, env), scopeOf(account), world);
    const sentBefore = await addRequests();

    // Act
    const migrated = ok(await runBuiltCli(['ledger', 'migrate', '--json'], env));
    const listed = ok<LedgerRecord[]>(await runBuiltCli(['ls', '--json'], env));
    const gc = await runBuiltCli(['gc', '--json'], env);

    // Assess: the migration itself.
    expect(migrated).toMatchObject({ Records: 3, Added: 3, Updated: 0, Unchanged: 0, SupersededNowScheduled: 1 });
    const stateOf = (programId: string): string | undefined => listed.find((record) => record.ProgramId === programId)?.State;
    expect(stateOf(world.superseded)).toBe('scheduled');
    expect(stateOf(world.successor)).toBe('scheduled');
    expect(listed.find((record) => record.ClientToken === world.unanswered.token)).toMatchObject({ State: 'intent' });
    // The timeline: the superseded group is deleted now that its successor has started; the intent's re-send got
    // the group the studio already had, and nothing new was made.
    expect(gc.exitCode, gc.stderr).toBe(0);
    expect((await groupsInEmulator(emulator.url)).sort()).toEqual([world.successor, world.unanswered.programId].sort());
    const after = ok<LedgerRecord[]>(await runBuiltCli(['ls', '--all', '--json'], env));
    expect(after.find((record) => record.ProgramId === world.superseded)?.State).toBe('retired');
    expect(after.find((record) => record.ClientToken === world.unanswered.token)).toMatchObject({
      State: 'scheduled',
      ProgramId: world.unanswered.programId,
    });
    expect(await addRequests()).toBe(sentBefore + 1);
  });

  it('answers a retry of a trigger the earlier release scheduled from the ledger, creating nothing', async () => {
    // Prepare
    const account = randomUUID();
    const env = environment(kind, account, { LEDGER_PENDING_GRACE_S: '0' });
    const world = await earlierWorld(environment('file', account, { LEDGER: 'off' }), planFile);
    await writeEarlierLedger(target(kind, env), scopeOf(account), world);
    ok(await runBuiltCli(['ledger', 'migrate', '--json'], env));
    const sentBefore = await addRequests();

    // Act
    const retry = ok(await runBuiltCli(['submit', world.plans.superseded, '--slot', 'daily'], env));

    // Assess
    expect(retry).toMatchObject({ ProgramId: world.superseded, FromLedger: true });
    expect(await addRequests()).toBe(sentBefore);
  });

  it('changes nothing when run again, and keeps the earlier ledger for the operator to delete', async () => {
    // Prepare
    const account = randomUUID();
    const env = environment(kind, account, { LEDGER_PENDING_GRACE_S: '0' });
    const world = await earlierWorld(environment('file', account, { LEDGER: 'off' }), planFile);
    await writeEarlierLedger(target(kind, env), scopeOf(account), world);
    const first = await runBuiltCli(['ledger', 'migrate'], env);

    // Act
    const second = ok(await runBuiltCli(['ledger', 'migrate', '--json'], env));

    // Assess
    expect(first.exitCode, first.stderr).toBe(0);
    expect(first.stdout).toContain('1 superseded group is scheduled again');
    if (kind === 'file') {
      expect(second).toMatchObject({ Records: 0 });
      const kept = JSON.parse(await readFile(`${env['LEDGER_FILE']}.format1`, 'utf8')) as { version: number };
      expect(kept.version).toBe(1);
      expect(first.stdout).toContain(`${env['LEDGER_FILE']}.format1`);
    } else {
      expect(second).toMatchObject({ Records: 3, Added: 0, Unchanged: 3 });
      const client = new Redis(redis.url);
      try {
        expect(await client.hlen(`caster-carousel:ledger:{${scopeOf(account)}}:records`)).toBe(2);
      } finally {
        client.disconnect();
      }
    }
    expect(ok<LedgerRecord[]>(await runBuiltCli(['ls', '--json'], env))).toHaveLength(3);
  });

  it('refuses the whole migration, naming each entry, when one cannot come over, and writes nothing', async () => {
    // Prepare: a group of a later generation whose trigger the earlier ledger does not name.
    const account = randomUUID();
    const env = environment(kind, account, { LEDGER_PENDING_GRACE_S: '0' });
    const world = await earlierWorld(environment('file', account, { LEDGER: 'off' }), planFile);
    const broken = { ...world.records[world.successor], Generation: 2 };
    await writeEarlierLedger(target(kind, env), scopeOf(account), { ...world, records: { ...world.records, [world.successor]: broken } });

    // Act
    const refused = await runBuiltCli(['ledger', 'migrate'], env);

    // Assess
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain('nothing was migrated');
    expect(refused.stderr).toContain(`${world.successor}: generation 2 token whose trigger the earlier ledger does not name`);
    if (kind === 'file') {
      expect(existsSync(`${env['LEDGER_FILE']}.format1`)).toBe(false);
      expect((JSON.parse(await readFile(env['LEDGER_FILE'] as string, 'utf8')) as { version: number }).version).toBe(1);
    } else {
      expect(ok<LedgerRecord[]>(await runBuiltCli(['ls', '--json'], env))).toEqual([]);
    }
  });
});

describe('ledger migrate of a format-1 file that holds several scopes', () => {
  it('moves the file aside even when it holds nothing of this scope, and names the other scopes with the command that carries each over', async () => {
    // Prepare: the earlier file holds only another account's scope.
    const [other, mine] = [randomUUID(), randomUUID()];
    const ledgerFile = join(workDir, 'shared-ledger.json');
    const world = await earlierWorld(environment('file', other, { LEDGER: 'off' }), planFile);
    await writeEarlierLedger({ ledgerFile }, scopeOf(other), world);

    // Act
    const first = ok(await runBuiltCli(['ledger', 'migrate', '--json'], environment('file', mine, { LEDGER_FILE: ledgerFile })));
    const second = ok(
      await runBuiltCli(
        ['ledger', 'migrate', '--from', `${ledgerFile}.format1`, '--json'],
        environment('file', other, { LEDGER_FILE: ledgerFile }),
      ),
    );

    // Assess: this scope starts afresh in today's format; the other one comes over from where the file was kept.
    expect(first).toMatchObject({ Records: 0, OtherScopes: [scopeOf(other)], KeptAt: `${ledgerFile}.format1` });
    expect(existsSync(`${ledgerFile}.format1`)).toBe(true);
    expect(second).toMatchObject({ Records: 3, Added: 3 });
    const listed = ok<LedgerRecord[]>(await runBuiltCli(['ls', '--json'], environment('file', other, { LEDGER_FILE: ledgerFile })));
    expect(listed.map((record) => record.ProgramId)).toEqual(expect.arrayContaining([world.superseded, world.successor]));
  });
});
