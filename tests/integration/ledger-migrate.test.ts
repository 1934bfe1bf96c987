// Upgrading from the release before the timeline, as an operator does it through the built CLI against the
// emulator over loopback HTTP, for both ledgers (a real redis-server for Redis): `ledger migrate` carries the
// earlier ledger over, so the groups that release scheduled stay known. Its superseded group (still in the
// studio, which that release never deleted on Function Compute) is retired by the timeline once its successor has
// started, its unanswered intent is finished with its own token, and a retried trigger creates nothing.
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_CREDENTIALS, DEMO_STUDIO, type RunningEmulator, startEmulator } from '../../emulator/index';
import type { LedgerRecord } from '../../shared/src/ledger/ledger-record';
import { groupsInEmulator } from '../support/cli-workbench';
import { samplePlan } from '../support/plan-fixtures';
import { type RedisServer, startRedisServer } from '../support/redis-server';
import { type CliRun, runBuiltCli } from '../support/run-built-cli';

// Starts in the recent past need a grace wider than a slow machine could ever eat into.
const GRACE_S = '600';
// The pending grace is what a tick leaves to an actor still in flight; the migrated intent is long done.
const PENDING_GRACE_S = '0';

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
  workDir = await mkdtemp(join(tmpdir(), 'ledger-migrate-'));
});
afterEach(async () => {
  await emulator.close();
  await rm(workDir, { recursive: true, force: true });
});

type StoreKind = 'file' | 'redis';

function environment(kind: StoreKind, account: string, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    ALIBABA_CLOUD_ACCESS_KEY_ID: DEMO_CREDENTIALS.accessKeyId,
    ALIBABA_CLOUD_ACCESS_KEY_SECRET: DEMO_CREDENTIALS.accessKeySecret,
    LIVE_ENDPOINT: emulator.url,
    CASTER_ID: DEMO_STUDIO.CasterId,
    PACING_ACCOUNT: account,
    START_TIME_GRACE_S: GRACE_S,
    LEDGER_PENDING_GRACE_S: PENDING_GRACE_S,
    TZ: 'UTC',
    ...(kind === 'file' ? { LEDGER_FILE: join(workDir, 'ledger.json') } : { REDIS_URL: redis.url }),
    ...overrides,
  };
}
const scopeOf = (account: string): string => `${emulator.url}|cn-shanghai|${account}`;

