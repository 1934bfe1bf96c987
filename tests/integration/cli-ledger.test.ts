import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_CREDENTIALS, DEMO_STUDIO, type RunningEmulator, startEmulator } from '../../emulator/index';
import { readCliPlan } from '../../shared/src/triggers/cli-plan';
import { cliEnvironment, groupsInEmulator, okJson, redisPerTest, rowOf, writePlan as writePlanIn } from '../support/cli-workbench';
import { type FaultProxy, startFaultProxy } from '../support/fault-proxy';
import { SAMPLE_AUTH_KEY, samplePlan } from '../support/plan-fixtures';
import { freePort } from '../support/redis-server';
import { type CliRun, runBuiltCli } from '../support/run-built-cli';

let emulator: RunningEmulator;
let workDir: string;
let ledgerFile: string;
beforeEach(async () => {
  emulator = await startEmulator({ host: '127.0.0.1', port: 0, credentials: [DEMO_CREDENTIALS], onInternalError: () => undefined });
  workDir = await mkdtemp(join(tmpdir(), 'cli-ledger-'));
  ledgerFile = join(workDir, 'ledger.json');
});
afterEach(async () => {
  await emulator.close();
  await rm(workDir, { recursive: true, force: true });
});

const environment = (overrides: Record<string, string> = {}): Record<string, string> =>
  cliEnvironment(emulator.url, ledgerFile, { LEDGER: 'on', ...overrides });
const writePlan = (plan: Record<string, unknown>): Promise<string> => writePlanIn(workDir, plan);
const cli = (args: string[], env = environment()): Promise<CliRun> => runBuiltCli(args, env);
const ok = (run: CliRun): Record<string, unknown> => okJson(run);
const groupsInStudio = (url = emulator.url): Promise<string[]> => groupsInEmulator(url);

