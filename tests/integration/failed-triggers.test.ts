/**
 * Failures where an operator looks: a timer tick or an event that fails is recorded in the ledger with its trigger,
 * its reason and its attempts; `ls --failed` and `GET /schedule?failed=1` show it; a later success clears it; and
 * `replay` sends it again under its own ClientToken, so it never makes a second group. The built functions (laid
 * out as FC lays them out, credentials only in context.credentials) and the built CLI, against the emulator over
 * loopback HTTP, with the JSON-file ledger and with a real redis-server.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_CREDENTIALS, DEMO_STUDIO } from '../../emulator/index';
import { type FcFunctionHost, type InvocationOutcome, startFcFunction } from '../../local/fc-host';
import type { FailedTrigger } from '../../shared/src/ledger/failed-trigger';
import { type FaultProxy, startFaultProxy } from '../support/fault-proxy';
import { cloudEvent, cloudEventBuffer, httpEventBuffer, TEST_STS_CREDENTIALS, timerEventBuffer } from '../support/fc-events';
import { ensureBuilt, layOutBuiltFunction } from '../support/fc-layout';
import { type FcTestbed, secretLeaksIn, startFcTestbed } from '../support/fc-testbed';
import { SAMPLE_AUTH_KEY, samplePlan } from '../support/plan-fixtures';
import { freePort, type RedisServer, startRedisServer } from '../support/redis-server';
import { type CliRun, runBuiltCli } from '../support/run-built-cli';

const OTHER_STUDIO = 'LIVEPRODUCER_POST-cn-nosuch0001';

let redis: RedisServer;
let layoutBase: string;
let layouts = 0;
beforeAll(async () => {
  ensureBuilt();
  layoutBase = mkdtempSync(join(tmpdir(), 'failed-triggers-fc-'));
  redis = await startRedisServer();
}, 180_000);
afterAll(async () => {
  await redis?.stop();
  rmSync(layoutBase, { recursive: true, force: true });
});

/** The ledger a function and the CLI share: a JSON file, or Redis (each test has its own scope: its own proxy port). */
const STORES: readonly (readonly [string, (workDir: string) => Record<string, string>])[] = [
  ['file', (workDir) => ({ LEDGER_FILE: join(workDir, 'ledger.json') })],
  ['redis', () => ({ REDIS_URL: redis.url })],
];

