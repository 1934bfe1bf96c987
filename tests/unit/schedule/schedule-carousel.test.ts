import { describe, expect, it } from 'vitest';
import { ConfigurationError, PlanValidationError } from '../../../shared/src/errors';
import { deriveClientToken } from '../../../shared/src/idempotency/client-token';
import { createCasterConfigCache } from '../../../shared/src/live/caster-config-cache';
import type { LiveClient } from '../../../shared/src/live/live-client';
import { createLogger } from '../../../shared/src/logging/logger';
import type { Plan } from '../../../shared/src/plan/plan';
import {
  chooseClientToken,
  planIdentity,
  resolveEpisodeGroup,
  type ScheduleDependencies,
  scheduleCarousel,
} from '../../../shared/src/schedule/schedule-carousel';

const STUDIO = {
  CasterId: 'LIVEPRODUCER_POST-cn-1',
  CallbackUrl: 'http://learn.aliyundoc.com/callBackLive?auth_key=1-0-0-studio',
  DomainName: 'studio.example.com',
  SideOutputUrl: 'rtmp://side.example.com/caster/studio',
  RequestId: 'R-config',
};

function plan(overrides: Partial<Plan> = {}): Plan {
  return {
    CasterId: 'LIVEPRODUCER_POST-cn-1',
    StartTime: '2031-03-06T19:00:00Z',
    RepeatNum: -1,
    Items: [
      { ItemName: 'Episode 1', VodUrl: 'https://cdn.example.com/ep1.mp4' },
      { ItemName: 'Episode 2', VodUrl: 'https://cdn.example.com/ep2.flv' },
    ],
    ...overrides,
  };
}

/** A Live client that answers DescribeCasterConfig with `studio` and AddCasterEpisodeGroup with a program. */
function fakeLive(studio: Record<string, unknown> = STUDIO) {
  const calls: Array<{ action: string; params: Readonly<Record<string, string>> }> = [];
  const client: LiveClient = {
    endpoint: new URL('https://live.aliyuncs.com'),
    regionId: 'cn-shanghai',
    call: async (action, params) => {
      calls.push({ action, params });
      if (action === 'DescribeCasterConfig') return studio;
      return { RequestId: 'R-add', ProgramId: 'P-1', ItemIds: { ItemId: ['i-1', 'i-2'] } };
    },
    prepare: () => {
      throw new Error('not used');
    },
  };
  const dependencies: ScheduleDependencies = { client, configCache: createCasterConfigCache({ now: () => 0 }) };
  return { dependencies, calls, lookups: () => calls.filter((call) => call.action === 'DescribeCasterConfig').length };
}

