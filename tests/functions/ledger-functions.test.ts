import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO_CREDENTIALS } from '../../emulator/index';
import type { CloudEventsResult } from '../../shared/src/fc/event/schedule-cloud-events';
import type { FcHttpResponse } from '../../shared/src/fc/fc-types';
import type { TimerResult } from '../../shared/src/fc/timer/schedule-timer-plan';
import { readCliPlan } from '../../shared/src/triggers/cli-plan';
import { cloudEvent, cloudEventBuffer, fcContext, httpEventBuffer, timerEventBuffer } from '../support/fc-events';
import { captureLogLines, secretLeaksIn, startFunctionInstance, withFunction } from '../support/fc-testbed';
import { samplePlan } from '../support/plan-fixtures';
import { freePort } from '../support/redis-server';
import { runBuiltCli } from '../support/run-built-cli';

const logs = captureLogLines();
const workDir = mkdtempSync(join(tmpdir(), 'ledger-functions-'));
afterAll(() => {
  logs.restore();
  rmSync(workDir, { recursive: true, force: true });
});
let ledgerFiles = 0;
const ledgerEnv = () => ({ LEDGER_FILE: join(workDir, `ledger-${++ledgerFiles}.json`) });

describe('the functions with a ledger', () => {
  it('event: a redelivered batch answers the events it already scheduled from the ledger, without an API call', async () => {
    await withFunction('event', {}, async ({ testbed }) => {
      // Prepare
      const fn = await startFunctionInstance('event', { ...testbed.env, ...ledgerEnv() });
      const batch = [1, 2, 3].map((n) => cloudEvent({ id: `resume-${n}`, source: 'acs.test.resume', data: samplePlan() }));
      const first = (await fn.handler(cloudEventBuffer(batch), fcContext())) as CloudEventsResult;
      const callsAfterFirst = (await testbed.addRequests()).length;

      // Act
      const redelivered = (await fn.handler(cloudEventBuffer(batch), fcContext())) as CloudEventsResult;

      // Assess
      expect((await testbed.addRequests()).length).toBe(callsAfterFirst);
      expect(redelivered.outcomes).toEqual(first.outcomes.map((outcome) => ({ ...outcome, FromLedger: true })));
    });
  });

  it('event: a batch redelivered to a fresh instance (FC may pick any) is answered from the shared ledger file', async () => {
    await withFunction('event', {}, async ({ testbed }) => {
      // Prepare
      const env = { ...testbed.env, ...ledgerEnv() };
      const batch = [1, 2].map((n) => cloudEvent({ id: `fresh-${n}`, source: 'acs.test.fresh', data: samplePlan() }));
      await (await startFunctionInstance('event', env)).handler(cloudEventBuffer(batch), fcContext());
      const callsAfterFirst = (await testbed.addRequests()).length;

      // Act
      const freshInstance = await startFunctionInstance('event', env);
      const redelivered = (await freshInstance.handler(cloudEventBuffer(batch), fcContext())) as CloudEventsResult;

      // Assess
      expect((await testbed.addRequests()).length).toBe(callsAfterFirst);
      expect(redelivered.outcomes.every((outcome) => 'FromLedger' in outcome && outcome.FromLedger)).toBe(true);
    });
  });

  it('timer: each tick’s group follows the previous one in the slot named after the trigger, which stays on air until it starts', async () => {
    await withFunction('timer', {}, async ({ testbed }) => {
      // Prepare
      const fn = await startFunctionInstance('timer', { ...testbed.env, ...ledgerEnv() });
      const payload = JSON.stringify(samplePlan({ RepeatNum: -1, StartTime: undefined, StartOffset: 'P1825D' }));
      const tick = (triggerTime: string) =>
        fn.handler(timerEventBuffer({ triggerName: 'daily-loop', triggerTime, payload }), fcContext()) as Promise<TimerResult>;
      const monday = await tick('2026-12-07T06:00:00Z');

      // Act
      const tuesday = await tick('2026-12-08T06:00:00Z');

      // Assess
      expect(monday).toMatchObject({ Slot: 'daily-loop', State: 'scheduled' });
      expect(tuesday).toMatchObject({ Slot: 'daily-loop', State: 'scheduled', Retired: [], Replaced: [] });
      expect(tuesday.OffAirAt).toBeUndefined();
      expect((await testbed.episodeGroups()).map((group) => group.ProgramId)).toEqual([monday.ProgramId, tuesday.ProgramId]);
    });
  });

  it('http: after a cancel (caster-carousel cancel), the same plan without an Idempotency-Key schedules a new group', async () => {
    await withFunction('http', {}, async ({ testbed }) => {
      // Prepare
      const env = { ...testbed.env, ...ledgerEnv() };
      const fn = await startFunctionInstance('http', env);
      const plan = samplePlan();
      const post = async () => JSON.parse(((await fn.handler(httpEventBuffer({ body: plan }), fcContext())) as FcHttpResponse).body);
      const first = await post();
      const cancel = await runBuiltCli(['cancel', '--json', first.ProgramId], {
        ALIBABA_CLOUD_ACCESS_KEY_ID: DEMO_CREDENTIALS.accessKeyId,
        ALIBABA_CLOUD_ACCESS_KEY_SECRET: DEMO_CREDENTIALS.accessKeySecret,
        LIVE_ENDPOINT: testbed.emulator.url,
        LEDGER_FILE: env.LEDGER_FILE,
      });

      // Act
      const second = await post();

      // Assess
      expect(cancel.exitCode, cancel.stderr).toBe(0);
      expect(JSON.parse(cancel.stdout)).toMatchObject({ ProgramId: first.ProgramId, State: 'cancelled' });
      expect(second.ProgramId).not.toBe(first.ProgramId);
      expect(second.State).toBe('scheduled');
      expect((await testbed.episodeGroups()).map((group) => group.ProgramId)).toEqual([second.ProgramId]);
    });
  });

  it('http: an Idempotency-Key reused with another plan is still a 409, never the first group from the ledger', async () => {
    await withFunction('http', {}, async ({ testbed }) => {
      // Prepare
      const fn = await startFunctionInstance('http', { ...testbed.env, ...ledgerEnv() });
      const headers = { 'Idempotency-Key': 'ledger-reused-key' };
      const first = (await fn.handler(httpEventBuffer({ headers, body: samplePlan() }), fcContext())) as FcHttpResponse;

      // Act
      const reused = (await fn.handler(httpEventBuffer({ headers, body: samplePlan() }), fcContext())) as FcHttpResponse;

      // Assess
      expect(first.statusCode).toBe(201);
      expect(reused.statusCode).toBe(409);
      expect(JSON.parse(reused.body).error).toBe('IdempotencyConflict');
    });
  });

  it('http: GET /schedule?caster= lists the live records of that studio, with every secret redacted', async () => {
    await withFunction('http', {}, async ({ testbed }) => {
      // Prepare
      const fn = await startFunctionInstance('http', { ...testbed.env, ...ledgerEnv() });
      const created = JSON.parse(
        ((await fn.handler(httpEventBuffer({ body: samplePlan({ Slot: 'lobby' }) }), fcContext())) as FcHttpResponse).body,
      );

      // Act
      const listed = (await fn.handler(
        httpEventBuffer({ method: 'GET', path: '/schedule', queryParameters: { caster: testbed.env['CASTER_ID']! } }),
        fcContext(),
      )) as FcHttpResponse;
      const otherStudio = (await fn.handler(
        httpEventBuffer({ method: 'GET', path: '/schedule', queryParameters: { caster: 'LIVEPRODUCER_POST-cn-other' } }),
        fcContext(),
      )) as FcHttpResponse;

      // Assess
      expect(listed.statusCode).toBe(200);
      const body = JSON.parse(listed.body) as { Records: Record<string, unknown>[] };
      expect(body.Records.map((record) => [record['ProgramId'], record['Slot'], record['State']])).toEqual([
        [created.ProgramId, 'lobby', 'scheduled'],
      ]);
      expect(secretLeaksIn(listed.body)).toEqual([]);
      expect(JSON.parse(otherStudio.body)).toEqual({ Records: [] });
    });
  });

  it('http: GET /schedule refuses a malformed caster with 400 naming it, and answers 404 when no ledger is kept', async () => {
    await withFunction('http', {}, async ({ testbed }) => {
      // Prepare
      const withLedger = await startFunctionInstance('http', { ...testbed.env, ...ledgerEnv() });
      const bad = httpEventBuffer({ method: 'GET', path: '/schedule', queryParameters: { caster: 'no spaces allowed' } });
      const good = httpEventBuffer({ method: 'GET', path: '/schedule' });

      // Act
      const malformed = (await withLedger.handler(bad, fcContext())) as FcHttpResponse;
      const withoutLedger = (await (await startFunctionInstance('http', testbed.env)).handler(good, fcContext())) as FcHttpResponse;

      // Assess
      expect(malformed.statusCode).toBe(400);
      expect(JSON.parse(malformed.body).message).toContain('caster');
      expect(malformed.body).not.toContain('no spaces allowed');
      expect(withoutLedger.statusCode).toBe(404);
      expect(JSON.parse(withoutLedger.body).error).toBe('NoLedger');
    });
  });
});

