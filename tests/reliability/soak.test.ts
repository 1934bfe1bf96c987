/**
 * Soak: a fleet of FC instances (the BUILT bundles, each in its own child process, the layer on NODE_PATH) takes
 * a few hundred plans through the HTTP, timer and EventBridge functions, with some triggers delivered twice,
 * against ONE emulator that injects throttling, 500s, 503s, connection resets, lost answers and latency (fixed
 * seed), with the account's real limit of 4 AddCasterEpisodeGroup per second, and one real redis-server that
 * every instance paces through (REDIS_URL).
 *
 * What a user relies on: every plan is scheduled exactly once or reported as a permanent failure with its
 * reason; none is lost, none is duplicated; invalid plans are refused and never reach the API.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_STUDIO, type RequestLogEntry, type RunningEmulator, startEmulator } from '../../emulator/index';
import { mulberry32 } from '../../emulator/prng';
import {
  cloudEventClientToken,
  httpRequestClientToken,
  planClientToken,
  timerTickClientToken,
} from '../../shared/src/idempotency/trigger-tokens';
import { Redis } from '../../shared/src/pacing/redis-connection';
import { validatePlan } from '../../shared/src/plan/validate-plan';
import { resolveStartOffset } from '../../shared/src/triggers/timer/start-offset';
import { cloudEvent, cloudEventBuffer, httpEventBuffer, timerEventBuffer } from '../support/fc-events';
import { type RedisServer, startRedisServer } from '../support/redis-server';
import { type Fleet, type FleetInstance, type FunctionName, type InvocationOutcome, startFleet } from '../support/reliability-fleet';
import { describeFindings, OutputRecorder, registerTestSecret } from '../support/secret-scan';

// ---------------------------------------------------------------------------------------------------------
// Size and faults. 254 plans (242 valid, 12 invalid) in 228 triggers plus ~30 redeliveries; with ~25% of
// attempts faulted, ~350 paced attempts at 3.6/s take ~100 s.
const SEED = 20_310_306;
const HTTP_PLANS = 96;
const TIMER_PLANS = 72;
const EVENT_SINGLES = 36;
const EVENT_BATCHES = 12; // of 3 events each
const REDELIVERY_SHARE = 0.13;
const WORKERS_PER_INSTANCE = 3;
// `lost` runs the operation and then drops the answer: the group exists, the client never heard, and only the
// same ClientToken on the retry keeps it from being created twice.
const FAULTS = {
  throttle: 0.1,
  error500: 0.05,
  error503: 0.05,
  reset: 0.03,
  lost: 0.02,
  latency: { minMs: 5, maxMs: 50, probability: 0.3 },
};
/** Why a valid plan may still fail after every retry: the API kept refusing or failing. */
const EXHAUSTION_REASONS = new Set(['Throttled', 'LiveApiUnavailable', 'LiveApiTimeout']);

const CREDENTIALS = {
  accessKeyId: `STS.Soak${randomBytes(6).toString('hex')}`,
  accessKeySecret: randomBytes(18).toString('base64'),
  securityToken: `CAIS${randomBytes(30).toString('base64')}`,
};
const VOD_AUTH_KEY = `1893456000-0-0-${randomBytes(16).toString('hex')}`;
const SECOND_STUDIO = {
  CasterId: 'LIVEPRODUCER_POST-cn-soak00002',
  CasterName: 'soak-second-studio',
  CallbackUrl: `http://soak.example.com/caster/soak2?auth_key=1893456000-0-0-${randomBytes(16).toString('hex')}`,
  DomainName: 'soak.example.com',
  SideOutputUrl: `rtmp://soak.example.com/caster/soak2?auth_key=1893456000-0-0-${randomBytes(16).toString('hex')}`,
};
const SECRETS = {
  'STS AccessKey secret': CREDENTIALS.accessKeySecret,
  'STS token': CREDENTIALS.securityToken,
  'VOD auth_key': VOD_AUTH_KEY,
  'studio CallbackUrl auth_key': SECOND_STUDIO.CallbackUrl.split('auth_key=')[1]!,
  'studio SideOutputUrl auth_key': SECOND_STUDIO.SideOutputUrl.split('auth_key=')[1]!,
};

for (const [label, value] of Object.entries(SECRETS)) registerTestSecret(label, value);

