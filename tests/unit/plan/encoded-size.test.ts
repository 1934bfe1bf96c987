/**
 * The form-encoded size bound (PLAN_LIMITS.planFormMaxBytes): the worst plan it admits, signed with the worst
 * rest of the request, still fits in the 1 MiB the endpoint accepts, and the emulator takes it over HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CREDENTIALS, DEMO_STUDIO, type RunningEmulator, startEmulator } from '../../../emulator/index';
import { episodeGroupParams } from '../../../shared/src/live/operations';
import { signLiveRequest } from '../../../shared/src/live/request-signing';
import type { Plan } from '../../../shared/src/plan/plan';
import { PLAN_LIMITS } from '../../../shared/src/plan/plan-limits';
import { validatePlan } from '../../../shared/src/plan/validate-plan';
import { percentEncode } from '../../../shared/src/signing/percent-encode';
import { samplePlan } from '../../support/plan-fixtures';

const ENDPOINT_MAX_BODY_BYTES = 1024 * 1024;
// One code point that takes four bytes in UTF-8: twelve characters once percent-encoded, the most any takes.
const WIDEST = '\u{1F3AC}';
const NOW_MS = Date.parse('2031-03-01T00:00:00Z');

/** `count` items at every character limit in the widest characters; `lastVodUrlChars` shortens the last URL. */
function widestItems(count: number, lastVodUrlChars: number = PLAN_LIMITS.vodUrlMaxChars): { ItemName: string; VodUrl: string }[] {
  const prefix = 'https://vod.example.com/';
  return Array.from({ length: count }, (_, index) => {
    const chars = index === count - 1 ? lastVodUrlChars : PLAN_LIMITS.vodUrlMaxChars;
    return { ItemName: WIDEST.repeat(PLAN_LIMITS.itemNameMaxChars), VodUrl: `${prefix}${WIDEST.repeat(chars - prefix.length - 4)}.mp4` };
  });
}

/** The largest plan of widest characters the bound admits: whole items, then the last URL as long as still accepted. */
function worstAdmittedPlan(): Plan {
  let count = 1;
  while (validatePlan(samplePlan({ Items: widestItems(count + 1, 30) }), { nowMs: NOW_MS }).ok) count += 1;
  let low = 30;
  let high = PLAN_LIMITS.vodUrlMaxChars;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (validatePlan(samplePlan({ Items: widestItems(count, middle) }), { nowMs: NOW_MS }).ok) low = middle;
    else high = middle - 1;
  }
  return samplePlan({ Items: widestItems(count, low), ClientToken: '~'.repeat(PLAN_LIMITS.clientTokenMaxChars) }) as unknown as Plan;
}

/** The worst rest of the request: the studio's fields at their limits in characters that encode to 3 bytes. */
function worstStudioParams(plan: Plan): Record<string, string> {
  return episodeGroupParams({
    CallbackUrl: `http://cb.example.com/${'%'.repeat(PLAN_LIMITS.callbackUrlMaxChars - 22)}`,
    DomainName: `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`,
    SideOutputUrl: `rtmp://side.example.com/${'%'.repeat(PLAN_LIMITS.sideOutputUrlMaxChars - 24)}`,
    StartTime: plan.StartTime,
    RepeatNum: PLAN_LIMITS.repeatNumMax,
    Items: plan.Items,
    ClientToken: plan.ClientToken ?? '',
  });
}

const LONG_STS = { accessKeyId: `STS.${'K'.repeat(60)}`, accessKeySecret: 'secret', securityToken: `CAIS${'+/='.repeat(700)}` };

describe('the form-encoded size bound', () => {
  let emulator: RunningEmulator;
  beforeAll(async () => {
    emulator = await startEmulator({ host: '127.0.0.1', port: 0, credentials: [DEMO_CREDENTIALS], onInternalError: () => undefined });
  });
  afterAll(async () => emulator?.close());

  it('refuses 100 items within the character limits whose 4-byte characters would exceed 1 MiB once encoded', () => {
    // Act
    const result = validatePlan(samplePlan({ Items: widestItems(PLAN_LIMITS.itemsMaxCount) }), { nowMs: NOW_MS });

    // Assess
    expect(result).toMatchObject({
      ok: false,
      fieldErrors: { Items: [expect.stringMatching(/bytes once form-encoded; at most \d+ fit/)] },
    });
  });

  it('keeps the worst admitted plan under 1 MiB once signed with the worst rest of the request, V1 and ACS3', () => {
    // Prepare
    const plan = worstAdmittedPlan();
    const params = worstStudioParams(plan);

    // Act
    const bodies = (['v1', 'acs3'] as const).map(
      (algorithm) =>
        signLiveRequest({
          endpoint: new URL('http://127.0.0.1/'),
          action: 'AddCasterEpisodeGroup',
          params,
          method: 'POST',
          credentials: LONG_STS,
          algorithm,
          nowMs: NOW_MS,
        }).body ?? '',
    );

    // Assess
    for (const body of bodies) {
      expect(Buffer.byteLength(body)).toBeLessThan(ENDPOINT_MAX_BODY_BYTES);
      expect(Buffer.byteLength(body)).toBeGreaterThan(PLAN_LIMITS.planFormMaxBytes - 20_000);
    }
    console.info(
      `worst admitted plan: ${plan.Items.length} items; signed body ${Buffer.byteLength(bodies[0] ?? '')} bytes of ${ENDPOINT_MAX_BODY_BYTES}`,
    );
  });

  it('counts exactly what percentEncode produces', () => {
    // Prepare
    const plan = worstAdmittedPlan();
    const encodedItems = plan.Items.reduce(
      (sum, item, index) =>
        sum +
        `Item.${index + 1}.ItemName`.length +
        2 +
        percentEncode(item.ItemName).length +
        `Item.${index + 1}.VodUrl`.length +
        2 +
        percentEncode(item.VodUrl).length,
      0,
    );

    // Assess: the items alone sit just under the bound, the rest of the plan's parameters taking the remainder
    expect(encodedItems).toBeLessThanOrEqual(PLAN_LIMITS.planFormMaxBytes);
    expect(encodedItems).toBeGreaterThan(PLAN_LIMITS.planFormMaxBytes - 400);
  });

  it('is a request the endpoint takes: the emulator schedules the worst admitted plan sent over HTTP', async () => {
    // Prepare: the emulator only takes its studio's own destination
    const plan = worstAdmittedPlan();
    const request = signLiveRequest({
      endpoint: new URL(emulator.url),
      action: 'AddCasterEpisodeGroup',
      params: episodeGroupParams({
        CallbackUrl: DEMO_STUDIO.CallbackUrl ?? '',
        DomainName: DEMO_STUDIO.DomainName ?? '',
        StartTime: plan.StartTime,
        RepeatNum: plan.RepeatNum,
        Items: plan.Items,
        ClientToken: plan.ClientToken ?? '',
      }),
      method: 'POST',
      credentials: DEMO_CREDENTIALS,
      algorithm: 'v1',
      nowMs: Date.now(),
    });

    // Act
    const response = await fetch(request.url, { method: 'POST', headers: request.headers, body: request.body });
    const body = (await response.json()) as Record<string, unknown>;

    // Assess
    expect(response.status).toBe(200);
    expect(body).toMatchObject({ ProgramId: expect.any(String) });
  });
});
