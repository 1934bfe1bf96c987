/**
 * The allow-lists (ALLOWED_CASTER_IDS, ALLOWED_DOMAINS) as a deployment relies on them, through the functions as
 * FC runs them: GET /schedule shows nothing of a studio the function may not schedule for, even when the shared
 * ledger holds it (the CLI and other deployments write there too), and a SideOutputUrl that is neither the studio's
 * own nor on a listed domain is refused before anything is sent.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_STUDIO } from '../../emulator/index';
import { readEnvironment } from '../../shared/src/config/environment';
import type { AsyncInvocationError } from '../../shared/src/fc/async-invocation-error';
import type { CloudEventsResult } from '../../shared/src/fc/event/schedule-cloud-events';
import type { FcHttpResponse } from '../../shared/src/fc/fc-types';
import { ledgerScope, ledgerStoreFromEnvironment } from '../../shared/src/ledger/ledger-from-environment';
import type { LedgerRecord } from '../../shared/src/ledger/ledger-record';
import { recordIndex } from '../../shared/src/schedule/lifecycle';
import { cloudEvent, cloudEventBuffer, fcContext, httpEventBuffer, timerEventBuffer } from '../support/fc-events';
import {
  captureLogLines,
  type FcFunctionModule,
  type FcFunctionName,
  type FcTestbed,
  secretLeaksIn,
  startFcTestbed,
  startFunctionInstance,
} from '../support/fc-testbed';
import { sampleLedgerRecord } from '../support/ledger-record-fixtures';
import { samplePlan } from '../support/plan-fixtures';
import { type RedisServer, startRedisServer } from '../support/redis-server';

const ALLOWED_STUDIO = DEMO_STUDIO.CasterId;
const OTHER_STUDIO = 'LIVEPRODUCER_POST-cn-other0002';
const STOLEN_SIDE_OUTPUT = 'rtmp://attacker.example.org/live/steal';

const logs = captureLogLines();
const workDir = mkdtempSync(join(tmpdir(), 'studio-access-functions-'));
let testbed: FcTestbed;
let redis: RedisServer;
let ledgers = 0;

beforeAll(async () => {
  [testbed, redis] = await Promise.all([startFcTestbed(), startRedisServer()]);
});
afterAll(async () => {
  logs.restore();
  await Promise.all([testbed?.close(), redis?.stop()]);
  rmSync(workDir, { recursive: true, force: true });
});

/** A fresh function instance restricted by the given lists, against the shared emulator. */
function restrictedFunction(name: FcFunctionName, lists: Record<string, string>, extra: Record<string, string> = {}) {
  return startFunctionInstance(name, { ...testbed.env, ...lists, ...extra });
}

/** A ledger of its own for one test, in a file or in Redis (under its own account name, so tests never meet). */
function freshLedger(kind: 'file' | 'redis'): Record<string, string> {
  ledgers += 1;
  return kind === 'file'
    ? { LEDGER_FILE: join(workDir, `ledger-${ledgers}.json`) }
    : { REDIS_URL: redis.url, PACING_ACCOUNT: `studio-access-${ledgers}` };
}

/** Writes records into the ledger the function reads, through the store, as the CLI does when it schedules. */
async function writtenByTheCli(ledgerEnv: Record<string, string>, records: readonly LedgerRecord[]): Promise<void> {
  const env = { ...testbed.env, ...ledgerEnv };
  const environment = readEnvironment(env);
  const store = ledgerStoreFromEnvironment(environment, env);
  if (!store) throw new Error('the test environment keeps no ledger');
  try {
    const written = await store.apply(ledgerScope(environment), {
      records: records.map((record) => ({ record, expectedVersion: 0, index: recordIndex(record) })),
    });
    if (!written) throw new Error('the records could not be written');
  } finally {
    await store.close();
  }
}

/** A scheduled group of `casterId` on `domain`, as the ledger keeps it. */
function recordOf(casterId: string | undefined, domain: string): LedgerRecord {
  return sampleLedgerRecord({
    CasterId: casterId,
    DomainName: domain,
    Slot: 'lobby',
    Resolved: { CallbackUrl: `https://${domain}/caster/hook`, DomainName: domain },
  });
}

async function getSchedule(fn: FcFunctionModule, caster?: string) {
  const response = (await fn.handler(
    httpEventBuffer({ method: 'GET', path: '/schedule', ...(caster === undefined ? {} : { queryParameters: { caster } }) }),
    fcContext(),
  )) as FcHttpResponse;
  return { statusCode: response.statusCode, body: response.body, json: JSON.parse(response.body) as Record<string, unknown> };
}

