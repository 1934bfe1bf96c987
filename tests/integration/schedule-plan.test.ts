/**
 * schedulePlan, reconcileSchedule and cancelGroup with a file ledger, against the emulator over loopback HTTP:
 * a slot's timeline in virtual time (each step given its own clock), as the CLI's session runs it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_CREDENTIALS, DEMO_STUDIO, type RunningEmulator, startEmulator } from '../../emulator/index';
import { createFileLedgerStore } from '../../shared/src/ledger/file-ledger-store';
import { createLedger, type Ledger } from '../../shared/src/ledger/ledger';
import { createCasterConfigCache } from '../../shared/src/live/caster-config-cache';
import { createLiveClient } from '../../shared/src/live/live-client';
import { openLiveSession } from '../../shared/src/live/live-session';
import { silentLogger } from '../../shared/src/logging/logger';
import { createGcraPacer } from '../../shared/src/pacing/gcra-pacer';
import { cancelGroup } from '../../shared/src/schedule/cancel-groups';
import { reconcileSchedule } from '../../shared/src/schedule/reconcile-schedule';
import type { ScheduleDependencies } from '../../shared/src/schedule/schedule-carousel';
import { schedulePlan } from '../../shared/src/schedule/schedule-plan';
import type { ScheduleRequest } from '../../shared/src/schedule/schedule-request';
import { readCliPlan } from '../../shared/src/triggers/cli-plan';
import { samplePlan } from '../support/plan-fixtures';

let emulator: RunningEmulator;
let workDir: string;
let ledger: Ledger;
beforeEach(async () => {
  emulator = await startEmulator({ host: '127.0.0.1', port: 0, credentials: [DEMO_CREDENTIALS], onInternalError: () => undefined });
  workDir = await mkdtemp(join(tmpdir(), 'schedule-plan-'));
  ledger = createLedger({
    store: createFileLedgerStore({ file: join(workDir, 'ledger.json') }),
    scope: `${emulator.url}|cn-shanghai|default`,
  });
});
afterEach(async () => {
  await ledger.close();
  await emulator.close();
  await rm(workDir, { recursive: true, force: true });
});

/** What the CLI builds for one command: a session signing with the CLI's credentials, and the ledger. */
function dependencies(overrides: Partial<ScheduleDependencies> = {}): ScheduleDependencies {
  const client = createLiveClient({ endpoint: emulator.url, pacer: createGcraPacer() });
  return {
    session: openLiveSession(client, { credentials: DEMO_CREDENTIALS, deadlineAtMs: undefined, logger: silentLogger }),
    configCache: createCasterConfigCache(),
    defaultCasterId: DEMO_STUDIO.CasterId,
    ledger,
    ...overrides,
  };
}
/** A CLI request for a fresh sample plan, with its plan-derived token, plus `extra` (a slot, another trigger). */
const cliRequest = (overrides: Record<string, unknown> = {}, extra: Partial<ScheduleRequest> = {}): ScheduleRequest => ({
  ...readCliPlan(JSON.stringify(samplePlan(overrides)), 'plan.json'),
  ...extra,
});
const at = (iso: string) => () => Date.parse(iso);
const groupsInStudio = async (): Promise<string[]> => {
  const body = (await (await fetch(`${emulator.url}/_emulator/episode-groups`)).json()) as { EpisodeGroups: { ProgramId: string }[] };
  return body.EpisodeGroups.map((group) => group.ProgramId);
};
const addCalls = async (): Promise<number> => {
  const body = (await (await fetch(`${emulator.url}/_emulator/requests`)).json()) as { Requests: { Action: string }[] };
  return body.Requests.filter((request) => request.Action === 'AddCasterEpisodeGroup').length;
};
const stateOf = async (programId: string): Promise<string | undefined> => (await ledger.readByProgramId(programId))?.State;