// ---------------------------------------------------------------------------------------------------------
// The workload: plans, the triggers that carry them, and the deliveries of those triggers.

/** One plan the fleet must schedule (or refuse), with the ClientToken its trigger stands for. */
interface PlanUnit {
  readonly key: string;
  readonly fn: FunctionName;
  readonly valid: boolean;
  /** The ClientToken the README promises for this trigger (valid units only). */
  readonly expectedToken: string | undefined;
  /** A marker in the invalid plan's ClientToken and ItemName, to prove it never reached the API. */
  readonly marker?: string;
  /** For events: the CloudEvent id, as failure messages name it. */
  readonly eventId?: string;
}

/** One trigger: an HTTP request, a timer tick or an EventBridge delivery (one CloudEvent or a batch). */
interface Trigger {
  readonly key: string;
  readonly fn: FunctionName;
  readonly event: Buffer;
  readonly units: readonly PlanUnit[];
}

/** What one delivery of a trigger did to one plan of it. */
type UnitOutcome =
  | { readonly status: 'scheduled'; readonly ProgramId?: string; readonly ClientToken?: string }
  | { readonly status: 'failed'; readonly reason: string; readonly detail: string };

interface DeliveryRecord {
  readonly trigger: Trigger;
  readonly redelivery: boolean;
  readonly instance: string;
  readonly outcomes: ReadonlyMap<PlanUnit, UnitOutcome>;
}

const random = mulberry32(SEED);
const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)]!;

/** A valid plan, unique by `n`, in one of the shapes users send. */
function validPlan(n: number): Record<string, unknown> {
  const itemCount = 1 + Math.floor(random() * 4);
  const items = Array.from({ length: itemCount }, (_, index) => ({
    ItemName: `soak ${n} episode ${index + 1}`,
    VodUrl:
      index === 0
        ? `https://vod.example.com/soak/${n}/ep${index}.mp4?auth_key=${VOD_AUTH_KEY}`
        : `https://vod.example.com/soak/${n}/ep${index}.${pick(['mp4', 'flv', 'ts'])}`,
  }));
  const day = String(1 + (n % 28)).padStart(2, '0');
  const hour = String(n % 24).padStart(2, '0');
  const base = { StartTime: `2031-04-${day}T${hour}:${String(n % 60).padStart(2, '0')}:00Z`, RepeatNum: pick([-1, 0, 1, 5]), Items: items };
  const shape = n % 3;
  if (shape === 0) return base; // the studio of CASTER_ID
  if (shape === 1) return { CasterId: SECOND_STUDIO.CasterId, ...base };
  return { ...base, CallbackUrl: DEMO_STUDIO.CallbackUrl, DomainName: DEMO_STUDIO.DomainName }; // no lookup needed
}

function asPlan(input: unknown) {
  const validation = validatePlan(input);
  if (!validation.ok) throw new Error(`soak fixture is not a valid plan: ${JSON.stringify(validation.fieldErrors)}`);
  return validation.plan;
}

/** Invalid plans, each refused for a different reason; the marker would show in the API's request log if sent. */
function invalidPlans(fn: FunctionName): { marker: string; plan: unknown }[] {
  const marker = (index: number) => `soak-invalid-${fn}-${index}`;
  const base = (index: number) => ({
    ClientToken: marker(index),
    StartTime: '2031-05-01T10:00:00Z',
    RepeatNum: 0,
    Items: [{ ItemName: marker(index), VodUrl: `https://vod.example.com/soak/${marker(index)}.mp4?auth_key=${VOD_AUTH_KEY}` }],
  });
  return [
    { marker: marker(1), plan: { ...base(1), StartTime: '2031-05-01 10:00:00' } },
    { marker: marker(2), plan: { ...base(2), RepeatNum: 10_001 } },
    {
      marker: marker(3),
      plan: { ...base(3), Items: [{ ItemName: marker(3), VodUrl: `ftp://vod.example.com/${marker(3)}.avi?auth_key=${VOD_AUTH_KEY}` }] },
    },
    { marker: marker(4), plan: { ...base(4), Unexpected: true } },
  ];
}

