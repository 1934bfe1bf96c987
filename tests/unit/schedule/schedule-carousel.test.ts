import { describe, expect, it } from 'vitest';
import { ConfigurationError, PlanValidationError } from '../../../shared/src/errors';
import { deriveClientToken } from '../../../shared/src/idempotency/client-token';
import { createCasterConfigCache } from '../../../shared/src/live/caster-config-cache';
import type { CallOptions, LiveClient } from '../../../shared/src/live/live-client';
import { type Invocation, openLiveSession } from '../../../shared/src/live/live-session';
import { createLogger, type Logger, silentLogger } from '../../../shared/src/logging/logger';
import type { Plan } from '../../../shared/src/plan/plan';
import { resolveEpisodeGroup, type ScheduleDependencies, scheduleCarousel } from '../../../shared/src/schedule/schedule-carousel';

const CLI = { kind: 'cli' } as const;

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

/**
 * A Live client that answers DescribeCasterConfig with `studio` (or throws what `describeFails` says, from its
 * call number on) and AddCasterEpisodeGroup with a program, behind the session of one invocation.
 */
function fakeLive(
  studio: Record<string, unknown> = STUDIO,
  options: {
    logger?: Logger;
    describeFailsFromCall?: number;
    configCache?: ScheduleDependencies['configCache'];
    invocation?: Omit<Invocation, 'logger'>;
  } = {},
) {
  const calls: Array<{ action: string; params: Readonly<Record<string, string>>; options: CallOptions | undefined }> = [];
  let describeCalls = 0;
  const client: LiveClient = {
    endpoint: new URL('https://live.aliyuncs.com'),
    regionId: 'cn-shanghai',
    call: async (action, params, callOptions) => {
      calls.push({ action, params, options: callOptions });
      if (action === 'DescribeCasterConfig') {
        describeCalls += 1;
        if (options.describeFailsFromCall !== undefined && describeCalls >= options.describeFailsFromCall) {
          throw new Error('ServiceUnavailable');
        }
        return studio;
      }
      return { RequestId: 'R-add', ProgramId: 'P-1', ItemIds: { ItemId: ['i-1', 'i-2'] } };
    },
    prepare: () => {
      throw new Error('not used');
    },
  };
  const dependencies: ScheduleDependencies = {
    session: openLiveSession(client, {
      ...(options.invocation ?? { credentials: undefined, deadlineAtMs: undefined }),
      logger: options.logger ?? silentLogger,
    }),
    configCache: options.configCache ?? createCasterConfigCache({ now: () => 0 }),
  };
  return { dependencies, calls, lookups: () => calls.filter((call) => call.action === 'DescribeCasterConfig').length };
}

