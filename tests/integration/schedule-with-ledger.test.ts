import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_CREDENTIALS, DEMO_STUDIO, type RunningEmulator, startEmulator } from '../../emulator/index';
import { cancelGroup } from '../../shared/src/ledger/cancel-group';
import { createFileLedgerStore } from '../../shared/src/ledger/file-ledger-store';
import { createLedger, type Ledger } from '../../shared/src/ledger/ledger';
import { retireSupersededGroups } from '../../shared/src/ledger/retire-superseded';
import { createCasterConfigCache } from '../../shared/src/live/caster-config-cache';
import { createLiveClient } from '../../shared/src/live/live-client';
import { createGcraPacer } from '../../shared/src/pacing/gcra-pacer';
import {
  type LedgerScheduleDependencies,
  type LedgerScheduleRequest,
  scheduleWithLedger,
} from '../../shared/src/schedule/schedule-with-ledger';
import { readCliPlan } from '../../shared/src/triggers/cli-plan';
import { samplePlan } from '../support/plan-fixtures';

let emulator: RunningEmulator;
let workDir: string;
let ledger: Ledger;
beforeEach(async () => {
  emulator = await startEmulator({ host: '127.0.0.1', port: 0, credentials: [DEMO_CREDENTIALS], onInternalError: () => undefined });
  workDir = await mkdtemp(join(tmpdir(), 'schedule-ledger-'));
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

function dependencies(overrides: Partial<LedgerScheduleDependencies> = {}): LedgerScheduleDependencies {
  return {
    client: createLiveClient({ endpoint: emulator.url, credentials: DEMO_CREDENTIALS, pacer: createGcraPacer() }),
    configCache: createCasterConfigCache(),
    defaultCasterId: DEMO_STUDIO.CasterId,
    ledger,
    ...overrides,
  };
}
/** A CLI request for a fresh sample plan, with its plan-derived token, plus `extra` (a slot, another trigger). */
const cliRequest = (overrides: Record<string, unknown> = {}, extra: Partial<LedgerScheduleRequest> = {}): LedgerScheduleRequest => ({
  ...readCliPlan(JSON.stringify(samplePlan(overrides)), 'plan.json'),
  ...extra,
});
const groupsInStudio = async (): Promise<string[]> => {
  const body = (await (await fetch(`${emulator.url}/_emulator/episode-groups`)).json()) as { EpisodeGroups: { ProgramId: string }[] };
  return body.EpisodeGroups.map((group) => group.ProgramId);
};
const addCalls = async (): Promise<number> => {
  const body = (await (await fetch(`${emulator.url}/_emulator/requests`)).json()) as { Requests: { Action: string }[] };
  return body.Requests.filter((request) => request.Action === 'AddCasterEpisodeGroup').length;
};

describe('scheduling with the ledger, against the emulator over HTTP', () => {
  it('answers a trigger whose group is live from the ledger, without calling the API again', async () => {
    // Prepare
    const request = cliRequest({}, { trigger: { kind: 'event', source: 'acs.test', id: 'event-1' }, clientToken: 'event-token-1' });
    const first = await scheduleWithLedger(request, dependencies());

    // Act
    const again = await scheduleWithLedger(request, dependencies());

    // Assess
    expect(again).toMatchObject({ ProgramId: first.ProgramId, ClientToken: first.ClientToken, FromLedger: true, Generation: 1 });
    expect(await addCalls()).toBe(1);
  });

  it('schedules a new group after a cancel, with the next generation’s token', async () => {
    // Prepare
    const request = cliRequest();
    const first = await scheduleWithLedger(request, dependencies());
    await cancelGroup(dependencies().client, ledger, first.ProgramId);

    // Act
    const second = await scheduleWithLedger(request, dependencies());

    // Assess
    expect(second.ProgramId).not.toBe(first.ProgramId);
    expect(second.Generation).toBe(2);
    expect(second.ClientToken).not.toBe(first.ClientToken);
    expect(await groupsInStudio()).toEqual([second.ProgramId]);
  });

  it('keeps a superseded group on air until its successor starts, then the next submission to the slot deletes it', async () => {
    // Prepare
    const day = (n: number) => `2031-03-0${n}T06:00:00Z`;
    const submit = (n: number, nowMs: number) =>
      scheduleWithLedger(
        cliRequest(
          { StartTime: day(n), RepeatNum: -1 },
          { trigger: { kind: 'timer', triggerName: 'daily', triggerTime: day(n) }, slot: 'daily' },
        ),
        dependencies({ now: () => nowMs }),
      );
    const a = await submit(1, Date.parse(day(1)) - 60_000);

    // Act
    const b = await submit(2, Date.parse(day(2)) - 60_000);
    const afterB = await groupsInStudio();
    const c = await submit(3, Date.parse(day(3)) - 60_000);

    // Assess
    expect(b.Superseded).toBe(a.ProgramId);
    expect(afterB).toEqual([a.ProgramId, b.ProgramId]);
    expect(c.Retired).toEqual([a.ProgramId]);
    expect(await groupsInStudio()).toEqual([b.ProgramId, c.ProgramId]);
    const states = (await ledger.load()).records.map((record) => [record.ProgramId, record.State]);
    expect(states).toEqual([
      [a.ProgramId, 'retired'],
      [b.ProgramId, 'superseded'],
      [c.ProgramId, 'scheduled'],
    ]);
  });

  it('lets gc delete a superseded group only once its successor’s StartTime has passed', async () => {
    // Prepare
    const old = await scheduleWithLedger(cliRequest({ StartTime: '2031-05-01T00:00:00Z' }, { slot: 'main' }), dependencies());
    const successor = await scheduleWithLedger(cliRequest({ StartTime: '2031-05-02T00:00:00Z' }, { slot: 'main' }), dependencies());
    const client = dependencies().client;

    // Act
    const beforeStart = await retireSupersededGroups(ledger, client, { nowMs: Date.parse('2031-05-01T23:59:59Z') });
    const afterStart = await retireSupersededGroups(ledger, client, { nowMs: Date.parse('2031-05-02T00:00:00Z') });

    // Assess
    expect(beforeStart.retired).toEqual([]);
    expect(afterStart.retired).toEqual([old.ProgramId]);
    expect(await groupsInStudio()).toEqual([successor.ProgramId]);
  });

  it('keeps a superseded group whose successor was cancelled: nothing else would play', async () => {
    // Prepare
    const old = await scheduleWithLedger(cliRequest({}, { slot: 'main' }), dependencies());
    const successor = await scheduleWithLedger(cliRequest({}, { slot: 'main' }), dependencies());
    await cancelGroup(dependencies().client, ledger, successor.ProgramId);

    // Act
    const outcome = await retireSupersededGroups(ledger, dependencies().client, { nowMs: Date.parse('2040-01-01T00:00:00Z') });

    // Assess
    expect(outcome.retired).toEqual([]);
    expect(await groupsInStudio()).toEqual([old.ProgramId]);
  });
});
