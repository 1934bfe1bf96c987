// Golden ClientTokens: the exact token each trigger kind derives for fixed inputs, pinned byte for byte. FC retries an
// invocation across deploys; a release that derived another token for the same trigger would make that retry create a
// second episode group. If one of these fails, the change broke exactly-once for every retry in flight: do not ship it.
import { describe, expect, it } from 'vitest';
import { readCliPlan } from '../../../shared/src/triggers/cli-plan';
import { readCloudEvents } from '../../../shared/src/triggers/event/cloud-events';
import { readHttpPlanRequest } from '../../../shared/src/triggers/http/http-plan-request';
import { readTimerTick } from '../../../shared/src/triggers/timer/timer-tick';

const PLAN = {
  CasterId: 'LIVEPRODUCER_POST-cn-golden01',
  StartTime: '2031-03-06T19:00:00Z',
  RepeatNum: -1,
  Items: [
    { ItemName: 'Épisode 1 ✨', VodUrl: 'https://cdn.example.com/ep1.mp4?auth_key=1893456000-0-0-abc' },
    { ItemName: 'Episode 2', VodUrl: 'https://cdn.example.com/ep2.flv' },
  ],
};
const { StartTime: _startTime, ...PLAN_WITHOUT_START } = PLAN;

// Derived by the release that introduced each rule; never edit these strings.
const GOLDEN = {
  plan: 'cc1-1G5zhJrVFhJAqKR5BaWJcYeov2J0S1LDqTn64gTPu7A',
  idempotencyKey: 'cc1-4KOZleqipdPuR6EicB6PGQiVXlL3WveuKgqSpDwIysE',
  timerTick: 'cc1-WLomsFPiKhkESRWMycA0IktKtfDuXE9HeoSJeh7WtA4',
  cloudEvent: 'cc1-TSsFPKiKpWxBo-CVRNdrttwQ3pPh0qDk-6FXRQoNzng',
};

function httpPost(body: unknown, headers: Record<string, string> = {}) {
  return readHttpPlanRequest({
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(body),
    bodyIsBase64: false,
  });
}

function tick(payload: unknown) {
  return readTimerTick({ triggerName: 'morning-carousel', triggerTime: '2031-03-06T11:00:00Z', payload: JSON.stringify(payload) });
}

function cloudEvent(data: unknown) {
  const [entry] = readCloudEvents({ id: 'evt-0001', source: 'acs.custom.scheduler', specversion: '1.0', type: 'caster.plan', data });
  if (!entry?.ok) throw new Error('the golden CloudEvent must be readable');
  return entry.request;
}

describe('golden ClientTokens (frozen across releases)', () => {
  it('CLI plan: the token of a plan file never changes, whatever its key order', () => {
    // Act
    const tokens = [
      readCliPlan(JSON.stringify(PLAN), 'plan.json').clientToken,
      readCliPlan(JSON.stringify({ Items: PLAN.Items, RepeatNum: -1, StartTime: PLAN.StartTime, CasterId: PLAN.CasterId }), 'plan.json')
        .clientToken,
    ];

    // Assess
    expect(tokens).toEqual([GOLDEN.plan, GOLDEN.plan]);
  });

  it("CLI plan: a plan's own ClientToken is sent verbatim", () => {
    expect(readCliPlan(JSON.stringify({ ...PLAN, ClientToken: 'my-own-token-1' }), 'plan.json').clientToken).toBe('my-own-token-1');
  });

  it('HTTP without Idempotency-Key: the same token as the CLI for the same plan', () => {
    expect(httpPost(PLAN).clientToken).toBe(GOLDEN.plan);
  });

  it("HTTP with Idempotency-Key: the key decides, trimmed and whatever the header casing, over the plan's own ClientToken", () => {
    // Act
    const tokens = [
      httpPost(PLAN, { 'Idempotency-Key': 'order-2031-03-06' }).clientToken,
      httpPost(PLAN, { 'idempotency-key': '  order-2031-03-06 ' }).clientToken,
      httpPost({ ...PLAN, ClientToken: 'my-own-token-1' }, { 'Idempotency-Key': 'order-2031-03-06' }).clientToken,
    ];

    // Assess
    expect(tokens).toEqual([GOLDEN.idempotencyKey, GOLDEN.idempotencyKey, GOLDEN.idempotencyKey]);
  });

  it("HTTP with only the plan's ClientToken: sent verbatim", () => {
    expect(httpPost({ ...PLAN, ClientToken: 'my-own-token-1' }).clientToken).toBe('my-own-token-1');
  });

  it('timer tick: trigger name + time + the resolved plan; a StartOffset that resolves to the same StartTime and a payload ClientToken change nothing', () => {
    // Act
    const tokens = [
      tick(PLAN).clientToken,
      tick({ ...PLAN_WITHOUT_START, StartOffset: 'PT8H' }).clientToken,
      tick({ ...PLAN, ClientToken: 'ignored-by-timer' }).clientToken,
    ];

    // Assess
    expect(tokens).toEqual([GOLDEN.timerTick, GOLDEN.timerTick, GOLDEN.timerTick]);
  });

  it('CloudEvent: source + id alone, whatever the data (an object or a JSON string) holds', () => {
    // Act
    const tokens = [cloudEvent(PLAN).clientToken, cloudEvent(JSON.stringify({ ...PLAN, RepeatNum: 3, ClientToken: 'x' })).clientToken];

    // Assess
    expect(tokens).toEqual([GOLDEN.cloudEvent, GOLDEN.cloudEvent]);
  });
});
