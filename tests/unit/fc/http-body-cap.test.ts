import { describe, expect, it } from 'vitest';
import { PLAN_LIMITS } from '../../../shared/src/plan/plan-limits';
import { validatePlan } from '../../../shared/src/plan/validate-plan';
import { MAX_BODY_BYTES } from '../../../shared/src/triggers/http/http-plan-request';

// One code point that takes four bytes in UTF-8, the most any character can take.
const WIDEST = '\u{1F3AC}';

/** A URL of exactly `lengthChars` code points, every one after the scheme and host as wide as UTF-8 allows. */
function widestUrl(prefix: string, lengthChars: number, suffix: string): string {
  return prefix + WIDEST.repeat(lengthChars - prefix.length - suffix.length) + suffix;
}

describe('the HTTP body cap', () => {
  it('admits the largest valid plan, sent as compact UTF-8 JSON', () => {
    // Prepare: every bounded field at its limit, in the widest characters its rule allows.
    const plan = {
      CasterId: 'C'.repeat(PLAN_LIMITS.casterIdMaxChars),
      CallbackUrl: widestUrl('https://cb.example.com/', PLAN_LIMITS.callbackUrlMaxChars, ''),
      DomainName: `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`,
      SideOutputUrl: widestUrl('rtmp://side.example.com/', PLAN_LIMITS.sideOutputUrlMaxChars, ''),
      StartTime: '2031-03-06T19:00:00Z',
      RepeatNum: PLAN_LIMITS.repeatNumMax,
      Items: Array.from({ length: PLAN_LIMITS.itemsMaxCount }, () => ({
        ItemName: WIDEST.repeat(PLAN_LIMITS.itemNameMaxChars),
        VodUrl: widestUrl('https://vod.example.com/', PLAN_LIMITS.vodUrlMaxChars, '.mp4'),
      })),
      ClientToken: '~'.repeat(PLAN_LIMITS.clientTokenMaxChars),
    };

    // Act
    const validation = validatePlan(plan);
    const bodyBytes = Buffer.byteLength(JSON.stringify(plan), 'utf8');

    // Assess
    expect(validation.ok).toBe(true);
    expect(bodyBytes).toBeLessThanOrEqual(MAX_BODY_BYTES);
    console.info(`largest valid plan as compact UTF-8 JSON: ${bodyBytes} bytes; cap ${MAX_BODY_BYTES}`);
  });
});