describe('the functions when the ledger cannot be read', () => {
  it('http: with Redis down the plan is still scheduled (201) with its first-generation token, and a warning says the ledger is unreadable', async () => {
    await withFunction('http', {}, async ({ testbed }) => {
      // Prepare
      const closedPort = await freePort();
      const fn = await startFunctionInstance('http', { ...testbed.env, REDIS_URL: `redis://127.0.0.1:${closedPort}` });
      const plan = samplePlan();
      const before = logs.lines.length;

      // Act
      const response = (await fn.handler(httpEventBuffer({ body: plan }), fcContext())) as FcHttpResponse;

      // Assess
      expect(response.statusCode).toBe(201);
      const { ProgramId, ClientToken } = JSON.parse(response.body);
      expect(ClientToken).toBe(readCliPlan(JSON.stringify(plan), 'plan').clientToken);
      expect((await testbed.episodeGroups()).map((group) => group.ProgramId)).toContain(ProgramId);
      const lines = logs.lines.slice(before);
      // The read fails first: the warning names the store and says scheduling goes on without it.
      const warning = lines
        .map((line) => JSON.parse(line))
        .find((line) => line.level === 'warn' && line.error?.code === 'LedgerUnavailable');
      expect(warning?.ledger).toBe(`redis 127.0.0.1:${closedPort}`);
      expect(String(warning?.message)).toMatch(/unreadable/);
      expect(String(warning?.message)).toMatch(/first-generation/);
      expect(secretLeaksIn(lines.join('\n'))).toEqual([]);
    });
  });
});