describe('caster-carousel ls, cancel and gc over the ledger', () => {
  it('ls shows what submit scheduled: a table of ids and counts, and JSON records with every auth_key redacted', async () => {
    // Prepare
    const scheduled = ok(await cli(['submit', await writePlan(samplePlan()), '--slot', 'evening']));

    // Act
    const table = await cli(['ls']);
    const json = await cli(['ls', '--json']);

    // Assess
    expect(table.exitCode, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/^STATE +PROGRAM ID +SLOT +CASTER/);
    expect(rowOf(table.stdout, scheduled['ProgramId'])).toMatchObject({
      STATE: 'scheduled',
      SLOT: 'evening',
      CASTER: DEMO_STUDIO.CasterId,
    });
    expect(Object.values(rowOf(table.stdout, scheduled['ProgramId']) ?? {}).join('  ')).toMatch(/2031-03-06.19:00/);
    const records = JSON.parse(json.stdout) as Record<string, unknown>[];
    expect(records.map((record) => [record['ProgramId'], record['State'], record['Slot']])).toEqual([
      [scheduled['ProgramId'], 'scheduled', 'evening'],
    ]);
    expect(`${table.stdout}${json.stdout}`).not.toContain(SAMPLE_AUTH_KEY);
    expect(json.stdout).not.toContain('5d41402abc4b2a76b9719d911017c592'); // the studio CallbackUrl's auth_key
  });

  it('cancel then submitting the same plan schedules a new group instead of printing the deleted ProgramId', async () => {
    // Prepare
    const planFile = await writePlan(samplePlan());
    const first = ok(await cli(['submit', planFile]));

    // Act
    const cancelled = ok(await cli(['cancel', '--json', String(first['ProgramId'])]));
    const second = ok(await cli(['submit', planFile]));

    // Assess
    expect(cancelled).toMatchObject({ ProgramId: first['ProgramId'], State: 'cancelled' });
    expect(second['ProgramId']).not.toBe(first['ProgramId']);
    expect(second['Generation']).toBe(2);
    expect(await groupsInStudio()).toEqual([second['ProgramId']]);
    const listed = JSON.parse((await cli(['ls', '--all', '--json'])).stdout) as Record<string, unknown>[];
    expect(listed.map((record) => record['State'])).toEqual(['cancelled', 'scheduled']);
    expect(JSON.parse((await cli(['ls', '--json'])).stdout)).toHaveLength(1);
  });

  it('delete marks the record cancelled too, so the plan schedules again', async () => {
    // Prepare
    const planFile = await writePlan(samplePlan());
    const first = ok(await cli(['submit', planFile]));

    // Act
    ok(await cli(['delete', '--json', String(first['ProgramId'])]));
    const second = ok(await cli(['submit', planFile]));

    // Assess
    expect(second['ProgramId']).not.toBe(first['ProgramId']);
    expect(await groupsInStudio()).toEqual([second['ProgramId']]);
  });

  it('cancel --slot deletes every live group of the slot and leaves other slots alone', async () => {
    // Prepare
    const morning1 = ok(await cli(['submit', await writePlan(samplePlan()), '--slot', 'morning']));
    const morning2 = ok(await cli(['submit', await writePlan(samplePlan({ StartTime: '2031-03-07T06:00:00Z' })), '--slot', 'morning']));
    const evening = ok(await cli(['submit', await writePlan(samplePlan()), '--slot', 'evening']));

    // Act
    const cancelled = JSON.parse((await cli(['cancel', '--json', '--slot', 'morning'])).stdout) as Record<string, unknown>[];

    // Assess
    expect(cancelled.map((entry) => entry['ProgramId']).sort()).toEqual([morning1['ProgramId'], morning2['ProgramId']].sort());
    expect(await groupsInStudio()).toEqual([evening['ProgramId']]);
  });

  it('a later group in a slot ends the earlier one’s window, and gc leaves the earlier one on air while the later one has not started', async () => {
    // Prepare
    const earlier = ok(await cli(['submit', await writePlan(samplePlan({ Slot: 'loop' }))]));
    const later = ok(await cli(['submit', await writePlan(samplePlan({ Slot: 'loop', StartTime: '2031-03-07T19:00:00Z' }))]));

    // Act
    const dryRun = await cli(['gc', '--json', '--dry-run']);
    const gc = await cli(['gc', '--json']);
    const table = await cli(['ls']);
    const again = ok(await cli(['submit', await writePlan(samplePlan({ Slot: 'loop', StartTime: '2031-03-08T19:00:00Z' }))]));

    // Assess
    expect(earlier).toMatchObject({ State: 'scheduled', Slot: 'loop' });
    expect(later).toMatchObject({ State: 'scheduled', Slot: 'loop' });
    expect(later['Retired']).toBeUndefined();
    expect(later['Replaced']).toBeUndefined();
    expect(JSON.parse(dryRun.stdout)).toEqual({ Pending: [], Due: [] });
    expect(JSON.parse(gc.stdout)).toEqual({ Finished: [], Retired: [], Replaced: [], Failed: [], Archived: 0 });
    expect(rowOf(table.stdout, earlier['ProgramId'])?.['STATE']).toMatch(
      new RegExp(`^scheduled until 2031-03-07.19:00.* \\(then ${later['ProgramId']}\\)$`),
    );
    expect(again['OffAirAt']).toBeUndefined();
    expect(await groupsInStudio()).toEqual([earlier['ProgramId'], later['ProgramId'], again['ProgramId']]);
  });

  it('submit prints when a group goes off air: the StartTime of the next group of its slot, whatever the order submitted', async () => {
    // Prepare
    ok(await cli(['submit', await writePlan(samplePlan({ StartTime: '2031-03-07T19:00:00Z' })), '--slot', 'loop']));

    // Act
    const earlier = ok(await cli(['submit', await writePlan(samplePlan({ StartTime: '2031-03-06T19:00:00Z' })), '--slot', 'loop']));

    // Assess
    expect(earlier).toMatchObject({ State: 'scheduled', Slot: 'loop', OffAirAt: '2031-03-07T19:00:00Z' });
  });

  it('a second plan at the same StartTime of a slot replaces the first: deleted at once, submit and ls --all say so', async () => {
    // Prepare
    const first = ok(await cli(['submit', await writePlan(samplePlan()), '--slot', 'loop']));

    // Act
    const second = ok(await cli(['submit', await writePlan(samplePlan()), '--slot', 'loop']));

    // Assess
    expect(second['Replaced']).toEqual([first['ProgramId']]);
    expect(await groupsInStudio()).toEqual([second['ProgramId']]);
    const listed = JSON.parse((await cli(['ls', '--all', '--json'])).stdout) as Record<string, unknown>[];
    expect(listed.map((record) => [record['ProgramId'], record['State']])).toEqual([
      [first['ProgramId'], 'replaced'],
      [second['ProgramId'], 'scheduled'],
    ]);
  });

  it('ls --verify records a group the studio no longer has (deleted elsewhere) as missing, and its plan then schedules anew', async () => {
    // Prepare
    const kept = ok(await cli(['submit', await writePlan(samplePlan())]));
    const planFile = await writePlan(samplePlan());
    const deletedElsewhere = ok(await cli(['submit', planFile]));
    ok(await cli(['delete', '--json', String(deletedElsewhere['ProgramId'])], environment({ LEDGER: 'off' })));

    // Act
    const verified = JSON.parse((await cli(['ls', '--verify', '--json'])).stdout) as Record<string, unknown>[];
    const table = await cli(['ls', '--verify']);
    const everything = JSON.parse((await cli(['ls', '--all', '--json'])).stdout) as Record<string, unknown>[];
    const again = ok(await cli(['submit', planFile]));

    // Assess
    expect(verified.map((record) => [record['ProgramId'], record['Verified']])).toEqual([
      [kept['ProgramId'], 'present'],
      [deletedElsewhere['ProgramId'], 'missing'],
    ]);
    expect(table.stdout).toMatch(/VERIFIED/);
    expect(rowOf(table.stdout, kept['ProgramId'])?.['VERIFIED']).toBe('present');
    expect(table.stdout).not.toContain(String(deletedElsewhere['ProgramId']));
    expect(everything.find((record) => record['ProgramId'] === deletedElsewhere['ProgramId'])?.['State']).toBe('missing');
    expect(again['ProgramId']).not.toBe(deletedElsewhere['ProgramId']);
    expect(again).toMatchObject({ Generation: 2, State: 'scheduled' });
    expect((await groupsInStudio()).sort()).toEqual([kept['ProgramId'], again['ProgramId']].sort());
  });

  it('rejects a bad --slot before anything is read or sent', async () => {
    // Act
    const run = await cli(['submit', await writePlan(samplePlan()), '--slot', 'no spaces']);

    // Assess
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('--slot must be 1 to 64 letters');
    expect(await groupsInStudio()).toEqual([]);
  });

  it('ls names the file of a corrupt ledger and exits 1 instead of listing nothing', async () => {
    // Prepare
    await writeFile(ledgerFile, 'not json');

    // Act
    const run = await cli(['ls']);

    // Assess
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain(ledgerFile);
    expect(await readFile(ledgerFile, 'utf8')).toBe('not json');
  });

  it('eight CLI processes submitting at once into one file ledger lose no record', async () => {
    // Prepare
    // Eight processes pacing alone overrun 4/s (the README's reason for Redis pacing); this test is about the file.
    await emulator.close();
    emulator = await startEmulator({
      host: '127.0.0.1',
      port: 0,
      credentials: [DEMO_CREDENTIALS],
      qps: { AddCasterEpisodeGroup: 100, DescribeCasterConfig: 100 },
      onInternalError: () => undefined,
    });
    const perProcess = 3;
    const plans = await Promise.all(
      Array.from({ length: 8 * perProcess }, (_, index) =>
        writePlan(samplePlan({ StartTime: `2031-04-${String(1 + (index % 28)).padStart(2, '0')}T00:00:00Z` })),
      ),
    );

    // Act
    const runs = await Promise.all(
      Array.from({ length: 8 }, async (_, process) => {
        const results: CliRun[] = [];
        for (let n = 0; n < perProcess; n += 1) results.push(await cli(['submit', plans[process * perProcess + n]!]));
        return results;
      }),
    );

    // Assess
    const printed = runs.flat().map((run) => ok(run)['ProgramId']);
    const listed = (JSON.parse((await cli(['ls', '--json'])).stdout) as Record<string, unknown>[]).map((record) => record['ProgramId']);
    expect(new Set(printed).size).toBe(8 * perProcess);
    expect(listed.sort()).toEqual([...printed].sort());
  }, 60_000);
});

