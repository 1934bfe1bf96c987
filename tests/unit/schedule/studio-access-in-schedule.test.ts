import { describe, expect, it } from 'vitest';
import { StudioAccessError } from '../../../shared/src/authorization/studio-access';
import { readStudioAccessLists } from '../../../shared/src/config/environment';
import { deriveClientToken } from '../../../shared/src/idempotency/client-token';
import { createCasterConfigCache } from '../../../shared/src/live/caster-config-cache';
import type { LiveClient } from '../../../shared/src/live/live-client';
import { openLiveSession } from '../../../shared/src/live/live-session';
import { createLogger, type Logger, silentLogger } from '../../../shared/src/logging/logger';
import type { Plan } from '../../../shared/src/plan/plan';
import { type ScheduleDependencies, scheduleCarousel } from '../../../shared/src/schedule/schedule-carousel';
import { readCliPlan } from '../../../shared/src/triggers/cli-plan';

const CLI = { kind: 'cli' } as const;
const STUDIO = {
  CasterId: 'LIVEPRODUCER_POST-cn-1',
  CallbackUrl: 'https://hooks.studio.example.com/live?auth_key=1-0-0-studio',
  DomainName: 'studio.example.com',
};

function plan(overrides: Partial<Plan> = {}): Plan {
  return {
    CasterId: STUDIO.CasterId,
    StartTime: '2031-03-06T19:00:00Z',
    RepeatNum: 0,
    Items: [{ ItemName: 'Episode 1', VodUrl: 'https://cdn.example.com/ep1.mp4' }],
    ...overrides,
  };
}

/** A Live client that records its calls, answering DescribeCasterConfig with the studio, behind an invocation's session. */
function recordingLive(env: Record<string, string>, logger: Logger = silentLogger) {
  const actions: string[] = [];
  const client: LiveClient = {
    endpoint: new URL('https://live.aliyuncs.com'),
    regionId: 'cn-shanghai',
    call: async (action) => {
      actions.push(action);
      if (action === 'DescribeCasterConfig') return STUDIO;
      return { RequestId: 'R-add', ProgramId: 'P-1', ItemIds: { ItemId: ['i-1'] } };
    },
    prepare: () => {
      throw new Error('not used');
    },
  };
  const dependencies: ScheduleDependencies = {
    session: openLiveSession(client, { credentials: undefined, deadlineAtMs: undefined, logger }),
    configCache: createCasterConfigCache({ now: () => 0 }),
    studioAccess: readStudioAccessLists(env),
  };
  return { dependencies, actions };
}

const schedule = (request: Plan, dependencies: ScheduleDependencies) =>
  scheduleCarousel({ plan: request, clientToken: deriveClientToken('test'), trigger: CLI }, dependencies);

describe('scheduleCarousel with allow-lists', () => {
  it('refuses a studio not on ALLOWED_CASTER_IDS before any call', async () => {
    // Prepare
    const { dependencies, actions } = recordingLive({ ALLOWED_CASTER_IDS: 'LIVEPRODUCER_POST-cn-2' });

    // Act
    const attempt = schedule(plan(), dependencies);

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(StudioAccessError);
    expect(actions).toEqual([]);
  });

  it('checks a destination the plan gives in full against the allowed studio’s own configuration', async () => {
    // Prepare
    const { dependencies, actions } = recordingLive({ ALLOWED_CASTER_IDS: STUDIO.CasterId });

    // Act
    await schedule(plan({ CallbackUrl: 'https://HOOKS.studio.example.com/other', DomainName: STUDIO.DomainName }), dependencies);

    // Assess
    expect(actions).toEqual(['DescribeCasterConfig', 'AddCasterEpisodeGroup']);
  });

  it('refuses a studio’s own domain when only ALLOWED_DOMAINS is set and does not list it', async () => {
    // Prepare
    const { dependencies, actions } = recordingLive({ ALLOWED_DOMAINS: 'other.example.com' });

    // Act
    const attempt = schedule(plan(), dependencies);

    // Assess
    await expect(attempt).rejects.toMatchObject({
      code: 'Forbidden',
      fieldErrors: { DomainName: [expect.any(String)], CallbackUrl: [expect.any(String)] },
    });
    expect(actions).toEqual(['DescribeCasterConfig']);
  });

  it('sends a plan whose destination ALLOWED_DOMAINS lists, without a lookup', async () => {
    // Prepare
    const { dependencies, actions } = recordingLive({ ALLOWED_DOMAINS: 'live.example.com,cb.example.com' });

    // Act
    await schedule(plan({ CasterId: undefined, CallbackUrl: 'https://cb.example.com/h', DomainName: 'live.example.com' }), dependencies);

    // Assess
    expect(actions).toEqual(['AddCasterEpisodeGroup']);
  });
});

describe('scheduleCarousel warnings', () => {
  it('returns and logs the warnings validation found, e.g. a looping group whose URL signature expires while it plays', async () => {
    // Prepare: the trigger reader validates once and hands its warnings on with the request.
    const lines: string[] = [];
    const signedAtS = Date.parse('2031-03-06T18:30:00Z') / 1000;
    const { dependencies } = recordingLive({}, createLogger({ write: (line) => lines.push(line) }));
    const looping = plan({
      RepeatNum: -1,
      Items: [{ ItemName: 'E', VodUrl: `https://cdn.example.com/a.mp4?auth_key=${signedAtS}-0-0-cafe` }],
    });
    const request = readCliPlan(JSON.stringify(looping), 'plan.json', { startTimeGraceS: 60, authKeyValidityS: 7200 });

    // Act
    const result = await scheduleCarousel(request, dependencies);

    // Assess
    expect(result.warnings).toEqual([{ field: 'Items[0].VodUrl', message: expect.stringContaining('expires at 2031-03-06T20:30:00Z') }]);
    expect(lines.some((line) => line.includes('episode group scheduled with warnings') && line.includes('Items[0].VodUrl'))).toBe(true);
    expect(lines.join('\n')).not.toContain('cafe');
  });
});