function buildWorkload(): Trigger[] {
  const triggers: Trigger[] = [];
  let n = 0;

  for (let i = 0; i < HTTP_PLANS; i += 1) {
    const key = `http-${i}`;
    const plan = validPlan((n += 1));
    let headers: Record<string, string> = {};
    let body: Record<string, unknown> = plan;
    let expectedToken: string;
    if (i % 4 === 0) {
      expectedToken = planClientToken(asPlan(plan)); // from the plan itself
    } else if (i % 4 === 1) {
      body = { ...plan, ClientToken: `soak-http-client-token-${i}` };
      expectedToken = `soak-http-client-token-${i}`;
    } else {
      headers = { 'Idempotency-Key': `soak-http-key-${i}` };
      expectedToken = httpRequestClientToken(asPlan(plan), `soak-http-key-${i}`);
    }
    triggers.push({ key, fn: 'http', event: httpEventBuffer({ body, headers }), units: [{ key, fn: 'http', valid: true, expectedToken }] });
  }

  const tickMs = Date.parse('2031-03-01T00:00:00Z');
  for (let i = 0; i < TIMER_PLANS; i += 1) {
    const key = `timer-${i}`;
    const triggerName = `soak-timer-${i % 6}`;
    const triggerTime = new Date(tickMs + i * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const plan = validPlan((n += 1));
    // Some ticks start the carousel a fixed time after the tick instead of at a fixed time.
    const payload = i % 5 === 0 ? { ...plan, StartTime: undefined, StartOffset: 'PT30M' } : plan;
    const resolved = resolveStartOffset(JSON.parse(JSON.stringify(payload)), Date.parse(triggerTime));
    const expectedToken = timerTickClientToken(triggerName, triggerTime, asPlan(resolved.input));
    triggers.push({
      key,
      fn: 'timer',
      event: timerEventBuffer({ triggerName, triggerTime, payload }),
      units: [{ key, fn: 'timer', valid: true, expectedToken }],
    });
  }

  const source = 'acs.caster-carousel.soak';
  let eventIndex = 0;
  const eventUnit = (): { unit: PlanUnit; event: Record<string, unknown> } => {
    eventIndex += 1;
    const id = `soak-evt-${eventIndex}`;
    const plan = validPlan((n += 1));
    // EventBridge delivers `data` as an object, or as a JSON string when the publisher sent text.
    const data = eventIndex % 2 === 0 ? JSON.stringify(plan) : plan;
    return {
      unit: { key: id, fn: 'event', valid: true, expectedToken: cloudEventClientToken(source, id), eventId: id },
      event: cloudEvent({ id, source, data }),
    };
  };
  for (let i = 0; i < EVENT_SINGLES; i += 1) {
    const { unit, event } = eventUnit();
    triggers.push({ key: `event-${unit.key}`, fn: 'event', event: cloudEventBuffer(event), units: [unit] });
  }
  for (let i = 0; i < EVENT_BATCHES; i += 1) {
    const members = [eventUnit(), eventUnit(), eventUnit()];
    triggers.push({
      key: `event-batch-${i}`,
      fn: 'event',
      event: cloudEventBuffer(members.map((member) => member.event)),
      units: members.map((member) => member.unit),
    });
  }

  // Invalid plans: alone, and (for events) one inside a batch of otherwise valid events.
  for (const fn of ['http', 'timer', 'event'] as const) {
    invalidPlans(fn).forEach(({ marker, plan }, index) => {
      const unit: PlanUnit = {
        key: marker,
        fn,
        valid: false,
        expectedToken: undefined,
        marker,
        ...(fn === 'event' ? { eventId: marker } : {}),
      };
      if (fn === 'http') triggers.push({ key: marker, fn, event: httpEventBuffer({ body: plan }), units: [unit] });
      else if (fn === 'timer')
        triggers.push({
          key: marker,
          fn,
          event: timerEventBuffer({ triggerName: 'soak-invalid', triggerTime: '2031-03-02T00:00:00Z', payload: plan }),
          units: [unit],
        });
      else if (index < 3)
        triggers.push({ key: marker, fn, event: cloudEventBuffer(cloudEvent({ id: marker, source, data: plan })), units: [unit] });
      else {
        const members = [eventUnit(), eventUnit()];
        const events = [members[0]!.event, cloudEvent({ id: marker, source, data: plan }), members[1]!.event];
        triggers.push({ key: `event-mixed-batch`, fn, event: cloudEventBuffer(events), units: [members[0]!.unit, unit, members[1]!.unit] });
      }
    });
  }
  return triggers;
}

/** The delivery queue of one function: every trigger once, and some again (FC's at-least-once), sometimes at once. */
function deliveryQueue(triggers: readonly Trigger[]): { trigger: Trigger; redelivery: boolean }[] {
  const queue = triggers.map((trigger) => ({ trigger, redelivery: false }));
  for (let index = queue.length - 1; index > 0; index -= 1) {
    const other = Math.floor(random() * (index + 1));
    [queue[index], queue[other]] = [queue[other]!, queue[index]!];
  }
  const redelivered = triggers.filter((trigger) => trigger.units.every((unit) => unit.valid) && random() < REDELIVERY_SHARE);
  for (const trigger of redelivered) {
    const original = queue.findIndex((entry) => entry.trigger === trigger);
    // Right behind the first delivery (so both run at once, on different instances) or later on.
    const at = random() < 0.4 ? original + 1 : original + 1 + Math.floor(random() * (queue.length - original));
    queue.splice(at, 0, { trigger, redelivery: true });
  }
  return queue;
}

// ---------------------------------------------------------------------------------------------------------
// Reading what a function answered.

const FAILED_TRIGGERS = /^\d+ of \d+ triggers? failed: /;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function readHttpOutcome(outcome: InvocationOutcome): UnitOutcome {
  if (!outcome.ok) return { status: 'failed', reason: `unhandled ${outcome.error.errorType}`, detail: outcome.error.errorMessage };
  const response = outcome.result as { statusCode: number; body: string };
  const body = JSON.parse(response.body) as Record<string, unknown>;
  if (response.statusCode === 201)
    return { status: 'scheduled', ProgramId: String(body['ProgramId']), ClientToken: String(body['ClientToken']) };
  return {
    status: 'failed',
    reason: String(body['error'] ?? ''),
    detail: `HTTP ${response.statusCode} ${String(body['code'] ?? '')} ${String(body['message'] ?? '')}`,
  };
}

function readAsyncFailure(error: { errorType: string; errorMessage: string }, label: string): UnitOutcome | undefined {
  if (error.errorType !== 'AsyncInvocationError' || !FAILED_TRIGGERS.test(error.errorMessage)) {
    return { status: 'failed', reason: `unexpected ${error.errorType}`, detail: error.errorMessage };
  }
  const match = new RegExp(`(?:: |; )${escapeRegExp(label)}: (\\w+)`).exec(error.errorMessage);
  return match ? { status: 'failed', reason: match[1]!, detail: error.errorMessage } : undefined;
}

function readTimerOutcome(outcome: InvocationOutcome, trigger: Trigger): UnitOutcome {
  if (outcome.ok) {
    const result = outcome.result as { ProgramId: string; ClientToken: string };
    return { status: 'scheduled', ProgramId: result.ProgramId, ClientToken: result.ClientToken };
  }
  const event = JSON.parse(trigger.event.toString('utf8')) as { triggerName: string; triggerTime: string };
  return (
    readAsyncFailure(outcome.error, `${event.triggerName}@${event.triggerTime}`) ?? {
      status: 'failed',
      reason: '(unnamed)',
      detail: outcome.error.errorMessage,
    }
  );
}

function readEventOutcomes(outcome: InvocationOutcome, trigger: Trigger): Map<PlanUnit, UnitOutcome> {
  const outcomes = new Map<PlanUnit, UnitOutcome>();
  if (outcome.ok) {
    const results = (outcome.result as { outcomes: { id: string; status: string; ProgramId?: string; ClientToken?: string }[] }).outcomes;
    for (const unit of trigger.units) {
      const result = results.find((candidate) => candidate.id === unit.eventId);
      outcomes.set(
        unit,
        result?.status === 'scheduled'
          ? { status: 'scheduled', ProgramId: result.ProgramId, ClientToken: result.ClientToken }
          : { status: 'failed', reason: '(missing outcome)', detail: JSON.stringify(result) },
      );
    }
    return outcomes;
  }
  // The delivery failed as a whole; its message names each failed event and why. The others were scheduled.
  for (const unit of trigger.units) outcomes.set(unit, readAsyncFailure(outcome.error, unit.eventId ?? '') ?? { status: 'scheduled' });
  return outcomes;
}

function readOutcomes(outcome: InvocationOutcome, trigger: Trigger): Map<PlanUnit, UnitOutcome> {
  if (trigger.fn === 'event') return readEventOutcomes(outcome, trigger);
  const unit = trigger.units[0]!;
  return new Map([[unit, trigger.fn === 'http' ? readHttpOutcome(outcome) : readTimerOutcome(outcome, trigger)]]);
}

// ---------------------------------------------------------------------------------------------------------

describe('soak: a fleet of FC instances sharing one Redis pacer against a faulty Live API', () => {
  let redis: RedisServer;
  let emulator: RunningEmulator;
  let fleet: Fleet;
  const internalErrors: unknown[] = [];
  const pacingAccount = `soak-${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    redis = await startRedisServer();
    emulator = await startEmulator({
      host: '127.0.0.1',
      port: 0,
      env: {},
      credentials: [CREDENTIALS],
      casters: [DEMO_STUDIO, SECOND_STUDIO],
      faults: FAULTS,
      seed: SEED,
      requestLogSize: 50_000,
      onInternalError: (error) => internalErrors.push(error),
    });
    const env = {
      LIVE_ENDPOINT: emulator.url,
      CASTER_ID: DEMO_STUDIO.CasterId,
      REDIS_URL: redis.url,
      PACING_ACCOUNT: pacingAccount,
      LOG_LEVEL: 'info',
    };
    fleet = startFleet(
      [
        { name: 'http', instance: 'http-a' },
        { name: 'http', instance: 'http-b' },
        { name: 'timer', instance: 'timer-a' },
        { name: 'timer', instance: 'timer-b' },
        { name: 'event', instance: 'event-a' },
        { name: 'event', instance: 'event-b' },
      ],
      { env, credentials: CREDENTIALS, timeoutSeconds: 60 },
    );
  }, 30_000);

  afterAll(async () => {
    await fleet?.close();
    await emulator?.close();
    await redis?.stop();
  }, 30_000);

  it('schedules every plan exactly once or reports why not, loses none, duplicates none, and never sends an invalid plan', async () => {
    // Prepare: the workload, and a queue per function drained by every instance of that function.
    const triggers = buildWorkload();
    const records: DeliveryRecord[] = [];
    const drain = async (fn: FunctionName): Promise<void> => {
      const queue = deliveryQueue(triggers.filter((trigger) => trigger.fn === fn));
      const instances = fleet.instances.filter((instance) => instance.functionName === fn);
      const worker = async (instance: FleetInstance): Promise<void> => {
        for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
          const outcome = await instance.invoke(next.trigger.event);
          records.push({
            trigger: next.trigger,
            redelivery: next.redelivery,
            instance: instance.instance,
            outcomes: readOutcomes(outcome, next.trigger),
          });
        }
      };
      await Promise.all(instances.flatMap((instance) => Array.from({ length: WORKERS_PER_INSTANCE }, () => worker(instance))));
    };

    // Act: the three functions take their triggers at the same time, all through one Redis pacer.
    const startedAtMs = Date.now();
    await Promise.all([drain('http'), drain('timer'), drain('event')]);
    const elapsedSeconds = (Date.now() - startedAtMs) / 1000;
    const groups = (
      (await (await fetch(`${emulator.url}/_emulator/episode-groups`)).json()) as {
        EpisodeGroups: { ProgramId: string; ClientToken: string | null }[];
      }
    ).EpisodeGroups;
    const requests = ((await (await fetch(`${emulator.url}/_emulator/requests`)).json()) as { Requests: RequestLogEntry[] }).Requests;
    const inspector = new Redis(redis.url);
    const commandStats = await inspector.info('commandstats');
    await inspector.quit();

    // Assess: every delivery of every trigger came back, and told each of its plans' fate.
    const units = triggers.flatMap((trigger) => trigger.units);
    const deliveriesOf = (unit: PlanUnit) =>
      records.filter((record) => record.outcomes.has(unit)).map((record) => record.outcomes.get(unit)!);
    const redeliveries = records.filter((record) => record.redelivery).length;
    expect(records.length).toBe(triggers.length + redeliveries);
    for (const unit of units) expect(deliveriesOf(unit).length, unit.key).toBeGreaterThanOrEqual(1);

    // Assess: exactly once. At most one group per ClientToken; a scheduled plan has exactly one, under the token
    // its trigger stands for, the same one every delivery reported; a plan never scheduled has none, unless an
    // answer that created it was lost on the way back (then a redelivery by FC would find it, not make another).
    const groupsByToken = new Map<string, typeof groups>();
    for (const group of groups) groupsByToken.set(group.ClientToken ?? '', [...(groupsByToken.get(group.ClientToken ?? '') ?? []), group]);
    const duplicated = [...groupsByToken].filter(([, list]) => list.length > 1).map(([token]) => token);
    expect(duplicated, 'ClientTokens with more than one episode group').toEqual([]);

    const failuresByReason = new Map<string, number>();
    let scheduledUnits = 0;
    let permanentlyFailedUnits = 0;
    const permanentFailureDetails: string[] = [];
    const problems: string[] = [];
    for (const unit of units.filter((candidate) => candidate.valid)) {
      const outcomes = deliveriesOf(unit);
      const scheduled = outcomes.filter(
        (outcome): outcome is Extract<UnitOutcome, { status: 'scheduled' }> => outcome.status === 'scheduled',
      );
      const failed = outcomes.filter((outcome): outcome is Extract<UnitOutcome, { status: 'failed' }> => outcome.status === 'failed');
      const found = groupsByToken.get(unit.expectedToken!) ?? [];
      for (const failure of failed) {
        failuresByReason.set(failure.reason, (failuresByReason.get(failure.reason) ?? 0) + 1);
        if (!EXHAUSTION_REASONS.has(failure.reason))
          problems.push(`${unit.key}: failed for an unexpected reason ${failure.reason}: ${failure.detail}`);
        if (!failure.detail) problems.push(`${unit.key}: failure without details`);
      }
      if (scheduled.length > 0) {
        scheduledUnits += 1;
        if (found.length !== 1) problems.push(`${unit.key}: scheduled, but ${found.length} groups carry its ClientToken`);
        for (const result of scheduled) {
          if (result.ClientToken !== undefined && result.ClientToken !== unit.expectedToken)
            problems.push(`${unit.key}: reported ClientToken ${result.ClientToken}, expected ${unit.expectedToken}`);
          if (result.ProgramId !== undefined && result.ProgramId !== found[0]?.ProgramId)
            problems.push(`${unit.key}: reported ProgramId ${result.ProgramId}, the API holds ${found[0]?.ProgramId}`);
        }
      } else {
        permanentlyFailedUnits += 1;
        const attempts = requests
          .filter((request) => request.ClientToken === unit.expectedToken)
          .map((request) => `${request.Fault ?? 'no fault'}: ${request.Verdict}`);
        permanentFailureDetails.push(
          `${unit.key}: ${failed.map((failure) => `${failure.reason} (${failure.detail.slice(0, 160)})`).join('; ')}; attempts seen by the API: ${attempts.join(', ')}`,
        );
        const createdByALostAnswer = requests.some(
          (request) => request.ClientToken === unit.expectedToken && request.Fault === 'lost' && request.Verdict === 'ok',
        );
        if (found.length !== 0 && !createdByALostAnswer)
          problems.push(`${unit.key}: reported failed, yet ${found.length} group(s) carry its ClientToken`);
      }
    }
    expect(problems).toEqual([]);
    const expectedTokens = new Set(units.filter((unit) => unit.valid).map((unit) => unit.expectedToken));
    expect(
      groups.filter((group) => !expectedTokens.has(group.ClientToken ?? '')),
      'groups no trigger stands for',
    ).toEqual([]);
    expect(groups.length).toBeGreaterThanOrEqual(scheduledUnits);
    expect(groups.length).toBeLessThanOrEqual(scheduledUnits + permanentlyFailedUnits);

    // Assess: every invalid plan was refused as such, at every delivery, and nothing of it reached the API.
    const invalid = units.filter((unit) => !unit.valid);
    expect(invalid).toHaveLength(12);
    for (const unit of invalid) {
      for (const outcome of deliveriesOf(unit)) expect(outcome, unit.key).toMatchObject({ status: 'failed', reason: 'InvalidPlan' });
      expect(
        requests.filter((request) => JSON.stringify(request).includes(unit.marker!)),
        `${unit.key} reached the API`,
      ).toEqual([]);
    }

    // Assess: the fleet paced through Redis (every attempt took a slot there), and every failed attempt was tried
    // again with the same ClientToken, unless its delivery gave up and said so.
    const adds = requests.filter((request) => request.Action === 'AddCasterEpisodeGroup');
    const faulted = adds.filter((request) => request.Fault !== null);
    const realThrottles = adds.filter((request) => request.Fault === null && request.Verdict.startsWith('Throttling'));
    // A retry is a request whose ClientToken's previous request failed as the client saw it (a lost answer too).
    const failedForTheClient = (request: RequestLogEntry) => request.Verdict !== 'ok' || request.Fault === 'lost';
    const lastFailed = new Map<string, boolean>();
    let retries = 0;
    for (const request of adds) {
      if (lastFailed.get(request.ClientToken ?? '') === true) retries += 1;
      lastFailed.set(request.ClientToken ?? '', failedForTheClient(request));
    }
    const gaveUp = units
      .filter((unit) => unit.valid && deliveriesOf(unit).some((outcome) => outcome.status === 'failed'))
      .map((unit) => unit.expectedToken);
    const leftFailing = [...lastFailed].filter(([, failed]) => failed).map(([token]) => token);
    expect(
      leftFailing.filter((token) => !gaveUp.includes(token)),
      'failed attempts never retried nor reported',
    ).toEqual([]);
    expect(faulted.length).toBeGreaterThan(0);
    expect(retries).toBeGreaterThan(0);
    const scriptCalls = [...commandStats.matchAll(/^cmdstat_(?:evalsha|eval):calls=(\d+)/gm)].reduce(
      (sum, match) => sum + Number(match[1]),
      0,
    );
    expect(scriptCalls).toBeGreaterThanOrEqual(adds.length);
    expect(fleet.jsonLogs().filter((line) => String(line['message']).includes('Redis pacing unavailable'))).toEqual([]);
    // Throttling by the API's own limit (not injected) would mean the shared pacer let the fleet over-send.
    expect(realThrottles.length).toBeLessThanOrEqual(Math.ceil(adds.length * 0.02));
    expect(internalErrors).toEqual([]);

    // Assess: no instance ever logged a secret: keys, tokens, auth_key values.
    const recorder = new OutputRecorder();
    for (const line of fleet.lines) recorder.record(`${line.instance} ${line.stream}`, line.text);
    expect(describeFindings([...recorder.scan(SECRETS), ...recorder.scanUnredacted()])).toEqual([]);

    const count = (list: readonly RequestLogEntry[], pickKey: (request: RequestLogEntry) => string | null) =>
      Object.fromEntries(
        [
          ...list.reduce(
            (map, request) => map.set(pickKey(request) ?? 'none', (map.get(pickKey(request) ?? 'none') ?? 0) + 1),
            new Map<string, number>(),
          ),
        ].sort(),
      );
    const summary = {
      seed: SEED,
      elapsedSeconds: Math.round(elapsedSeconds),
      instances: fleet.instances.length,
      triggers: {
        total: triggers.length,
        http: triggers.filter((t) => t.fn === 'http').length,
        timer: triggers.filter((t) => t.fn === 'timer').length,
        event: triggers.filter((t) => t.fn === 'event').length,
      },
      plans: units.length,
      redeliveries,
      scheduledExactlyOnce: scheduledUnits,
      permanentFailures: permanentlyFailedUnits,
      permanentFailureDetails,
      failedDeliveriesByReason: Object.fromEntries([...failuresByReason].sort()),
      invalidPlansRefused: invalid.length,
      episodeGroups: groups.length,
      addCasterEpisodeGroupAttempts: adds.length,
      retriesObserved: retries,
      faultsInjected: count(faulted, (request) => request.Fault),
      lostAnswersReplayedByClientToken: adds.filter((request) => request.Fault === 'lost').length,
      verdicts: count(adds, (request) => request.Verdict),
      throttledByTheRealLimit: realThrottles.length,
      describeCasterConfigCalls: requests.filter((request) => request.Action === 'DescribeCasterConfig').length,
      redisScriptCalls: scriptCalls,
      achievedAddsPerSecond: Number((adds.length / elapsedSeconds).toFixed(2)),
    };
    console.log(`soak summary\n${JSON.stringify(summary, null, 2)}`);
  }, 240_000);
});