describe('retries resend what the ledger recorded', () => {
  let proxy: FaultProxy;
  let dataFile: string;
  const studioWith = (authKey: string) => ({ ...DEMO_STUDIO, CallbackUrl: `http://demo.example.com/caster/cb?auth_key=${authKey}` });
  beforeEach(async () => {
    await emulator.close();
    dataFile = join(workDir, 'emulator-data.json');
    emulator = await startEmulator({
      host: '127.0.0.1',
      port: 0,
      credentials: [DEMO_CREDENTIALS],
      casters: [studioWith('1893456000-0-0-firstrotation')],
      dataFile,
      onInternalError: () => undefined,
    });
    proxy = await startFaultProxy(emulator.url);
  });
  afterEach(async () => {
    await proxy.close();
  });
  /** The first attempt creates the group and every answer is lost; then the studio rotates its CallbackUrl. */
  const loseAnswersThenRotate = async (planFile: string, env: Record<string, string>): Promise<void> => {
    proxy.dropAnswers.AddCasterEpisodeGroup = Number.POSITIVE_INFINITY;
    const lost = await cli(['submit', planFile], env);
    expect(lost.exitCode).toBe(1);
    await emulator.close();
    emulator = await startEmulator({
      host: '127.0.0.1',
      port: 0,
      credentials: [DEMO_CREDENTIALS],
      casters: [studioWith('1893456000-0-0-secondrotation')],
      dataFile,
      onInternalError: () => undefined,
    });
    proxy.target = emulator.url;
    proxy.dropAnswers.AddCasterEpisodeGroup = 0;
  };

  it('a retry after the studio’s CallbackUrl changed succeeds with the group the lost attempt created', async () => {
    // Prepare
    const env = environment({ LIVE_ENDPOINT: proxy.url, LIVE_TIMEOUT_MS: '2000' });
    const planFile = await writePlan(samplePlan());
    await loseAnswersThenRotate(planFile, env);

    // Act
    const retry = await cli(['submit', planFile], env);

    // Assess
    const result = ok(retry);
    expect(await groupsInStudio()).toEqual([result['ProgramId']]);
  }, 30_000);

  it('without the ledger the same retry is refused with IdempotentParameterMismatch (what the ledger prevents)', async () => {
    // Prepare
    const env = environment({ LIVE_ENDPOINT: proxy.url, LIVE_TIMEOUT_MS: '2000', LEDGER: 'off' });
    const planFile = await writePlan(samplePlan());
    await loseAnswersThenRotate(planFile, env);

    // Act
    const retry = await cli(['submit', planFile], env);

    // Assess
    expect(retry.exitCode).toBe(1);
    expect(retry.stderr).toContain('IdempotentParameterMismatch');
  }, 30_000);
});