describe('scheduling a plan with the ledger, against the emulator over HTTP', () => {
  it('refuses a studio the allow-list does not name even when the ledger holds its group, before any call', async () => {
    // Prepare: the group was scheduled before the deployment restricted its studios.
    const request = cliRequest({ CasterId: DEMO_STUDIO.CasterId }, { clientToken: 'before-the-allow-list' });
    await schedulePlan(request, dependencies());
    const callsBefore = await addCalls();
    const restricted = { allowedCasterIds: new Set(['LIVEPRODUCER_POST-cn-other00001']), allowedDomains: undefined };

    // Act
    const refused = await schedulePlan(request, dependencies({ studioAccess: restricted, defaultCasterId: undefined })).catch(
      (error: unknown) => error,
    );

    // Assess
    expect(refused).toMatchObject({ name: 'StudioAccessError', code: 'Forbidden' });
    expect(await addCalls()).toBe(callsBefore);
  });

  it('answers a trigger whose group is scheduled from the ledger, without calling the API again', async () => {
    // Prepare
    const request = cliRequest({}, { trigger: { kind: 'event', source: 'acs.test', id: 'event-1' }, clientToken: 'event-token-1' });
    const first = await schedulePlan(request, dependencies());

    // Act
    const again = await schedulePlan(request, dependencies());

    // Assess
    expect(again).toMatchObject({ ProgramId: first.ProgramId, ClientToken: first.ClientToken, FromLedger: true, State: 'scheduled' });
    expect(again.Generation).toBe(1);
    expect(await addCalls()).toBe(1);
  });

  it('schedules a new group after a cancel, with the next generation’s token', async () => {
    // Prepare
    const request = cliRequest();
    const first = await schedulePlan(request, dependencies());
    await cancelGroup(first.ProgramId, dependencies());

    // Act
    const second = await schedulePlan(request, dependencies());

    // Assess
    expect(second.ProgramId).not.toBe(first.ProgramId);
    expect(second.Generation).toBe(2);
    expect(second.ClientToken).not.toBe(first.ClientToken);
    expect(await groupsInStudio()).toEqual([second.ProgramId]);
    expect(await stateOf(first.ProgramId)).toBe('cancelled');
  });
});

describe('a slot’s timeline', () => {
  it('keeps a group on air until the next one starts; a submission after that start deletes it', async () => {
    // Prepare
    const day = (n: number) => `2031-03-0${n}T06:00:00Z`;
    const submit = (n: number) =>
      schedulePlan(
        cliRequest(
          { StartTime: day(n), RepeatNum: -1 },
          { trigger: { kind: 'timer', triggerName: 'daily', triggerTime: day(n) }, slot: 'daily' },
        ),
        dependencies({ nowMs: () => Date.parse(day(n)) - 60_000 }),
      );
    const a = await submit(1);

    // Act
    const b = await submit(2);
    const afterB = await groupsInStudio();
    const c = await submit(3);

    // Assess
    expect(b.Retired).toEqual([]);
    expect(afterB).toEqual([a.ProgramId, b.ProgramId]);
    expect(c.Retired).toEqual([a.ProgramId]);
    expect(c.Replaced).toEqual([]);
    expect(await groupsInStudio()).toEqual([b.ProgramId, c.ProgramId]);
    expect([await stateOf(a.ProgramId), await stateOf(b.ProgramId), await stateOf(c.ProgramId)]).toEqual([
      'retired',
      'scheduled',
      'scheduled',
    ]);
  });

  it('tells each group when it goes off air: the StartTime of the next group of its slot', async () => {
    // Prepare
    const later = await schedulePlan(cliRequest({ StartTime: '2031-05-02T00:00:00Z' }, { slot: 'main' }), dependencies());

    // Act
    const earlier = await schedulePlan(cliRequest({ StartTime: '2031-05-01T00:00:00Z' }, { slot: 'main' }), dependencies());

    // Assess
    expect(earlier.OffAirAt).toBe('2031-05-02T00:00:00Z');
    expect(later.OffAirAt).toBeUndefined();
    expect(await groupsInStudio()).toEqual([later.ProgramId, earlier.ProgramId]);
  });

  it('lets a reconciliation delete a group only once the next group’s StartTime has passed', async () => {
    // Prepare
    const old = await schedulePlan(cliRequest({ StartTime: '2031-05-01T00:00:00Z' }, { slot: 'main' }), dependencies());
    const successor = await schedulePlan(cliRequest({ StartTime: '2031-05-02T00:00:00Z' }, { slot: 'main' }), dependencies());

    // Act
    const beforeStart = await reconcileSchedule(dependencies({ nowMs: at('2031-05-01T23:59:59Z') }));
    const afterStart = await reconcileSchedule(dependencies({ nowMs: at('2031-05-02T00:00:00Z') }));

    // Assess
    expect(beforeStart.retired).toEqual([]);
    expect(afterStart.retired).toEqual([old.ProgramId]);
    expect(await groupsInStudio()).toEqual([successor.ProgramId]);
  });

  it('keeps a group whose successor was cancelled: nothing else would play', async () => {
    // Prepare
    const old = await schedulePlan(cliRequest({ StartTime: '2031-05-01T00:00:00Z' }, { slot: 'main' }), dependencies());
    const successor = await schedulePlan(cliRequest({ StartTime: '2031-05-02T00:00:00Z' }, { slot: 'main' }), dependencies());
    await cancelGroup(successor.ProgramId, dependencies());

    // Act
    const outcome = await reconcileSchedule(dependencies({ nowMs: at('2040-01-01T00:00:00Z') }));

    // Assess
    expect(outcome.retired).toEqual([]);
    expect(await groupsInStudio()).toEqual([old.ProgramId]);
    expect(await stateOf(old.ProgramId)).toBe('scheduled');
  });
});