describe('scheduleCarousel', () => {
  it('looks the studio up when the plan lacks CallbackUrl and DomainName, and sends its values', async () => {
    // Prepare
    const { dependencies, calls } = fakeLive();

    // Act
    const result = await scheduleCarousel({ plan: plan(), clientToken: deriveClientToken('event:1'), trigger: CLI }, dependencies);

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
    await scheduleCarousel({ plan: plan(), clientToken: deriveClientToken('event:1'), trigger: CLI }, dependencies);
    await scheduleCarousel({ plan: plan({ RepeatNum: 0 }), clientToken: deriveClientToken('event:2'), trigger: CLI }, dependencies);
    await Promise.all([
      scheduleCarousel({ plan: plan(), clientToken: deriveClientToken('event:3'), trigger: CLI }, dependencies),
      scheduleCarousel({ plan: plan(), clientToken: deriveClientToken('event:4'), trigger: CLI }, dependencies),
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
    await scheduleCarousel({ plan: given, clientToken: deriveClientToken('event:1'), trigger: CLI }, dependencies);

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
    const result = await scheduleCarousel({ plan: withoutCaster, clientToken: deriveClientToken('event:1'), trigger: CLI }, dependencies);

    // Assess
    expect(result.ProgramId).toBe('P-1');
  });

  it('rejects a plan that needs a lookup but names no studio, with a PlanValidationError naming CasterId', async () => {
    // Prepare
    const { dependencies, calls } = fakeLive();
    const { CasterId: _casterId, ...withoutCaster } = plan();

    // Act
    const error = await scheduleCarousel(
      { plan: withoutCaster, clientToken: deriveClientToken('event:1'), trigger: CLI },
      dependencies,
    ).catch((caught: unknown) => caught);

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
      { plan: withoutCaster, clientToken: deriveClientToken('event:1'), trigger: CLI },
      { ...dependencies, defaultCasterId: 'LIVEPRODUCER_POST-cn-default' },
    );

    // Assess
    expect(calls[0]?.action).toBe('DescribeCasterConfig');
    expect(calls[0]?.params).toEqual({ CasterId: 'LIVEPRODUCER_POST-cn-default' });
  });

  it.each([
    ['CallbackUrl', { ...STUDIO, CallbackUrl: '' }],
    ['DomainName', { ...STUDIO, DomainName: undefined }],
  ])('reports a studio without %s as a ConfigurationError naming it, and sends nothing', async (missing, studio) => {
    // Prepare
    const { dependencies, calls } = fakeLive(studio);

    // Act
    const error = await scheduleCarousel({ plan: plan(), clientToken: deriveClientToken('event:1'), trigger: CLI }, dependencies).catch(
      (caught: unknown) => caught,
    );

    // Assess
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toContain(missing);
    expect(calls.map((call) => call.action)).toEqual(['DescribeCasterConfig']);
  });

  it("fills only what the plan lacks: the plan's CallbackUrl wins, the studio's DomainName fills in", async () => {
    // Prepare
    const { dependencies, calls } = fakeLive();

    // Act
    await scheduleCarousel(
      { plan: plan({ CallbackUrl: 'http://plan.example.com/cb' }), clientToken: deriveClientToken('event:1'), trigger: CLI },
      dependencies,
    );

    // Assess
    expect(calls[1]!.params).toMatchObject({ CallbackUrl: 'http://plan.example.com/cb', DomainName: STUDIO.DomainName });
  });

  it("falls back to the studio's SideOutputUrl when the plan has none, and keeps the plan's when it has one", async () => {
    // Prepare
    const { dependencies } = fakeLive();

    // Act
    const fromStudio = await resolveEpisodeGroup({ plan: plan(), clientToken: deriveClientToken('e'), trigger: CLI }, dependencies);
    const fromPlan = await resolveEpisodeGroup(
      { plan: plan({ SideOutputUrl: 'rtmp://plan/side' }), clientToken: deriveClientToken('e'), trigger: CLI },
      dependencies,
    );

    // Assess
    expect(fromStudio.SideOutputUrl).toBe(STUDIO.SideOutputUrl);
    expect(fromPlan.SideOutputUrl).toBe('rtmp://plan/side');
  });

  it('logs a warning, not an error, when it has to schedule with a stale studio configuration', async () => {
    // Prepare
    let nowMs = 0;
    const lines: string[] = [];
    const { dependencies: deps } = fakeLive(STUDIO, {
      describeFailsFromCall: 2,
      configCache: createCasterConfigCache({ ttlMs: 1_000, staleGraceMs: 60_000, now: () => nowMs }),
      logger: createLogger({ write: (line) => lines.push(line) }),
    });
    await scheduleCarousel({ plan: plan(), clientToken: deriveClientToken('event:1'), trigger: CLI }, deps);
    nowMs = 5_000;

    // Act
    const result = await scheduleCarousel({ plan: plan(), clientToken: deriveClientToken('event:2'), trigger: CLI }, deps);

    // Assess
    expect(result.ProgramId).toBe('P-1');
    expect(lines.map((line) => JSON.parse(line).level)).toEqual(['info', 'warn', 'info']);
  });

  it("sends the request's ClientToken (chosen by the trigger reader, never by the core) and returns it, so a retry can reuse it", async () => {
    // Prepare
    const { dependencies, calls } = fakeLive();

    // Act
    const result = await scheduleCarousel(
      { plan: plan({ ClientToken: 'plan-token' }), clientToken: 'chosen-by-the-trigger', trigger: CLI },
      dependencies,
    );

    // Assess
    expect(calls[1]!.params['ClientToken']).toBe('chosen-by-the-trigger');
    expect(result.ClientToken).toBe('chosen-by-the-trigger');
  });

  it("signs and bounds every call with the invocation's credentials and deadline, as its session carries them", async () => {
    // Prepare: the keys an FC invocation hands over in context.credentials, and its deadline.
    const invocation = {
      credentials: { accessKeyId: 'STS.invocation', accessKeySecret: 'invocation-secret', securityToken: 'invocation-token' },
      deadlineAtMs: 1_900_000_000_000,
    };
    const { dependencies, calls } = fakeLive(STUDIO, { invocation });

    // Act
    await scheduleCarousel({ plan: plan(), clientToken: deriveClientToken('event:1'), trigger: CLI }, dependencies);

    // Assess
    expect(calls.map((call) => call.action)).toEqual(['DescribeCasterConfig', 'AddCasterEpisodeGroup']);
    for (const call of calls) {
      expect(call.options?.credentials).toEqual(invocation.credentials);
      expect(call.options?.deadlineAtMs).toBe(invocation.deadlineAtMs);
    }
  });
});