const ok = <T = Record<string, unknown>>(run: CliRun): T => {
  expect(run.exitCode, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as T;
};
let files = 0;
const planFile = async (plan: Record<string, unknown>): Promise<string> => {
  const file = join(workDir, `plan-${++files}.json`);
  await writeFile(file, JSON.stringify(plan));
  return file;
};
const startAt = (seconds: number): string =>
  new Date(Math.floor(Date.now() / 1000 + seconds) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
const addRequests = async (): Promise<number> => {
  const body = (await (await fetch(`${emulator.url}/_emulator/requests`)).json()) as { Requests: { Action: string }[] };
  return body.Requests.filter((entry) => entry.Action === 'AddCasterEpisodeGroup').length;
};

interface EarlierWorld {
  /** The scope's entries as the earlier release kept them: groups by ProgramId, unanswered intents by token. */
  readonly records: Record<string, Record<string, unknown>>;
  readonly intents: Record<string, Record<string, unknown>>;
  readonly superseded: string;
  readonly successor: string;
  readonly unanswered: { readonly token: string; readonly programId: string };
  readonly plans: { readonly superseded: string };
}

/**
 * The studio and the earlier ledger as the earlier release left them: in slot `daily`, A (started 2 minutes ago)
 * superseded by B (started a minute ago), both still in the studio; C sent, made, and its answer lost, so the
 * ledger holds only its intent. The groups are made for real by the built CLI without a ledger.
 */
async function earlierWorld(account: string): Promise<EarlierWorld> {
  const env = environment('file', account, { LEDGER: 'off' });
  const plans = {
    a: samplePlan({ StartTime: startAt(-120), RepeatNum: -1 }),
    b: samplePlan({ StartTime: startAt(-60), RepeatNum: -1 }),
    c: samplePlan({ StartTime: startAt(3600), RepeatNum: -1 }),
  };
  const files = { a: await planFile(plans.a), b: await planFile(plans.b), c: await planFile(plans.c) };
  const [a, b, c] = [
    ok(await runBuiltCli(['submit', files.a, '--slot', 'daily'], env)),
    ok(await runBuiltCli(['submit', files.b, '--slot', 'daily'], env)),
    ok(await runBuiltCli(['submit', files.c, '--slot', 'nightly'], env)),
  ];
  const createdAt = new Date(Date.now() - 600_000).toISOString();
  // What the studio lookup resolved and the requests carried, SideOutputUrl included.
  const resolved = { CallbackUrl: DEMO_STUDIO.CallbackUrl, DomainName: DEMO_STUDIO.DomainName, SideOutputUrl: DEMO_STUDIO.SideOutputUrl };
  const group = (answer: Record<string, unknown>, plan: Record<string, unknown>, state: string, extra: Record<string, unknown> = {}) => ({
    ProgramId: answer['ProgramId'],
    ItemIds: answer['ItemIds'],
    ClientToken: answer['ClientToken'],
    Generation: 1,
    Slot: 'daily',
    CasterId: DEMO_STUDIO.CasterId,
    DomainName: DEMO_STUDIO.DomainName,
    StartTime: plan['StartTime'],
    RepeatNum: plan['RepeatNum'],
    Items: plan['Items'],
    Trigger: { kind: 'cli' },
    CreatedAt: createdAt,
    State: state,
    UpdatedAt: createdAt,
    Resolved: resolved,
    RequestId: `request-${String(answer['ProgramId'])}`,
    ...extra,
  });
  return {
    records: {
      [a['ProgramId'] as string]: group(a, plans.a, 'superseded', { SupersededBy: b['ProgramId'] }),
      [b['ProgramId'] as string]: group(b, plans.b, 'scheduled'),
    },
    intents: {
      [c['ClientToken'] as string]: {
        ClientToken: c['ClientToken'],
        BaseToken: c['ClientToken'],
        Generation: 1,
        Slot: 'nightly',
        CasterId: DEMO_STUDIO.CasterId,
        StartTime: plans.c['StartTime'],
        RepeatNum: plans.c['RepeatNum'],
        Items: plans.c['Items'],
        Trigger: { kind: 'cli' },
        CreatedAt: createdAt,
        Resolved: resolved,
      },
    },
    superseded: a['ProgramId'] as string,
    successor: b['ProgramId'] as string,
    unanswered: { token: c['ClientToken'] as string, programId: c['ProgramId'] as string },
    plans: { superseded: files.a },
  };
}

/** Writes the earlier ledger where the earlier release kept it: a format-1 file, or its hashes in Redis. */
async function writeEarlierLedger(kind: StoreKind, env: Record<string, string>, scope: string, world: EarlierWorld): Promise<void> {
  if (kind === 'file') {
    const data = { records: world.records, tokens: {}, intents: world.intents, generations: {}, slots: {} };
    await writeFile(
      env['LEDGER_FILE'] as string,
      JSON.stringify({ format: 'caster-carousel-ledger', version: 1, scopes: { [scope]: data } }),
    );
    return;
  }
  const client = new Redis(redis.url);
  try {
    const base = `caster-carousel:ledger:{${scope}}`;
    for (const [programId, record] of Object.entries(world.records)) {
      const { State, SupersededBy, UpdatedAt, ...body } = record;
      await client.hset(`${base}:records`, programId, JSON.stringify(body));
      await client.hset(`${base}:states`, programId, JSON.stringify({ State, SupersededBy, UpdatedAt }));
      await client.hset(`${base}:tokens`, record['ClientToken'] as string, programId);
    }
    for (const [token, intent] of Object.entries(world.intents)) await client.hset(`${base}:intents`, token, JSON.stringify(intent));
  } finally {
    client.disconnect();
  }
}

describe.each(['file', 'redis'] as const)('ledger migrate from the release before the timeline (%s ledger)', (kind) => {
  it('carries every group and intent over, so gc retires the superseded group and finishes the intent with its own token', async () => {
    // Prepare
    const account = randomUUID();
    const env = environment(kind, account);
    const world = await earlierWorld(account);
    await writeEarlierLedger(kind, env, scopeOf(account), world);
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
    const env = environment(kind, account);
    const world = await earlierWorld(account);
    await writeEarlierLedger(kind, env, scopeOf(account), world);
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
    const env = environment(kind, account);
    const world = await earlierWorld(account);
    await writeEarlierLedger(kind, env, scopeOf(account), world);
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
    const env = environment(kind, account);
    const world = await earlierWorld(account);
    const broken = { ...world.records[world.successor], Generation: 2 };
    await writeEarlierLedger(kind, env, scopeOf(account), { ...world, records: { ...world.records, [world.successor]: broken } });

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