async function post(fn: FcFunctionModule, plan: Record<string, unknown>) {
  const response = (await fn.handler(httpEventBuffer({ body: plan }), fcContext())) as FcHttpResponse;
  return { statusCode: response.statusCode, body: response.body, json: JSON.parse(response.body) as Record<string, unknown> };
}

const addRequestCount = async (): Promise<number> => (await testbed.addRequests()).length;

describe('GET /schedule under ALLOWED_CASTER_IDS', () => {
  it.each(['file', 'redis'] as const)(
    'lists only the allowed studio’s records, though the shared %s ledger holds other studios’ too',
    async (kind) => {
      // Prepare: the CLI, which no allow-list binds, scheduled for the allowed studio, another studio and a bare domain
      const ledgerEnv = freshLedger(kind);
      const allowed = recordOf(ALLOWED_STUDIO, DEMO_STUDIO.DomainName as string);
      const other = recordOf(OTHER_STUDIO, 'other.example.com');
      const bareDomain = recordOf(undefined, 'bare.example.com');
      await writtenByTheCli(ledgerEnv, [allowed, other, bareDomain]);
      const fn = await restrictedFunction('http', { ALLOWED_CASTER_IDS: ALLOWED_STUDIO }, ledgerEnv);

      // Act
      const listed = await getSchedule(fn);

      // Assess
      expect(listed.statusCode).toBe(200);
      expect((listed.json['Records'] as LedgerRecord[]).map((record) => record.ProgramId)).toEqual([allowed.ProgramId]);
      for (const hidden of [other, bareDomain]) {
        expect(listed.body).not.toContain(hidden.ProgramId);
        expect(listed.body).not.toContain(hidden.DomainName);
      }
      expect(listed.body).not.toContain(OTHER_STUDIO);
    },
  );

  it('answers 403 Forbidden naming caster for a studio not allowed, never with that studio’s records', async () => {
    // Prepare
    const ledgerEnv = freshLedger('file');
    const other = recordOf(OTHER_STUDIO, 'other.example.com');
    await writtenByTheCli(ledgerEnv, [other]);
    const fn = await restrictedFunction('http', { ALLOWED_CASTER_IDS: ALLOWED_STUDIO }, ledgerEnv);

    // Act
    const refused = await getSchedule(fn, OTHER_STUDIO);

    // Assess
    expect(refused.statusCode).toBe(403);
    expect(refused.json).toEqual({ error: 'Forbidden', message: expect.any(String), fieldErrors: { caster: [expect.any(String)] } });
    expect(refused.body).not.toContain(other.ProgramId);
  });

  it('lists an allowed studio asked for by name', async () => {
    // Prepare
    const ledgerEnv = freshLedger('file');
    const allowed = recordOf(ALLOWED_STUDIO, DEMO_STUDIO.DomainName as string);
    await writtenByTheCli(ledgerEnv, [allowed, recordOf(OTHER_STUDIO, 'other.example.com')]);
    const fn = await restrictedFunction('http', { ALLOWED_CASTER_IDS: `${OTHER_STUDIO}x,${ALLOWED_STUDIO}` }, ledgerEnv);

    // Act
    const listed = await getSchedule(fn, ALLOWED_STUDIO);

    // Assess
    expect(listed.statusCode).toBe(200);
    expect((listed.json['Records'] as LedgerRecord[]).map((record) => record.ProgramId)).toEqual([allowed.ProgramId]);
  });

  it('with ALLOWED_DOMAINS alone, lists only the records on the listed domains', async () => {
    // Prepare
    const ledgerEnv = freshLedger('file');
    const listedDomain = recordOf(OTHER_STUDIO, 'live.example.com');
    await writtenByTheCli(ledgerEnv, [listedDomain, recordOf(OTHER_STUDIO, 'elsewhere.example.com')]);
    const fn = await restrictedFunction('http', { ALLOWED_DOMAINS: 'LIVE.example.com' }, ledgerEnv);

    // Act
    const listed = await getSchedule(fn);

    // Assess
    expect((listed.json['Records'] as LedgerRecord[]).map((record) => record.ProgramId)).toEqual([listedDomain.ProgramId]);
  });
});