describe('the Redis ledger', () => {
  const redis = redisPerTest();

  it('is shared by every process that points at the same Redis', async () => {
    // Prepare
    const env = environment({ REDIS_URL: redis().url, LEDGER_FILE: '' });
    const scheduled = ok(await cli(['submit', await writePlan(samplePlan())], env));

    // Act
    const listed = JSON.parse((await cli(['ls', '--json'], env)).stdout) as Record<string, unknown>[];

    // Assess
    expect(listed.map((record) => record['ProgramId'])).toEqual([scheduled['ProgramId']]);
  });

  it('when Redis is down, submit still schedules with the plan’s first-generation token and warns that the ledger is unreadable', async () => {
    // Prepare
    const env = environment({ REDIS_URL: `redis://127.0.0.1:${await freePort()}`, LEDGER_FILE: '' });
    const planText = JSON.stringify(samplePlan());
    const planFile = await writePlan(JSON.parse(planText) as Record<string, unknown>);

    // Act
    const run = await cli(['submit', planFile], env);

    // Assess
    const result = ok(run);
    expect(result['ClientToken']).toBe(readCliPlan(planText, planFile).clientToken);
    expect(result['Generation']).toBeUndefined();
    expect(await groupsInStudio()).toEqual([result['ProgramId']]);
    const warnings = run.stderr
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((line) => line['level'] === 'warn');
    // The read fails first: it is what the user is warned of, naming the store, before anything was sent.
    expect(warnings[0], run.stderr).toMatchObject({
      ledger: expect.stringContaining(`redis 127.0.0.1:`),
      error: expect.objectContaining({ code: 'LedgerUnavailable' }),
    });
    expect(String(warnings[0]?.['message'])).toMatch(/unreadable/);
    expect(String(warnings[0]?.['message'])).toMatch(/first-generation/);
    expect(run.stderr).not.toContain(SAMPLE_AUTH_KEY);
  });
});
