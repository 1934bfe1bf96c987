/**
 * Reproductions of what went wrong before the schedule became a timeline, each now a promise: the built CLI and
 * the built functions (laid out as FC lays them out, credentials only in context.credentials) against the
 * emulator over loopback HTTP, with a real redis-server where Redis is the ledger.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FcFunctionHost, type InvocationOutcome, startFcFunction } from '../../local/fc-host';
import { lockFileContent } from '../../shared/src/ledger/file-lock';
import type { LedgerRecord } from '../../shared/src/ledger/ledger-record';
import { cliEnvironment as cliEnvironmentFor, okJson, redisPerTest, rowOf, writePlan as writePlanIn } from '../support/cli-workbench';
import { startFaultProxy } from '../support/fault-proxy';
import { cloudEvent, cloudEventBuffer, httpEventBuffer, TEST_STS_CREDENTIALS, timerEventBuffer } from '../support/fc-events';
import { ensureBuilt, layOutBuiltFunction } from '../support/fc-layout';
import { type FcTestbed, logLinesIn, secretLeaksIn, startFcTestbed } from '../support/fc-testbed';
import { samplePlan } from '../support/plan-fixtures';
import { type CliRun, runBuiltCli } from '../support/run-built-cli';

// Starts in the recent past need a grace wider than a slow machine could ever eat into.
const GRACE_S = '600';

let testbed: FcTestbed;
let workDir: string;
let ledgerFile: string;
const hosts: FcFunctionHost[] = [];
let functionOutput: string[] = [];
let layoutBase: string;
let layouts = 0;

beforeAll(() => {
  ensureBuilt();
  layoutBase = mkdtempSync(join(tmpdir(), 'timeline-repros-fc-'));
}, 180_000);
afterAll(() => {
  rmSync(layoutBase, { recursive: true, force: true });
});
beforeEach(async () => {
  testbed = await startFcTestbed();
  workDir = mkdtempSync(join(tmpdir(), 'timeline-repros-'));
  ledgerFile = join(workDir, 'ledger.json');
  functionOutput = [];
});
afterEach(async () => {
  await Promise.all(hosts.splice(0).map((host) => host.close()));
  await testbed.close();
  rmSync(workDir, { recursive: true, force: true });
});

/** A StartTime `seconds` from now (negative: in the past), as the API writes it. */
function startAt(seconds: number): string {
  return new Date(Math.floor(Date.now() / 1000 + seconds) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const cliEnvironment = (overrides: Record<string, string> = {}): Record<string, string> =>
  cliEnvironmentFor(testbed.emulator.url, ledgerFile, { START_TIME_GRACE_S: GRACE_S, ...overrides });
const writePlan = (plan: Record<string, unknown>): Promise<string> => writePlanIn(workDir, plan);
const cli = (args: string[], env = cliEnvironment()): Promise<CliRun> => runBuiltCli(args, env);
const ok = (run: CliRun): Record<string, unknown> => okJson<Record<string, unknown>>(run);
const submit = async (plan: Record<string, unknown>, slot: string, env = cliEnvironment()): Promise<Record<string, unknown>> =>
  ok(await cli(['submit', await writePlan(plan), '--slot', slot], env));
const everyRecord = async (env = cliEnvironment()): Promise<LedgerRecord[]> =>
  okJson<LedgerRecord[]>(await cli(['ls', '--all', '--json'], env));
const stateOf = (records: readonly LedgerRecord[], programId: unknown): string | undefined =>
  records.find((record) => record.ProgramId === programId)?.State;
const groupsInStudio = async (): Promise<string[]> => (await testbed.episodeGroups()).map((group) => group.ProgramId);

/** One built function, as FC runs it: its own process, the layer on NODE_PATH, the STS keys only in context.credentials. */
function builtFunction(name: 'http' | 'timer' | 'event', env: Record<string, string>): FcFunctionHost {
  const host = startFcFunction({
    name: `caster-carousel-${name}`,
    ...layOutBuiltFunction(layoutBase, name, `${name}-${++layouts}`),
    env: { ...testbed.env, START_TIME_GRACE_S: GRACE_S, ...env },
    credentials: TEST_STS_CREDENTIALS,
    timeoutSeconds: 60,
    onOutput: (text) => functionOutput.push(text),
  });
  hosts.push(host);
  return host;
}
const resultOf = <T>(outcome: InvocationOutcome): T => {
  if (!outcome.ok) throw new Error(`the function failed: ${outcome.error.errorType}: ${outcome.error.errorMessage}`);
  return outcome.result as T;
};
const httpJson = (outcome: InvocationOutcome): { statusCode: number; body: Record<string, unknown> } => {
  const response = resultOf<{ statusCode: number; body: string }>(outcome);
  return { statusCode: response.statusCode, body: JSON.parse(response.body) as Record<string, unknown> };
};
const logLines = (): Record<string, unknown>[] => logLinesIn(functionOutput);
/** Waits for a condition the test needs before its next step (never an assertion on time). */
async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const giveUpAt = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > giveUpAt) throw new Error(`gave up waiting: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('a slot is a timeline: groups air in StartTime order, whatever order they were submitted in', () => {
  it('a group submitted first but starting later is not deleted before it airs, and the earlier one goes off air at its start', async () => {
    // Prepare
    const late = await submit(samplePlan({ StartTime: startAt(3600), RepeatNum: -1 }), 's');
    const early = await submit(samplePlan({ StartTime: startAt(-60), RepeatNum: -1 }), 's');

    // Act
    const gc = ok(await cli(['gc', '--json']));

    // Assess
    expect((await groupsInStudio()).sort()).toEqual([late['ProgramId'], early['ProgramId']].sort());
    expect(gc).toMatchObject({ Retired: [], Replaced: [], Failed: [] });
    expect(early['OffAirAt']).toBe((await testbed.episodeGroups()).find((group) => group.ProgramId === late['ProgramId'])?.StartTime);
    const open = okJson<LedgerRecord[]>(await cli(['ls', '--json']));
    expect(stateOf(open, late['ProgramId'])).toBe('scheduled');
    expect(stateOf(open, early['ProgramId'])).toBe('scheduled');
    const table = await cli(['ls']);
    expect(rowOf(table.stdout, early['ProgramId'])?.['STATE']).toMatch(new RegExp(`^scheduled until .+ \\(then ${late['ProgramId']}\\)$`));
    expect(rowOf(table.stdout, late['ProgramId'])?.['STATE']).toBe('scheduled');
  });

  /** Loops A (started), B (two hours ahead) and C (started after A), submitted in the order A, B, C. */
  const threeLoops = async () => {
    const a = await submit(samplePlan({ StartTime: startAt(-60), RepeatNum: -1 }), 's');
    const b = await submit(samplePlan({ StartTime: startAt(7200), RepeatNum: -1 }), 's');
    const c = await submit(samplePlan({ StartTime: startAt(-30), RepeatNum: -1 }), 's');
    return { a, b, c };
  };

  it('never leaves two loops of one slot on air: the one whose successor started is retired, the future one stays', async () => {
    // Prepare
    const { a, b, c } = await threeLoops();

    // Act
    ok(await cli(['gc', '--json']));

    // Assess
    expect((await groupsInStudio()).sort()).toEqual([b['ProgramId'], c['ProgramId']].sort());
    const records = await everyRecord();
    expect([a, b, c].map((group) => stateOf(records, group['ProgramId']))).toEqual(['retired', 'scheduled', 'scheduled']);
  });

  it('cancelling the future loop leaves only the loop on air, and every group left in the studio has a live record', async () => {
    // Prepare
    const { a, b, c } = await threeLoops();

    // Act
    ok(await cli(['cancel', '--json', String(b['ProgramId'])]));
    ok(await cli(['gc', '--json']));

    // Assess
    expect(await groupsInStudio()).toEqual([c['ProgramId']]);
    const records = await everyRecord();
    expect([a, b, c].map((group) => stateOf(records, group['ProgramId']))).toEqual(['retired', 'cancelled', 'scheduled']);
    const live = records.filter((record) => record.Slot === 's' && record.State === 'scheduled').map((record) => record.ProgramId);
    expect(live).toEqual(await groupsInStudio());
  });

  it('a second plan at the same StartTime of a slot replaces the first, which is deleted at once though it has not aired', async () => {
    // Prepare
    const startTime = startAt(7200);
    const first = await submit(samplePlan({ StartTime: startTime }), 's');

    // Act
    const second = await submit(samplePlan({ StartTime: startTime }), 's');

    // Assess
    expect(second['Replaced']).toEqual([first['ProgramId']]);
    expect(await groupsInStudio()).toEqual([second['ProgramId']]);
    expect(stateOf(await everyRecord(), first['ProgramId'])).toBe('replaced');
  });
});

describe('retries never undo what the timeline did', () => {
  it('http: a retried Idempotency-Key whose group was replaced is answered `replaced` from the ledger, and nothing is re-created', async () => {
    // Prepare
    const fn = builtFunction('http', { LEDGER_FILE: ledgerFile });
    const startTime = startAt(7200);
    const k1Plan = samplePlan({ StartTime: startTime, Slot: 's' });
    const post = async (key: string, plan: Record<string, unknown>) =>
      httpJson(await fn.invoke(httpEventBuffer({ headers: { 'Idempotency-Key': key }, body: plan })));
    const k1 = await post('K1', k1Plan);
    const k2 = await post('K2', samplePlan({ StartTime: startTime, Slot: 's' }));
    const addsBefore = (await testbed.addRequests()).length;

    // Act
    const retry = await post('K1', k1Plan);

    // Assess
    expect(k1.statusCode).toBe(201);
    expect(retry.statusCode).toBe(201);
    expect(retry.body).toMatchObject({ ProgramId: k1.body['ProgramId'], State: 'replaced', FromLedger: true });
    expect((await testbed.addRequests()).length).toBe(addsBefore);
    expect(await groupsInStudio()).toEqual([k2.body['ProgramId']]);
    expect(secretLeaksIn(functionOutput.join(''))).toEqual([]);
  });

  it('cli: the same plan submitted again after its group was retired is answered `retired`, and nothing is re-created', async () => {
    // Prepare
    const planFile = await writePlan(samplePlan({ StartTime: startAt(-60), RepeatNum: -1 }));
    const first = ok(await cli(['submit', planFile, '--slot', 's']));
    const successor = await submit(samplePlan({ StartTime: startAt(-30), RepeatNum: -1 }), 's');
    const addsBefore = (await testbed.addRequests()).length;

    // Act
    const retry = ok(await cli(['submit', planFile, '--slot', 's']));

    // Assess
    expect(successor['Retired']).toEqual([first['ProgramId']]);
    expect(retry).toMatchObject({ ProgramId: first['ProgramId'], State: 'retired', FromLedger: true });
    expect((await testbed.addRequests()).length).toBe(addsBefore);
    expect(await groupsInStudio()).toEqual([successor['ProgramId']]);
  });
});

describe('a delete whose answer is lost', () => {
  it('leaves the record `cancelling`; gc finishes it (the studio no longer has it) and the plan then schedules a new group', async () => {
    // Prepare
    const proxy = await startFaultProxy(testbed.emulator.url);
    try {
      const env = cliEnvironment({ LIVE_ENDPOINT: proxy.url, LIVE_TIMEOUT_MS: '2000' });
      const planFile = await writePlan(samplePlan());
      const first = ok(await cli(['submit', planFile], env));
      proxy.dropAnswers.DeleteCasterEpisodeGroup = Number.POSITIVE_INFINITY;
      const lostCancel = await cli(['cancel', '--json', String(first['ProgramId'])], env);
      proxy.dropAnswers.DeleteCasterEpisodeGroup = 0;
      const afterLostAnswer = stateOf(await everyRecord(env), first['ProgramId']);

      // Act
      // A pending record belongs to its cancel for LEDGER_PENDING_GRACE_S; 0 stands for that time having passed.
      const gc = ok(await cli(['gc', '--json'], { ...env, LEDGER_PENDING_GRACE_S: '0' }));
      const again = ok(await cli(['submit', planFile], env));

      // Assess
      expect(lostCancel.exitCode).toBe(1);
      expect(afterLostAnswer).toBe('cancelling');
      expect(gc['Finished']).toEqual([expect.objectContaining({ ProgramId: first['ProgramId'], State: 'cancelled' })]);
      const deletes = (await testbed.requests()).filter((entry) => entry.Action === 'DeleteCasterEpisodeGroup');
      expect(deletes.at(-1)?.Verdict).toBe('InvalidProgram.NotFound'); // the studio no longer had it: that counts as done
      expect(again['ProgramId']).not.toBe(first['ProgramId']);
      expect(again).toMatchObject({ Generation: 2, State: 'scheduled' });
      expect(again['FromLedger']).toBeUndefined();
      expect(await groupsInStudio()).toEqual([again['ProgramId']]);
    } finally {
      await proxy.close();
    }
  }, 60_000);
});

describe('a Redis stall during a batch of events', () => {
  const redis = redisPerTest();

  it('loses no group and duplicates none; GET /schedule says Incomplete until the next tick completes every record', async () => {
    // Prepare
    const env = { REDIS_URL: redis().url };
    const events = builtFunction('event', env);
    const schedule = builtFunction('http', env);
    // The tick comes after the event function's pending grace (LEDGER_PENDING_GRACE_S, 0 here for that time having passed).
    const timer = builtFunction('timer', { ...env, LEDGER_PENDING_GRACE_S: '0' });
    const batch = Array.from({ length: 40 }, (_, n) => cloudEvent({ id: `stall-${n}`, source: 'acs.test.stall', data: samplePlan() }));
    const getSchedule = async () => httpJson(await schedule.invoke(httpEventBuffer({ method: 'GET', path: '/schedule' }))).body;
    const lostWrites = () => logLines().filter((line) => String(line['message']).startsWith('ledger write failed'));

    // Act
    const delivery = events.invoke(cloudEventBuffer(batch));
    await until(async () => (await testbed.addRequests()).length >= 4, 'the first adds of the batch');
    redis().pause();
    // The shortest stall that loses a write for good. A write that times out (the ledger's 1 s command timeout) is
    // still run by Redis once it resumes; the writes after it are refused unsent while the ledger stays skipped.
    await until(
      () => lostWrites().some((line) => /moments ago/.test(String((line['error'] as { message?: string } | undefined)?.message))),
      'a ledger write to be refused while Redis is stalled',
    );
    redis().resume();
    let delivered = await delivery;
    // FC redelivers a failed delivery; whatever the stall did to this one, a redelivery must complete it.
    if (!delivered.ok) delivered = await events.invoke(cloudEventBuffer(batch));
    const beforeTick = await getSchedule();
    const tick = resultOf<Record<string, unknown>>(
      await timer.invoke(
        timerEventBuffer({ triggerName: 'repair', triggerTime: startAt(0), payload: JSON.stringify(samplePlan({ RepeatNum: -1 })) }),
      ),
    );
    const afterTick = await getSchedule();

    // Assess
    expect(delivered.ok).toBe(true);
    const groups = await testbed.episodeGroups();
    const eventTokens = new Set(groups.filter((group) => group.ProgramId !== tick['ProgramId']).map((group) => group.ClientToken));
    expect(groups).toHaveLength(41);
    expect(eventTokens.size).toBe(40);
    expect(beforeTick['Incomplete']).toEqual(expect.any(String));
    expect(afterTick['Incomplete']).toBeUndefined();
    const eventRecords = (afterTick['Records'] as LedgerRecord[]).filter((record) => record.Trigger.kind === 'event');
    expect(eventRecords.map((record) => record.State)).toEqual(Array(40).fill('scheduled'));
    expect(new Set(eventRecords.map((record) => record.ProgramId))).toEqual(
      new Set(groups.filter((group) => group.ProgramId !== tick['ProgramId']).map((group) => group.ProgramId)),
    );
    expect(secretLeaksIn(functionOutput.join(''))).toEqual([]);
  }, 120_000);
});

describe('the timer function on FC', () => {
  it('deletes the previous tick’s group once the next tick’s has started, with the STS keys of the invocation', async () => {
    // Prepare
    const timer = builtFunction('timer', { LEDGER_FILE: ledgerFile });
    const tick = async (triggerTime: string, startTime: string) =>
      resultOf<Record<string, unknown>>(
        await timer.invoke(
          timerEventBuffer({
            triggerName: 'daily-loop',
            triggerTime,
            payload: JSON.stringify(samplePlan({ StartTime: startTime, RepeatNum: -1 })),
          }),
        ),
      );
    const monday = await tick(startAt(-90), startAt(-60));

    // Act
    const tuesday = await tick(startAt(-45), startAt(-30));

    // Assess
    expect(tuesday['Slot']).toBe('daily-loop');
    expect(tuesday['Retired']).toEqual([monday['ProgramId']]);
    expect(await groupsInStudio()).toEqual([tuesday['ProgramId']]);
    expect(functionOutput.join('')).not.toContain('InvalidConfiguration');
    expect(logLines().filter((line) => line['level'] === 'error')).toEqual([]);
  });
});

describe('the file ledger held by a live but paused writer', () => {
  let holder: ChildProcess | undefined;
  afterEach(() => {
    if (holder && holder.exitCode === null && holder.signalCode === null) {
      holder.kill('SIGCONT');
      holder.kill('SIGKILL');
    }
    holder = undefined;
  });

  it('is never taken over, however old the lock: submit leaves the lock and every record alone, and says the ledger is incomplete', async () => {
    // Prepare
    const earlier = await submit(samplePlan(), 'morning');
    const ledgerBefore = await readFile(ledgerFile, 'utf8');
    holder = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    await until(() => holder?.pid !== undefined, 'the lock holder to start');
    holder.kill('SIGSTOP');
    const lock = lockFileContent({ pid: holder.pid as number, host: hostname(), nonce: 'paused-holder' });
    await writeFile(`${ledgerFile}.lock`, lock);
    // Paused for ten minutes already: no age makes a live holder's lock anyone else's.
    const tenMinutesAgo = new Date(Date.now() - 600_000);
    await utimes(`${ledgerFile}.lock`, tenMinutesAgo, tenMinutesAgo);

    // Act
    const run = await cli(['submit', await writePlan(samplePlan()), '--slot', 'evening']);

    // Assess
    expect(await readFile(`${ledgerFile}.lock`, 'utf8')).toBe(lock);
    expect(await readFile(ledgerFile, 'utf8')).toBe(ledgerBefore);
    const result = ok(run);
    expect((await groupsInStudio()).sort()).toEqual([earlier['ProgramId'], result['ProgramId']].sort());
    const warnings = run.stderr
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    // Each write waited for the lock and gave up: the warning names the live holder, and the ledger stays as it was.
    const unavailable = warnings.filter(
      (line) => line['level'] === 'warn' && (line['error'] as { code?: string } | undefined)?.code === 'LedgerUnavailable',
    );
    expect(unavailable.length, run.stderr).toBeGreaterThan(0);
    expect(unavailable[0]).toMatchObject({
      message: expect.stringMatching(/incomplete/),
      error: expect.objectContaining({ message: expect.stringContaining(`pid ${holder.pid}`) }),
    });
    expect(secretLeaksIn(run.stderr)).toEqual([]);
  }, 90_000);
});

describe('two slots of one studio airing at once', () => {
  it('are reported: the second submit warns naming the first group, ls marks both OVERLAPS, GET /schedule gives both Overlaps', async () => {
    // Prepare
    const fn = builtFunction('http', { LEDGER_FILE: ledgerFile });
    const first = await submit(samplePlan({ StartTime: '2031-03-06T19:00:00Z', RepeatNum: -1 }), 'x');

    // Act
    const second = await submit(samplePlan({ StartTime: '2031-03-06T20:00:00Z', RepeatNum: -1 }), 'y');
    const table = await cli(['ls']);
    const listed = httpJson(await fn.invoke(httpEventBuffer({ method: 'GET', path: '/schedule' })));

    // Assess
    expect(second['Overlaps']).toEqual([{ ProgramId: first['ProgramId'], Slot: 'x', StartTime: '2031-03-06T19:00:00Z' }]);
    expect(second['warnings']).toEqual([expect.objectContaining({ message: expect.stringContaining(String(first['ProgramId'])) })]);
    expect(rowOf(table.stdout, first['ProgramId'])?.['STATE']).toBe(`scheduled OVERLAPS ${second['ProgramId']}`);
    expect(rowOf(table.stdout, second['ProgramId'])?.['STATE']).toBe(`scheduled OVERLAPS ${first['ProgramId']}`);
    expect(listed.statusCode).toBe(200);
    const overlaps = (listed.body['Records'] as (LedgerRecord & { Overlaps?: string[] })[]).map((record) => [
      record.ProgramId,
      record.Overlaps,
    ]);
    expect(overlaps).toEqual([
      [first['ProgramId'], [second['ProgramId']]],
      [second['ProgramId'], [first['ProgramId']]],
    ]);
  });
});