describe('scheduleCarousel', () => {
  it('looks the studio up when the plan lacks CallbackUrl and DomainName, and sends its values', async () => {
    // Prepare
    const { dependencies, calls } = fakeLive();

    // Act
    const result = await scheduleCarousel({ plan: plan(), idempotencyIdentity: 'event:1' }, dependencies);

    // Assess
    expect(calls.map((call) => call.action)).toEqual(['DescribeCasterConfig', 'AddCasterEpisodeGroup']);
    expect(calls[0]!.params).toEqual({ CasterId: 'LIVEPRODUCER_POST-cn-1' });
    expect(calls[1]!.params).toMatchObject({
      CallbackUrl: STUDIO.CallbackUrl,
      DomainName: STUDIO.DomainName,
      SideOutputUrl: STUDIO.SideOutputUrl,
      'Item.1.ItemName': 'Episode 1',
      'Item.2.VodUrl': 'https://cdn.example.com/ep2.flv',
    });
    expect(result).toEqual({ ProgramId: 'P-1', ItemIds: ['i-1', 'i-2'], RequestId: 'R-add', ClientToken: deriveClientToken('event:1') });
  });

  it('looks each studio up only once while its configuration is cached', async () => {
    // Prepare
    const { dependencies, lookups, calls } = fakeLive();

    // Act
    await scheduleCarousel({ plan: plan(), idempotencyIdentity: 'event:1' }, dependencies);
    await scheduleCarousel({ plan: plan({ RepeatNum: 0 }), idempotencyIdentity: 'event:2' }, dependencies);
    await Promise.all([
      scheduleCarousel({ plan: plan(), idempotencyIdentity: 'event:3' }, dependencies),
      scheduleCarousel({ plan: plan(), idempotencyIdentity: 'event:4' }, dependencies),
    ]);

    // Assess
    expect(lookups()).toBe(1);
    expect(calls.filter((call) => call.action === 'AddCasterEpisodeGroup')).toHaveLength(4);
  });

  it('does not look the studio up when the plan gives both CallbackUrl and DomainName', async () => {
    // Prepare
    const { dependencies, lookups, calls } = fakeLive();
    const given = plan({ CallbackUrl: 'http://cb.example.com/cb', DomainName: 'plan.example.com' });

    // Act
    await scheduleCarousel({ plan: given, idempotencyIdentity: 'event:1' }, dependencies);

    // Assess
    expect(lookups()).toBe(0);
    expect(calls[0]!.params).toMatchObject({ CallbackUrl: 'http://cb.example.com/cb', DomainName: 'plan.example.com' });
    expect(calls[0]!.params).not.toHaveProperty('SideOutputUrl');
  });

  it('needs no CasterId when the plan gives both CallbackUrl and DomainName', async () => {
    // Prepare
    const { dependencies } = fakeLive();
    const { CasterId: _casterId, ...withoutCaster } = plan({ CallbackUrl: 'http://cb.example.com/cb', DomainName: 'plan.example.com' });

    // Act
    const result = await scheduleCarousel({ plan: withoutCaster, idempotencyIdentity: 'event:1' }, dependencies);

    // Assess
    expect(result.ProgramId).toBe('P-1');
  });

  it('rejects a plan that needs a lookup but names no studio, with a PlanValidationError naming CasterId', async () => {
    // Prepare
    const { dependencies, calls } = fakeLive();
    const { CasterId: _casterId, ...withoutCaster } = plan();

    // Act
    const error = await scheduleCarousel({ plan: withoutCaster, idempotencyIdentity: 'event:1' }, dependencies).catch(
      (caught: unknown) => caught,
    );

    // Assess
    expect(error).toBeInstanceOf(PlanValidationError);
    expect(Object.keys((error as PlanValidationError).fieldErrors)).toEqual(['CasterId']);
    expect(calls).toEqual([]);
  });

  it('uses the default studio (CASTER_ID) when the plan names none', async () => {
    // Prepare
    const { dependencies, calls } = fakeLive();
    const { CasterId: _casterId, ...withoutCaster } = plan();

    // Act
    await scheduleCarousel(
      { plan: withoutCaster, idempotencyIdentity: 'event:1' },
      { ...dependencies, defaultCasterId: 'LIVEPRODUCER_POST-cn-default' },
    );

    // Assess
    expect(calls[0]).toEqual({ action: 'DescribeCasterConfig', params: { CasterId: 'LIVEPRODUCER_POST-cn-default' } });
  });

  it.each([
    ['CallbackUrl', { ...STUDIO, CallbackUrl: '' }],
    ['DomainName', { ...STUDIO, DomainName: undefined }],
  ])('reports a studio without %s as a ConfigurationError naming it, and sends nothing', async (missing, studio) => {
    // Prepare
    const { dependencies, calls } = fakeLive(studio);

    // Act
    const error = await scheduleCarousel({ plan: plan(), idempotencyIdentity: 'event:1' }, dependencies).catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toContain(missing);
    expect(calls.map((call) => call.action)).toEqual(['DescribeCasterConfig']);
  });

  it("fills only what the plan lacks: the plan's CallbackUrl wins, the studio's DomainName fills in", async () => {
    // Prepare
    const { dependencies, calls } = fakeLive();

    // Act
    await scheduleCarousel({ plan: plan({ CallbackUrl: 'http://plan.example.com/cb' }), idempotencyIdentity: 'event:1' }, dependencies);

    // Assess
    expect(calls[1]!.params).toMatchObject({ CallbackUrl: 'http://plan.example.com/cb', DomainName: STUDIO.DomainName });
  });

  it("falls back to the studio's SideOutputUrl when the plan has none, and keeps the plan's when it has one", async () => {
    // Prepare
    const { dependencies } = fakeLive();

    // Act
    const fromStudio = await resolveEpisodeGroup({ plan: plan(), idempotencyIdentity: 'e' }, dependencies);
    const fromPlan = await resolveEpisodeGroup(
      { plan: plan({ SideOutputUrl: 'rtmp://plan/side' }), idempotencyIdentity: 'e' },
      dependencies,
    );

    // Assess
    expect(fromStudio.SideOutputUrl).toBe(STUDIO.SideOutputUrl);
    expect(fromPlan.SideOutputUrl).toBe('rtmp://plan/side');
  });

  it('logs a warning, not an error, when it has to schedule with a stale studio configuration', async () => {
    // Prepare
    let nowMs = 0;
    let describeCalls = 0;
    const lines: string[] = [];
    const { dependencies } = fakeLive();
    const client: LiveClient = {
      ...dependencies.client,
      call: async (action, params, options) => {
        if (action === 'DescribeCasterConfig' && ++describeCalls > 1) throw new Error('ServiceUnavailable');
        return dependencies.client.call(action, params, options);
      },
    };
    const deps: ScheduleDependencies = {
      client,
      configCache: createCasterConfigCache({ ttlMs: 1_000, staleGraceMs: 60_000, now: () => nowMs }),
      logger: createLogger({ write: (line) => lines.push(line) }),
    };
    await scheduleCarousel({ plan: plan(), idempotencyIdentity: 'event:1' }, deps);
    nowMs = 5_000;

    // Act
    const result = await scheduleCarousel({ plan: plan(), idempotencyIdentity: 'event:2' }, deps);

    // Assess
    expect(result.ProgramId).toBe('P-1');
    expect(lines.map((line) => JSON.parse(line).level)).toEqual(['info', 'warn', 'info']);
  });

  it('sends the ClientToken in the request and returns it, so a retry of the trigger can reuse it', async () => {
    // Prepare
    const { dependencies, calls } = fakeLive();

    // Act
    const result = await scheduleCarousel({ plan: plan({ ClientToken: 'plan-token' }), idempotencyIdentity: 'event:1' }, dependencies);

    // Assess
    expect(calls[1]!.params['ClientToken']).toBe('plan-token');
    expect(result.ClientToken).toBe('plan-token');
  });
});

describe('chooseClientToken', () => {
  it("prefers the caller's token, then the plan's, then one derived from the trigger identity", () => {
    // Prepare
    const withPlanToken = plan({ ClientToken: 'from-plan' });

    // Act
    const chosen = [
      chooseClientToken({ plan: withPlanToken, idempotencyIdentity: 'id', clientToken: 'from-header' }),
      chooseClientToken({ plan: withPlanToken, idempotencyIdentity: 'id' }),
      chooseClientToken({ plan: plan(), idempotencyIdentity: 'id' }),
    ];

    // Assess
    expect(chosen).toEqual(['from-header', 'from-plan', deriveClientToken('id')]);
  });
});

describe('planIdentity', () => {
  it('is the same for equal plans whatever their key order or ClientToken', () => {
    // Prepare
    const a = plan({ ClientToken: 'one' });
    const b: Plan = { Items: a.Items, RepeatNum: a.RepeatNum, StartTime: a.StartTime, CasterId: a.CasterId!, ClientToken: 'two' };

    // Act
    const identities = [planIdentity(a), planIdentity(b)];

    // Assess
    expect(identities[0]).toBe(identities[1]);
    expect(planIdentity(plan({ RepeatNum: 0 }))).not.toBe(identities[0]);
  });
});
