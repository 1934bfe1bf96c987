/**
 * The reconciliation tick (the timer payload `{"Reconcile": "PT1M"}`) and the timer without a ledger, through the
 * built functions laid out as FC lays them out (credentials only in context.credentials), against the emulator over
 * loopback HTTP, with a real redis-server as the ledger.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_STUDIO, type RequestLogEntry } from '../../emulator/index';
import { type FcFunctionHost, type InvocationOutcome, startFcFunction } from '../../local/fc-host';
import { call, popClient } from '../emulator/support';
import { httpEventBuffer, TEST_STS_CREDENTIALS, timerEventBuffer } from '../support/fc-events';
import { ensureBuilt, layOutBuiltFunction } from '../support/fc-layout';
import { type FcTestbed, logLinesIn, secretLeaksIn, startFcTestbed } from '../support/fc-testbed';
import { samplePlan } from '../support/plan-fixtures';
import { type RedisServer, startRedisServer } from '../support/redis-server';

// Starts in the recent past need a grace wider than a slow machine could ever eat into.
const GRACE_S = '600';
const RECONCILE_PAYLOAD = '{"Reconcile":"PT1M"}';

let redis: RedisServer;
let testbed: FcTestbed;
let layoutBase: string;
let layouts = 0;
let accounts = 0;
const hosts: FcFunctionHost[] = [];
let functionOutput: string[] = [];

beforeAll(async () => {
  ensureBuilt();
  layoutBase = mkdtempSync(join(tmpdir(), 'reconcile-tick-fc-'));
  redis = await startRedisServer();
}, 180_000);
afterAll(async () => {
  await redis?.stop();
  rmSync(layoutBase, { recursive: true, force: true });
});
beforeEach(async () => {
  testbed = await startFcTestbed();
  functionOutput = [];
});
afterEach(async () => {
  await Promise.all(hosts.splice(0).map((host) => host.close()));
  await testbed.close();
});

/** One built function, as FC runs it; each test has a ledger (and pacing schedule) of its own in the shared Redis. */
function builtFunction(name: 'http' | 'timer', env: Record<string, string>, timeoutSeconds = 90): FcFunctionHost {
  const host = startFcFunction({
    name: `caster-carousel-${name}`,
    ...layOutBuiltFunction(layoutBase, name, `${name}-${++layouts}`),
    env: { ...testbed.env, START_TIME_GRACE_S: GRACE_S, ...env },
    credentials: TEST_STS_CREDENTIALS,
    timeoutSeconds,
    onOutput: (text) => functionOutput.push(text),
  });
  hosts.push(host);
  return host;
}
const ledgerEnv = (): Record<string, string> => ({ REDIS_URL: redis.url, PACING_ACCOUNT: `reconcile-${process.pid}-${++accounts}` });
const resultOf = <T>(outcome: InvocationOutcome): T => {
  if (!outcome.ok) throw new Error(`the function failed: ${outcome.error.errorType}: ${outcome.error.errorMessage}`);
  return outcome.result as T;
};
/** A StartTime `seconds` from now (negative: in the past), as the API writes it. */
const startAt = (seconds: number): string =>
  new Date(Math.floor(Date.now() / 1000 + seconds) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
const post = async (http: FcFunctionHost, plan: Record<string, unknown>): Promise<{ ProgramId: string; State: string }> => {
  const response = resultOf<{ statusCode: number; body: string }>(await http.invoke(httpEventBuffer({ body: plan })));
  expect(response.statusCode, response.body).toBe(201);
  return JSON.parse(response.body) as { ProgramId: string; State: string };
};
const reconcileTick = (timer: FcFunctionHost, triggerTime: string) =>
  timer.invoke(timerEventBuffer({ triggerName: 'reconcile', triggerTime, payload: RECONCILE_PAYLOAD }));
const groupsInStudio = async (): Promise<string[]> => (await testbed.episodeGroups()).map((group) => group.ProgramId);
const deletesOf = async (programId: string): Promise<RequestLogEntry[]> =>
  (await testbed.requests()).filter(
    (entry) => entry.Action === 'DeleteCasterEpisodeGroup' && entry.Params['ProgramId'] === programId && entry.Verdict === 'ok',
  );
const logLines = (): Record<string, unknown>[] => logLinesIn(functionOutput);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface ReconcileResult {
  Retired: string[];
  SwitchOvers: { ProgramId: string; Successor?: string; OffAirAt: string; DeletedAt: string }[];
  Verified: { Present: string[]; Missing: string[]; Unknown: { ProgramId: string; Reason: string }[] };
  StoppedByDeadline?: boolean;
  warnings?: { field: string; message: string }[];
}

describe('the reconciliation tick', () => {
  it('takes a group off air at its successor’s start, waiting within the tick, never before that start', async () => {
    // Prepare
    const env = ledgerEnv();
    const http = builtFunction('http', env);
    const timer = builtFunction('timer', env);
    const onAir = await post(http, samplePlan({ Slot: 'evening', StartTime: startAt(-30), RepeatNum: -1 }));
    const successorStart = startAt(8);
    const successor = await post(http, samplePlan({ Slot: 'evening', StartTime: successorStart, RepeatNum: -1 }));

    // Act: a tick whose minute holds the successor's start, with nobody calling gc.
    const result = resultOf<ReconcileResult>(await reconcileTick(timer, startAt(0)));

    // Assess
    const deletes = await deletesOf(onAir.ProgramId);
    expect(deletes).toHaveLength(1);
    expect(Date.parse(deletes[0]?.Time ?? '')).toBeGreaterThanOrEqual(Date.parse(successorStart));
    expect(result.SwitchOvers).toEqual([
      { ProgramId: onAir.ProgramId, Successor: successor.ProgramId, OffAirAt: successorStart, DeletedAt: expect.any(String) },
    ]);
    expect(result.Verified.Present).toContain(successor.ProgramId);
    expect(await groupsInStudio()).toEqual([successor.ProgramId]);
    expect(secretLeaksIn(functionOutput.join(''))).toEqual([]);
  }, 60_000);

  it('marks a group due to air that the studio no longer has `missing`, and keeps its predecessor on air past its start', async () => {
    // Prepare: a loop on air, its successor (removed at the studio by a person before it started), and another slot's group.
    const env = ledgerEnv();
    const http = builtFunction('http', env);
    const timer = builtFunction('timer', env);
    const onAir = await post(http, samplePlan({ Slot: 'late', StartTime: startAt(-60), RepeatNum: -1 }));
    const lostStart = startAt(3);
    const lost = await post(http, samplePlan({ Slot: 'late', StartTime: lostStart, RepeatNum: -1 }));
    const other = await post(http, samplePlan({ Slot: 'other', StartTime: startAt(4), RepeatNum: 0 }));
    await call(popClient(testbed.emulator), 'DeleteCasterEpisodeGroup', { ProgramId: lost.ProgramId }, 'POST');
    while (Date.now() <= Date.parse(lostStart)) await sleep(100);

    // Act: the tick of the minute that holds both starts.
    const result = resultOf<ReconcileResult>(await reconcileTick(timer, startAt(-30)));

    // Assess
    expect(result.Verified.Missing).toEqual([lost.ProgramId]);
    expect(result.Verified.Present).toContain(other.ProgramId);
    expect(result.Retired).toEqual([]);
    expect(await deletesOf(onAir.ProgramId)).toEqual([]);
    expect(await groupsInStudio()).toEqual(expect.arrayContaining([onAir.ProgramId, other.ProgramId]));
    const schedule = JSON.parse(
      resultOf<{ body: string }>(await http.invoke(httpEventBuffer({ method: 'GET', path: '/schedule' }))).body,
    ) as { Records: { ProgramId: string; State: string }[] };
    expect(schedule.Records.find((record) => record.ProgramId === onAir.ProgramId)?.State).toBe('scheduled');
    expect(schedule.Records.find((record) => record.ProgramId === lost.ProgramId)).toBeUndefined();
  }, 60_000);

  it('leaves a switch-over its deadline cannot reach to the next tick, deleting nothing early', async () => {
    // Prepare: a function timeout (5 s) shorter than the wait for the successor's start.
    const env = ledgerEnv();
    const http = builtFunction('http', env);
    const timer = builtFunction('timer', env, 5);
    const onAir = await post(http, samplePlan({ Slot: 'short', StartTime: startAt(-30), RepeatNum: -1 }));
    await post(http, samplePlan({ Slot: 'short', StartTime: startAt(40), RepeatNum: -1 }));

    // Act
    const result = resultOf<ReconcileResult>(await reconcileTick(timer, startAt(0)));

    // Assess
    expect(result.StoppedByDeadline).toBe(true);
    expect(result.Retired).toEqual([]);
    expect(await deletesOf(onAir.ProgramId)).toEqual([]);
    expect(logLines()).toContainEqual(expect.objectContaining({ level: 'warn', message: expect.stringContaining('deadline') }));
  }, 60_000);
});

describe('the timer function with LEDGER=off', () => {
  it('logs an error line on every tick and warns in every result that slots are not kept, plan ticks and reconciliation ticks alike', async () => {
    // Prepare
    const timer = builtFunction('timer', { REDIS_URL: redis.url, LEDGER: 'off' });
    const payload = JSON.stringify({ ...samplePlan({ RepeatNum: -1 }), StartTime: undefined, StartOffset: 'PT30M' });

    // Act
    const monday = resultOf<{ ProgramId: string; warnings?: { field: string }[] }>(
      await timer.invoke(timerEventBuffer({ triggerName: 'nightly', triggerTime: startAt(0), payload })),
    );
    const tuesday = resultOf<{ ProgramId: string; warnings?: { field: string }[] }>(
      await timer.invoke(timerEventBuffer({ triggerName: 'nightly', triggerTime: startAt(60), payload })),
    );
    const reconcile = resultOf<ReconcileResult>(await reconcileTick(timer, startAt(0)));

    // Assess: both ticks' groups stay (nothing retires the first), and each tick said so.
    expect(monday.warnings).toEqual([expect.objectContaining({ field: 'Slot', message: expect.stringContaining('LEDGER=off') })]);
    expect(tuesday.warnings).toEqual([expect.objectContaining({ field: 'Slot', message: expect.stringContaining('LEDGER=off') })]);
    expect(reconcile.warnings).toEqual([expect.objectContaining({ field: 'Reconcile', message: expect.stringContaining('LEDGER=off') })]);
    expect(await groupsInStudio()).toEqual([monday.ProgramId, tuesday.ProgramId]);
    const errors = logLines().filter((line) => line['level'] === 'error');
    expect(errors).toHaveLength(3);
    expect(errors.every((line) => String(line['message']).startsWith('no ledger'))).toBe(true);
    expect(new Set(errors.map((line) => line['requestId'])).size).toBe(3);
  }, 60_000);
});

describe('a reconciliation payload the function refuses', () => {
  it.each([
    ['an interval under a minute', '{"Reconcile":"PT30S"}', /PT1M to P1D/],
    ['something beside Reconcile', '{"Reconcile":"PT1M","Items":[]}', /Items: is not allowed beside Reconcile/],
  ])('fails for %s, naming the field, and neither schedules, deletes nor lists anything', async (_label, payload, reason) => {
    // Prepare
    const timer = builtFunction('timer', { ...ledgerEnv(), CASTER_ID: DEMO_STUDIO.CasterId });

    // Act
    const outcome = await timer.invoke(timerEventBuffer({ triggerName: 'reconcile', triggerTime: startAt(0), payload }));

    // Assess
    expect(outcome.ok).toBe(false);
    expect(outcome.ok ? '' : outcome.error.errorMessage).toMatch(reason);
    // Only the initializer's warm-up read reached the studio.
    expect((await testbed.requests()).filter((entry) => entry.Action !== 'DescribeCasterConfig')).toEqual([]);
  });
});