describe('a SideOutputUrl the plan gives, under the allow-lists', () => {
  it.each([
    ['a plan whose destination comes from the studio', {}],
    [
      'a plan that gives the studio’s own CallbackUrl and DomainName',
      { CallbackUrl: DEMO_STUDIO.CallbackUrl, DomainName: DEMO_STUDIO.DomainName },
    ],
  ])('HTTP answers 403 naming SideOutputUrl for one on a foreign host, in %s, and sends nothing', async (_case, destination) => {
    // Prepare
    const fn = await restrictedFunction('http', { ALLOWED_CASTER_IDS: ALLOWED_STUDIO });
    const sentBefore = await addRequestCount();

    // Act
    const response = await post(fn, samplePlan({ ...destination, SideOutputUrl: STOLEN_SIDE_OUTPUT }));

    // Assess
    expect(response.statusCode).toBe(403);
    expect(response.json).toMatchObject({ error: 'Forbidden', fieldErrors: { SideOutputUrl: [expect.stringMatching(/ALLOWED_DOMAINS/)] } });
    expect(Object.keys(response.json['fieldErrors'] as object)).toEqual(['SideOutputUrl']);
    expect(await addRequestCount()).toBe(sentBefore);
  });

  it('HTTP schedules the studio’s own SideOutputUrl', async () => {
    // Prepare
    const fn = await restrictedFunction('http', { ALLOWED_CASTER_IDS: ALLOWED_STUDIO });

    // Act
    const response = await post(fn, samplePlan({ SideOutputUrl: DEMO_STUDIO.SideOutputUrl }));

    // Assess
    expect(response.statusCode).toBe(201);
    expect(secretLeaksIn(response.body)).toEqual([]);
  });

  it('HTTP schedules a SideOutputUrl on a host ALLOWED_DOMAINS lists', async () => {
    // Prepare
    const fn = await restrictedFunction('http', { ALLOWED_CASTER_IDS: ALLOWED_STUDIO, ALLOWED_DOMAINS: 'relay.example.com' });

    // Act
    const response = await post(fn, samplePlan({ SideOutputUrl: 'rtmp://Relay.example.com/live/carousel' }));

    // Assess
    expect(response.statusCode).toBe(201);
  });

  it('the timer fails such a plan permanently, as Forbidden naming SideOutputUrl, and sends nothing', async () => {
    // Prepare
    const fn = await restrictedFunction('timer', { ALLOWED_CASTER_IDS: ALLOWED_STUDIO });
    const sentBefore = await addRequestCount();
    const tick = timerEventBuffer({
      triggerTime: '2031-03-01T00:00:00Z',
      triggerName: 'side-output-tick',
      payload: samplePlan({ SideOutputUrl: STOLEN_SIDE_OUTPUT }),
    });

    // Act
    const failure = await fn.handler(tick, fcContext()).catch((error: unknown) => error);

    // Assess
    expect(failure).toHaveProperty('name', 'AsyncInvocationError');
    expect((failure as AsyncInvocationError).failures).toEqual([
      expect.objectContaining({ reason: 'Forbidden', retryable: false, fieldErrors: { SideOutputUrl: [expect.any(String)] } }),
    ]);
    expect(await addRequestCount()).toBe(sentBefore);
  });

  it('the event function schedules the good events and fails the one with a foreign SideOutputUrl permanently, sending nothing for it', async () => {
    // Prepare
    const fn = await restrictedFunction('event', { ALLOWED_CASTER_IDS: ALLOWED_STUDIO });
    const sentBefore = await addRequestCount();
    const batch = [
      cloudEvent({ id: 'side-output-good', data: samplePlan() }),
      cloudEvent({ id: 'side-output-stolen', data: samplePlan({ SideOutputUrl: STOLEN_SIDE_OUTPUT }) }),
    ];

    // Act
    const failure = await fn.handler(cloudEventBuffer(batch), fcContext()).catch((error: unknown) => error);

    // Assess
    expect(failure).toHaveProperty('name', 'AsyncInvocationError');
    const { failures, outcomes } = failure as AsyncInvocationError;
    expect(failures).toEqual([
      expect.objectContaining({
        id: 'side-output-stolen',
        reason: 'Forbidden',
        retryable: false,
        fieldErrors: { SideOutputUrl: [expect.any(String)] },
      }),
    ]);
    expect((outcomes as CloudEventsResult['outcomes'])[0]).toMatchObject({ id: 'side-output-good', status: 'scheduled' });
    const sent = (await testbed.addRequests()).slice(sentBefore);
    expect(new Set(sent.map((request) => request.ClientToken)).size).toBe(1);
  });
});