/** Now, to the second, as FC writes a triggerTime. */
function isoSecond(offsetSeconds = 0): string {
  return new Date(Math.floor(Date.now() / 1000 + offsetSeconds) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** A payload starting its loop 30 minutes after the tick, with an auth_key in a VodUrl (which no output may show). */
function loopPayload(overrides: Record<string, unknown> = {}): string {
  return JSON.stringify(samplePlan({ StartTime: undefined, StartOffset: 'PT30M', RepeatNum: -1, ...overrides }));
}

describe.each(STORES)('failed triggers with the %s ledger', (_kind, ledgerEnvOf) => {
  let testbed: FcTestbed;
  let proxy: FaultProxy;
  let workDir: string;
  let ledgerEnv: Record<string, string>;
  let hosts: FcFunctionHost[];
  let functionOutput: string[];

  beforeEach(async () => {
    testbed = await startFcTestbed();
    // Every call goes through this proxy: re-pointed at a closed port, the Live API is unreachable; the ledger's
    // scope (the endpoint) stays the same either way.
    proxy = await startFaultProxy(testbed.emulator.url);
    workDir = mkdtempSync(join(tmpdir(), 'failed-triggers-'));
    ledgerEnv = ledgerEnvOf(workDir);
    hosts = [];
    functionOutput = [];
  });
  afterEach(async () => {
    await Promise.all(hosts.map((host) => host.close()));
    await proxy.close();
    await testbed.close();
    rmSync(workDir, { recursive: true, force: true });
  });

  /** One built function, as FC runs it: its own process, the layer on NODE_PATH, the STS keys only in context.credentials. */
  const builtFunction = (name: 'http' | 'timer' | 'event', env: Record<string, string> = {}): FcFunctionHost => {
    const host = startFcFunction({
      name: `caster-carousel-${name}`,
      ...layOutBuiltFunction(layoutBase, name, `${name}-${++layouts}`),
      env: { ...testbed.env, LIVE_ENDPOINT: proxy.url, ...ledgerEnv, ...env },
      credentials: TEST_STS_CREDENTIALS,
      timeoutSeconds: 60,
      onOutput: (text) => functionOutput.push(text),
    });
    hosts.push(host);
    return host;
  };
  const cliEnv = (overrides: Record<string, string> = {}): Record<string, string> => ({
    ALIBABA_CLOUD_ACCESS_KEY_ID: DEMO_CREDENTIALS.accessKeyId,
    ALIBABA_CLOUD_ACCESS_KEY_SECRET: DEMO_CREDENTIALS.accessKeySecret,
    LIVE_ENDPOINT: proxy.url,
    CASTER_ID: DEMO_STUDIO.CasterId,
    TZ: 'UTC',
    ...ledgerEnv,
    ...overrides,
  });
  const cli = (args: string[], env: Record<string, string> = {}): Promise<CliRun> => runBuiltCli(args, cliEnv(env));
  const okJson = <T>(run: CliRun): T => {
    expect(run.exitCode, run.stderr).toBe(0);
    return JSON.parse(run.stdout) as T;
  };
  const failedTriggers = async (): Promise<FailedTrigger[]> => okJson<FailedTrigger[]>(await cli(['ls', '--failed', '--json']));
  /** The Live API unreachable (connections refused), or reachable again. */
  const apiDown = async (): Promise<void> => {
    proxy.target = `http://127.0.0.1:${await freePort()}`;
  };
  const apiUp = (): void => {
    proxy.target = testbed.emulator.url;
  };
  const tick = (triggerName: string, triggerTime: string, payload: string): Buffer =>
    timerEventBuffer({ triggerName, triggerTime, payload });

  describe('a failed tick is recorded where an operator looks', () => {
    it('timer: a tick refused by validation is recorded failed with its field errors, its raw input and one attempt per FC delivery', async () => {
      // Prepare
      const timer = builtFunction('timer');
      const triggerTime = isoSecond();
      const payload = JSON.stringify({ StartOffset: 'PT30M', RepeatNum: -1, Items: [] });
      const event = tick('nightly', triggerTime, payload);

      // Act: FC's delivery and its two retries.
      const outcomes: InvocationOutcome[] = [];
      for (const requestId of ['fc-delivery-1', 'fc-retry-1', 'fc-retry-2']) outcomes.push(await timer.invoke(event, { requestId }));
      const failures = await failedTriggers();
      const table = await cli(['ls', '--failed']);

      // Assess
      expect(outcomes.map((outcome) => outcome.ok)).toEqual([false, false, false]);
      expect(failures).toEqual([
        expect.objectContaining({
          Key: `timer:nightly@${triggerTime}`,
          Trigger: { kind: 'timer', triggerName: 'nightly', triggerTime },
          Input: { triggerName: 'nightly', triggerTime, payload },
          CasterId: DEMO_STUDIO.CasterId,
          Error: 'InvalidPlan',
          FieldErrors: { Items: ['must have at least 1 item'] },
          Retryable: false,
          Attempts: 3,
          InvocationId: 'fc-retry-2',
          Via: 'function',
        }),
      ]);
      expect(table.exitCode, table.stderr).toBe(0);
      expect(tableRows(table.stdout)).toEqual([
        {
          KEY: `timer:nightly@${triggerTime}`,
          ERROR: 'InvalidPlan',
          ATTEMPTS: '3',
          'LAST FAILED': expect.stringMatching(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}(:\d{2})? \+00:00$/),
          CASTER: DEMO_STUDIO.CasterId,
          REASON: 'Items: must have at least 1 item',
        },
      ]);
      expect(table.stdout).toContain('(1 failed trigger; times in UTC; caster-carousel replay KEY sends one again');
      expect(await testbed.addRequests()).toEqual([]);
    });

    it('timer: a tick the API refuses for good is recorded with the API’s Code and RequestId and the ClientToken it used', async () => {
      // Prepare
      const timer = builtFunction('timer');
      const triggerTime = isoSecond();

      // Act
      const outcome = await timer.invoke(tick('unknown-studio', triggerTime, loopPayload({ CasterId: OTHER_STUDIO })));
      const [failure] = await failedTriggers();
      const table = await cli(['ls', '--failed']);

      // Assess
      expect(outcome.ok).toBe(false);
      const lookup = (await testbed.requests()).filter((entry) => entry.Action === 'DescribeCasterConfig').at(-1);
      expect(lookup?.Verdict).toBe('InvalidCaster.NotFound');
      expect(failure).toMatchObject({
        Key: `timer:unknown-studio@${triggerTime}`,
        CasterId: OTHER_STUDIO,
        Error: 'LiveApiError',
        Code: 'InvalidCaster.NotFound',
        RequestId: lookup?.RequestId,
        ClientToken: expect.stringMatching(/^cc1-/),
        Retryable: false,
        Attempts: 1,
      });
      expect(tableRows(table.stdout)[0]).toMatchObject({
        ERROR: 'LiveApiError InvalidCaster.NotFound',
        REASON: `The Live API answered DescribeCasterConfig with InvalidCaster.NotFound (RequestId ${lookup?.RequestId})`,
      });
    });

    it('timer: a tick the allow-lists refuse is recorded Forbidden, with the field it names, and nothing is sent', async () => {
      // Prepare
      const timer = builtFunction('timer', { ALLOWED_CASTER_IDS: DEMO_STUDIO.CasterId });
      const triggerTime = isoSecond();

      // Act
      const outcome = await timer.invoke(tick('other-studio', triggerTime, loopPayload({ CasterId: OTHER_STUDIO })));
      const [failure] = await failedTriggers();

      // Assess
      expect(outcome.ok).toBe(false);
      expect(failure).toMatchObject({
        Error: 'Forbidden',
        Retryable: false,
        CasterId: OTHER_STUDIO,
        FieldErrors: { CasterId: [expect.any(String)] },
      });
      expect((await testbed.requests()).filter((entry) => entry.Params['CasterId'] === OTHER_STUDIO)).toEqual([]);
      expect(await testbed.addRequests()).toEqual([]);
    });

    it('timer: throttling that outlasts the retries is recorded Throttled and retryable, and FC’s later successful retry clears it', async () => {
      // Prepare: a studio whose every answer is Throttling, behind the same endpoint.
      const throttling = await startFcTestbed({ faults: 'throttle=1' });
      try {
        proxy.target = throttling.emulator.url;
        const triggerTime = isoSecond();
        const event = tick('throttled', triggerTime, loopPayload());
        const failedDelivery = await builtFunction('timer').invoke(event);
        const whileFailing = await failedTriggers();
        apiUp();

        // Act: FC retries the invocation (on any instance).
        const retry = await builtFunction('timer').invoke(event);

        // Assess
        expect(failedDelivery.ok).toBe(false);
        expect(whileFailing).toEqual([
          expect.objectContaining({
            Key: `timer:throttled@${triggerTime}`,
            Error: 'Throttled',
            Code: expect.stringMatching(/^Throttling/),
            Retryable: true,
          }),
        ]);
        expect(retry.ok).toBe(true);
        expect(await failedTriggers()).toEqual([]);
        expect(await testbed.episodeGroups()).toHaveLength(1);
      } finally {
        await throttling.close();
      }
    }, 60_000);

    it('event: only the failed events of a batch are recorded, each with its own reason; the scheduled ones are not', async () => {
      // Prepare
      const events = builtFunction('event');
      const batch = [
        cloudEvent({ id: 'good-1', source: 'acs.test.batch', data: samplePlan() }),
        cloudEvent({ id: 'bad-1', source: 'acs.test.batch', data: samplePlan({ Items: [] }) }),
        cloudEvent({ source: 'acs.test.batch', data: samplePlan() }),
      ];
      const noId = { ...(batch[2] as Record<string, unknown>) };
      delete noId['id'];

      // Act
      const outcome = await events.invoke(cloudEventBuffer([batch[0], batch[1], noId]));
      const failures = await failedTriggers();

      // Assess
      expect(outcome.ok).toBe(false);
      expect(failures.map((failure) => failure.Key)).toEqual(
        expect.arrayContaining(['event:acs.test.batch#bad-1', expect.stringMatching(/^unidentified:event:/)]),
      );
      expect(failures.find((failure) => failure.Key === 'event:acs.test.batch#bad-1')).toMatchObject({
        Trigger: { kind: 'event', source: 'acs.test.batch', id: 'bad-1' },
        ClientToken: expect.stringMatching(/^cc1-/),
        Error: 'InvalidPlan',
        FieldErrors: { Items: ['must have at least 1 item'] },
        Input: batch[1],
      });
      const unidentified = failures.find((failure) => failure.Key.startsWith('unidentified:'));
      expect(unidentified).toMatchObject({
        Error: 'InvalidEvent',
        FieldErrors: { id: ['is required'] },
        Input: { source: 'acs.test.batch' },
      });
      expect(unidentified?.Input).not.toHaveProperty('id');
      expect(await testbed.episodeGroups()).toHaveLength(1);
    });

    it('event: an event whose API was unreachable is recorded retryable, and EventBridge’s redelivery that succeeds clears it', async () => {
      // Prepare
      await apiDown();
      const events = builtFunction('event');
      const event = cloudEvent({ id: 'redelivered-1', source: 'acs.test.redelivery', data: samplePlan() });
      const failed = await events.invoke(cloudEventBuffer(event));
      const whileDown = await failedTriggers();
      apiUp();

      // Act
      const redelivered = await events.invoke(cloudEventBuffer(event));

      // Assess
      expect(failed.ok).toBe(false);
      expect(whileDown).toEqual([
        expect.objectContaining({ Key: 'event:acs.test.redelivery#redelivered-1', Error: 'LiveApiUnavailable', Retryable: true }),
      ]);
      expect(redelivered.ok).toBe(true);
      expect(await failedTriggers()).toEqual([]);
      expect(await testbed.episodeGroups()).toHaveLength(1);
    }, 60_000);

    it('event: a delivery that is not JSON at all is recorded as it arrived, so it still shows', async () => {
      // Prepare
      const events = builtFunction('event');

      // Act
      const outcome = await events.invoke(Buffer.from('not json {', 'utf8'));
      const failures = await failedTriggers();

      // Assess
      expect(outcome.ok).toBe(false);
      expect(failures).toEqual([
        expect.objectContaining({ Key: expect.stringMatching(/^unidentified:event:/), Error: 'InvalidEvent', Input: 'not json {' }),
      ]);
    });
  });

  describe('replay sends a failed trigger again with its own token, and never duplicates', () => {
    it('timer: a tick whose API was unreachable is scheduled once by replay; a second replay finds nothing, FC’s late retry is answered from the ledger', async () => {
      // Prepare
      await apiDown();
      const timer = builtFunction('timer');
      const triggerTime = isoSecond();
      const event = tick('replayed', triggerTime, loopPayload());
      const failed = await timer.invoke(event);
      const [failure] = await failedTriggers();
      apiUp();

      // Act
      const replayed = await cli(['replay', '--json', `timer:replayed@${triggerTime}`]);
      const again = await cli(['replay', `timer:replayed@${triggerTime}`]);
      const lateRetry = await timer.invoke(event);

      // Assess
      expect(failed.ok).toBe(false);
      expect(failure).toMatchObject({ Error: 'LiveApiUnavailable', Retryable: true, Attempts: 1 });
      const result = okJson<Record<string, unknown>>(replayed);
      expect(result).toMatchObject({ status: 'scheduled', Key: `timer:replayed@${triggerTime}`, State: 'scheduled', Slot: 'replayed' });
      expect(again.exitCode).toBe(2);
      expect(again.stderr).toContain('no failed trigger has that KEY or ClientToken');
      expect(lateRetry.ok && (lateRetry.result as Record<string, unknown>)).toMatchObject({
        ProgramId: result['ProgramId'],
        FromLedger: true,
      });
      const groups = await testbed.episodeGroups();
      expect(groups.map((group) => group.ProgramId)).toEqual([result['ProgramId']]);
      expect((await testbed.addRequests()).map((entry) => entry.ClientToken)).toEqual([result['ClientToken']]);
      expect(await failedTriggers()).toEqual([]);
    }, 60_000);

    it('timer: a tick whose group was created but whose answer was lost is completed by replay with the same token: one group', async () => {
      // Prepare
      proxy.dropAnswers.AddCasterEpisodeGroup = Number.POSITIVE_INFINITY;
      const triggerTime = isoSecond();
      const failed = await builtFunction('timer', { LIVE_TIMEOUT_MS: '2000' }).invoke(tick('lost-answer', triggerTime, loopPayload()));
      const createdMeanwhile = await testbed.episodeGroups();
      proxy.dropAnswers.AddCasterEpisodeGroup = 0;

      // Act
      const replayed = okJson<Record<string, unknown>>(await cli(['replay', '--json', `lost-answer@${triggerTime}`]));

      // Assess
      expect(failed.ok).toBe(false);
      expect(createdMeanwhile).toHaveLength(1);
      expect(replayed['ProgramId']).toBe(createdMeanwhile[0]?.ProgramId);
      expect(await testbed.episodeGroups()).toHaveLength(1);
      expect(new Set((await testbed.addRequests()).map((entry) => entry.ClientToken))).toEqual(new Set([replayed['ClientToken']]));
      expect(await failedTriggers()).toEqual([]);
    }, 60_000);

    it('event: a failed event is replayed by its ClientToken under that token; the redelivered event is answered from the ledger', async () => {
      // Prepare
      await apiDown();
      const events = builtFunction('event');
      const event = cloudEvent({ id: 'order-42', source: 'acs.test.replay', data: samplePlan() });
      await events.invoke(cloudEventBuffer(event));
      const [failure] = await failedTriggers();
      apiUp();

      // Act
      const replayed = okJson<Record<string, unknown>>(await cli(['replay', '--json', String(failure?.ClientToken)]));
      const redelivered = await events.invoke(cloudEventBuffer(event));

      // Assess
      expect(failure).toMatchObject({ Key: 'event:acs.test.replay#order-42', Error: 'LiveApiUnavailable' });
      expect(replayed).toMatchObject({ status: 'scheduled', ClientToken: failure?.ClientToken });
      expect(redelivered.ok && redelivered.result).toMatchObject({
        outcomes: [{ id: 'order-42', ProgramId: replayed['ProgramId'], FromLedger: true }],
      });
      expect((await testbed.episodeGroups()).map((group) => group.ProgramId)).toEqual([replayed['ProgramId']]);
      expect((await testbed.addRequests()).map((entry) => entry.ClientToken)).toEqual([failure?.ClientToken]);
      expect(await failedTriggers()).toEqual([]);
    }, 60_000);

    it('timer: a tick whose StartTime has passed stays refused by replay (StartTimeInPast), counted as one more attempt; --start is refused', async () => {
      // Prepare: a tick two hours ago whose carousel was to start 30 minutes after it.
      const timer = builtFunction('timer');
      const triggerTime = isoSecond(-7200);
      await timer.invoke(tick('too-late', triggerTime, loopPayload()));
      const key = `timer:too-late@${triggerTime}`;

      // Act
      const replayed = await cli(['replay', key]);
      const moved = await cli(['replay', key, '--start', 'tomorrow 20:00']);
      const [failure] = await failedTriggers();

      // Assess
      expect(replayed.exitCode).toBe(2);
      expect(replayed.stdout).toBe('');
      expect(replayed.stderr).toContain(`${key} failed again (attempt 2); it stays in ls --failed.`);
      expect(replayed.stderr).toContain('the plan starts in the past, nothing was sent');
      expect(moved.exitCode).toBe(2);
      expect(moved.stderr).toContain('--start is not offered: a replay sends the trigger exactly as it arrived, under its own ClientToken');
      expect(failure).toMatchObject({ Key: key, Error: 'StartTimeInPast', Attempts: 2, Via: 'replay', Retryable: false });
      expect(await testbed.addRequests()).toEqual([]);
    });

    it('timer: replay of a tick an earlier delivery did schedule, though its StartTime has passed since, answers with that group', async () => {
      // Prepare: the tick scheduled its group, then its late redelivery failed StartTimeInPast (the answer was lost).
      const triggerTime = isoSecond(-7200);
      const payload = loopPayload({ StartOffset: 'PT1H' });
      const scheduledEarlier = await builtFunction('timer', { START_TIME_GRACE_S: '86400' }).invoke(
        tick('late-retry', triggerTime, payload),
      );
      await builtFunction('timer', { START_TIME_GRACE_S: '0' }).invoke(tick('late-retry', triggerTime, payload));
      const [failure] = await failedTriggers();

      // Act
      const replayed = okJson<Record<string, unknown>>(
        await cli(['replay', '--json', `timer:late-retry@${triggerTime}`], { START_TIME_GRACE_S: '0' }),
      );

      // Assess
      expect(scheduledEarlier.ok).toBe(true);
      expect(failure).toMatchObject({ Error: 'StartTimeInPast' });
      expect(replayed).toMatchObject({
        status: 'scheduled',
        ProgramId: (scheduledEarlier as { result: { ProgramId: string } }).result.ProgramId,
        FromLedger: true,
        EarlierDelivery: true,
      });
      expect(await testbed.addRequests()).toHaveLength(1);
      expect(await failedTriggers()).toEqual([]);
    });

    it('--dismiss removes a failed trigger without sending anything', async () => {
      // Prepare
      const triggerTime = isoSecond();
      await builtFunction('timer').invoke(
        tick('dismissed', triggerTime, JSON.stringify({ StartOffset: 'PT30M', RepeatNum: -1, Items: [] })),
      );

      // Act
      const dismissed = await cli(['replay', `timer:dismissed@${triggerTime}`, '--dismiss']);

      // Assess
      expect(dismissed.exitCode, dismissed.stderr).toBe(0);
      expect(dismissed.stdout).toContain(`Dismissed timer:dismissed@${triggerTime}`);
      expect(await failedTriggers()).toEqual([]);
      expect(await testbed.addRequests()).toEqual([]);
    });
  });

  describe('the failure destination is the second copy', () => {
    /** The record FC sends to the onFailure destination after the last retry of an invocation. */
    const destinationRecord = (event: Buffer, approximateInvokeCount: number): string =>
      JSON.stringify({
        timestamp: Date.now(),
        requestContext: {
          requestId: 'fc-failed-invocation-7',
          functionArn: 'acs:fc:cn-shanghai:123456789:functions/caster-carousel-timer',
          condition: 'UnhandledInvocationError',
          approximateInvokeCount,
        },
        requestPayload: event.toString('utf8'),
        responseContext: { statusCode: 200, functionError: 'UnhandledInvocationError' },
        responsePayload: JSON.stringify({ errorType: 'AsyncInvocationError', errorMessage: '1 of 1 trigger failed' }),
      });

    it('replay --from-destination counts FC’s attempts when it fails again, then schedules the tick once and clears it', async () => {
      // Prepare: FC tried three times while the API was unreachable; the destination holds the invocation.
      await apiDown();
      const triggerTime = isoSecond();
      const event = tick('from-destination', triggerTime, loopPayload());
      await builtFunction('timer').invoke(event);
      const recordFile = join(workDir, 'record.json');
      await writeFile(recordFile, destinationRecord(event, 3));

      // Act
      const stillDown = await cli(['replay', '--from-destination', recordFile]);
      const afterFailedReplay = await failedTriggers();
      apiUp();
      const replayed = okJson<{ InvocationId: string; Outcomes: Record<string, unknown>[] }>(
        await cli(['replay', '--json', '--from-destination', recordFile]),
      );
      const again = okJson<{ Outcomes: Record<string, unknown>[] }>(await cli(['replay', '--json', '--from-destination', recordFile]));

      // Assess
      expect(stillDown.exitCode).toBe(1);
      expect(afterFailedReplay).toEqual([
        expect.objectContaining({ Key: `timer:from-destination@${triggerTime}`, Attempts: 4, Via: 'replay' }),
      ]);
      expect(replayed.InvocationId).toBe('fc-failed-invocation-7');
      expect(replayed.Outcomes).toEqual([
        expect.objectContaining({ status: 'scheduled', Key: `timer:from-destination@${triggerTime}`, Slot: 'from-destination' }),
      ]);
      expect(again.Outcomes).toEqual([expect.objectContaining({ ProgramId: replayed.Outcomes[0]?.['ProgramId'], FromLedger: true })]);
      expect(await testbed.episodeGroups()).toHaveLength(1);
      expect(await failedTriggers()).toEqual([]);
    }, 60_000);
  });

  describe('GET /schedule?failed=1', () => {
    it('lists the failed triggers this function may show, with their reasons and their input redacted; a bad flag is a 400', async () => {
      // Prepare: one tick refused by validation (an auth_key in its input), one naming a studio this deployment may not schedule.
      const allowOne = { ALLOWED_CASTER_IDS: DEMO_STUDIO.CasterId };
      const timer = builtFunction('timer', allowOne);
      const triggerTime = isoSecond();
      await timer.invoke(tick('invalid-repeat', triggerTime, loopPayload({ RepeatNum: 'forever' })));
      await timer.invoke(tick('elsewhere', triggerTime, loopPayload({ CasterId: OTHER_STUDIO })));
      const http = builtFunction('http', allowOne);
      const get = async (queryParameters: Record<string, string>) => {
        const outcome = await http.invoke(httpEventBuffer({ method: 'GET', path: '/schedule', queryParameters }));
        const response = (outcome.ok ? outcome.result : {}) as { statusCode: number; body: string };
        return { statusCode: response.statusCode, text: response.body, body: JSON.parse(response.body) as Record<string, unknown> };
      };

      // Act
      const listed = await get({ failed: '1' });
      const ofStudio = await get({ failed: 'true', caster: DEMO_STUDIO.CasterId });
      const bad = await get({ failed: 'perhaps' });
      const everywhere = await failedTriggers();

      // Assess
      expect(listed.statusCode).toBe(200);
      expect(listed.body['Failures']).toEqual([
        expect.objectContaining({
          Key: `timer:invalid-repeat@${triggerTime}`,
          Error: 'InvalidPlan',
          FieldErrors: { RepeatNum: [expect.any(String)] },
          Attempts: 1,
          Input: expect.objectContaining({ triggerName: 'invalid-repeat', payload: expect.stringContaining('auth_key=<redacted>') }),
        }),
      ]);
      expect(ofStudio.body).toEqual(listed.body);
      expect(bad).toMatchObject({ statusCode: 400, body: { error: 'InvalidQuery' } });
      expect(everywhere.map((failure) => failure.Key).sort()).toEqual(
        [`timer:elsewhere@${triggerTime}`, `timer:invalid-repeat@${triggerTime}`].sort(),
      );
      expect(listed.text).not.toContain(SAMPLE_AUTH_KEY);
      expect(secretLeaksIn(`${listed.text}\n${JSON.stringify(everywhere)}\n${functionOutput.join('')}`)).toEqual([]);
    });
  });
});

/** The rows of a table by column title (cells are two spaces or more apart; notes in parentheses skipped). */
function tableRows(stdout: string): Record<string, string>[] {
  const lines = stdout.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('('));
  const titles = (lines[0] ?? '').split(/ {2,}/);
  return lines.slice(1).map((line) => {
    const cells = line.split(/ {2,}/);
    return Object.fromEntries(titles.map((title, column) => [title, cells[column] ?? '']));
  });
}
