/**
 * `npm start` runs s.yaml's timers as FC does: each on its cron (CRON_TZ honoured), with the trigger's name and
 * payload, the reconciliation every minute among them, so a group goes off air at its successor's start with
 * nobody calling gc; s.yaml's allow-lists apply; one tick can be fired by hand for a chosen time. Run with a real
 * redis-server as the shared ledger, as deployed.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RequestLogEntry } from '../../emulator/index';
import { type LocalHost, startLocalHost } from '../support/local-host';
import { samplePlan } from '../support/plan-fixtures';
import { type RedisServer, startRedisServer } from '../support/redis-server';

const root = fileURLToPath(new URL('../../', import.meta.url));
const STUDIO_1 = 'LIVEPRODUCER_POST-cn-demo00001';
const STUDIO_2 = 'LIVEPRODUCER_POST-cn-demo00002';
const TZ_TRIGGER = 'kathmandu-check';

interface TimerStatus {
  triggerName: string;
  cronExpression: string;
  timeZone: string;
  enabled: boolean;
  next?: string;
  ticks: { triggerTime: string; firedAt: string; outcome: string }[];
}

/** An instant as the API and FC write it: whole seconds, `Z`. */
const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits for what the test needs next (never an assertion on time); gives up with `what` after `timeoutMs`. */
async function until<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs: number): Promise<T> {
  const giveUpAt = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > giveUpAt) throw new Error(`gave up waiting: ${what}`);
    await sleep(250);
  }
}

/** The wall-clock fields of an instant in a zone, for writing a cron that fires then. */
function wallClock(ms: number, timeZone: string): { minute: number; hour: number } {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(
    new Date(ms),
  );
  const field = (type: string): number => Number(parts.find((part) => part.type === type)?.value);
  return { minute: field('minute'), hour: field('hour') };
}

describe('npm start runs the timers of s.yaml', () => {
  let redis: RedisServer;
  let host: LocalHost;
  let folder: string;
  // The Kathmandu trigger's one fire time (UTC): a whole minute at least 40 s away (+05:45 shifts the minute too).
  let tzFireMs = 0;
  // The switch-over: a loop on air in slot `switch`, its successor starting at switchAtMs, scheduled over 2 minutes ahead.
  let switchAtMs = 0;
  let onAir = '';
  let successor = '';

  const timers = async (): Promise<TimerStatus[]> =>
    ((await (await fetch(`${host.baseUrl}/_local/timers`)).json()) as { Timers: TimerStatus[] }).Timers;
  const requests = async (): Promise<RequestLogEntry[]> =>
    ((await (await fetch(`${host.emulatorUrl}/_emulator/requests`)).json()) as { Requests: RequestLogEntry[] }).Requests;
  const postPlan = (plan: Record<string, unknown>) =>
    fetch(`${host.baseUrl}/`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(plan) });

  beforeAll(async () => {
    redis = await startRedisServer();
    folder = mkdtempSync(join(tmpdir(), 'local-timers-'));
    // The repository's s.yaml plus one trigger whose cron is Kathmandu wall time: read as UTC it would fire 5 h 45 min off.
    tzFireMs = Math.ceil((Date.now() + 40_000) / 60_000) * 60_000;
    const { minute, hour } = wallClock(tzFireMs, 'Asia/Kathmandu');
    const sYaml = readFileSync(join(root, 's.yaml'), 'utf8').replace(
      '        - triggerName: reconcile\n',
      [
        `        - triggerName: ${TZ_TRIGGER}`,
        '          triggerType: timer',
        '          qualifier: LATEST',
        '          triggerConfig:',
        `            cronExpression: "CRON_TZ=Asia/Kathmandu 0 ${minute} ${hour} * * *"`,
        '            enable: true',
        `            payload: '${JSON.stringify({ StartOffset: 'PT30M', RepeatNum: 0, Items: [{ ItemName: 'Check', VodUrl: 'https://cdn.example.com/check.mp4' }] })}'`,
        '        - triggerName: reconcile',
        '',
      ].join('\n'),
    );
    const sYamlFile = join(folder, 's.yaml');
    writeFileSync(sYamlFile, sYaml);
    host = await startLocalHost({ REDIS_URL: redis.url, PACING_ACCOUNT: `local-timers-${process.pid}`, LOG_LEVEL: 'warn' }, [
      '--s-yaml',
      sYamlFile,
    ]);
    // The successor starts over 2 minutes ahead, off the minute (the tick before it has to wait for it).
    switchAtMs = Math.ceil((Date.now() + 125_000) / 1000) * 1000;
    if (new Date(switchAtMs).getUTCSeconds() < 5) switchAtMs += 17_000;
    const first = await postPlan(samplePlan({ CasterId: STUDIO_1, Slot: 'switch', StartTime: iso(Date.now() - 5_000), RepeatNum: -1 }));
    const second = await postPlan(samplePlan({ CasterId: STUDIO_1, Slot: 'switch', StartTime: iso(switchAtMs), RepeatNum: -1 }));
    onAir = ((await first.json()) as { ProgramId: string }).ProgramId;
    successor = ((await second.json()) as { ProgramId: string }).ProgramId;
  }, 60_000);

  afterAll(async () => {
    await host?.stop();
    await redis?.stop();
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  it('prints every timer with its cron and next fire time (with the wall time in its CRON_TZ zone), and every studio served', async () => {
    // Prepare
    const printed = host.output();
    const status = await timers();
    const next = (name: string) => status.find((timer) => timer.triggerName === name)?.next ?? '(none)';

    // Assess
    expect(next('every-morning')).toMatch(/T21:30:00Z$/);
    expect(printed).toMatch(
      new RegExp(
        `every-morning +CRON_TZ=Asia/Shanghai 0 30 5 \\* \\* \\* +next ${next('every-morning')} \\(\\S+ 05:30:00 Asia/Shanghai\\)`,
      ),
    );
    expect(printed).toMatch(/second-studio-morning +CRON_TZ=Asia\/Shanghai 0 30 5 \* \* \* +disabled in s\.yaml/);
    expect(printed).toMatch(/reconcile +0 \* \* \* \* \* +next \d{4}-\d{2}-\d{2}T\d{2}:\d{2}:00Z/);
    expect(printed).toContain(`${TZ_TRIGGER}`);
    expect(printed).toMatch(new RegExp(`studios served +${STUDIO_1} \\(CASTER_ID\\)`));
    expect(printed).toMatch(new RegExp(`${STUDIO_2} \\(not in ALLOWED_CASTER_IDS`));
    expect(printed).toContain(`POST ${host.baseUrl}/_local/timer?trigger=NAME[&time=ISO]`);
  });

  it('fires one tick of an s.yaml trigger for a chosen time: its payload, its name, that triggerTime', async () => {
    // Prepare
    const time = iso(Date.now() + 3_600_000);

    // Act
    const response = await fetch(`${host.baseUrl}/_local/timer?trigger=every-morning&time=${time}`, { method: 'POST' });
    const unknown = await fetch(`${host.baseUrl}/_local/timer?trigger=no-such-timer`, { method: 'POST' });
    const withBody = await fetch(`${host.baseUrl}/_local/timer?trigger=every-morning`, { method: 'POST', body: '{}' });

    // Assess: s.yaml's every-morning payload starts its loop 30 minutes after the tick, in the slot named after it.
    expect(response.status).toBe(200);
    const answer = (await response.json()) as { triggerName: string; triggerTime: string; result: { Slot: string; StartTime: string } };
    expect(answer).toMatchObject({ triggerName: 'every-morning', triggerTime: time, result: { Slot: 'every-morning' } });
    expect(Date.parse(answer.result.StartTime) - Date.parse(time)).toBe(30 * 60_000);
    expect((await timers()).find((timer) => timer.triggerName === 'every-morning')?.ticks).toContainEqual(
      expect.objectContaining({ triggerTime: time, outcome: 'ok' }),
    );
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { message: string }).message).toContain('every-morning, second-studio-morning');
    expect(withBody.status).toBe(400);
  });

  it('applies s.yaml’s allow-list: a plan for a studio it does not list is refused, over HTTP and by a timer, as deployed', async () => {
    // Act
    const http = await postPlan(samplePlan({ CasterId: STUDIO_2 }));
    const tick = await fetch(`${host.baseUrl}/_local/timer?name=nightly`, {
      method: 'POST',
      body: JSON.stringify({ ...samplePlan({ CasterId: STUDIO_2 }), StartTime: undefined, StartOffset: 'PT30M' }),
    });
    const allowed = await postPlan(samplePlan({ CasterId: STUDIO_1 }));

    // Assess
    expect(http.status).toBe(403);
    expect(((await http.json()) as { fieldErrors: Record<string, string[]> }).fieldErrors).toHaveProperty('CasterId');
    expect(tick.status).toBe(500);
    expect(((await tick.json()) as { errorMessage: string }).errorMessage).toContain('Forbidden');
    expect(allowed.status).toBe(201);
  });

  it('fires a timer on its cron in its CRON_TZ zone, with the scheduled instant as triggerTime and its payload', async () => {
    // Act: nothing but the clock.
    const tick = await until(
      async () => (await timers()).find((timer) => timer.triggerName === TZ_TRIGGER)?.ticks.find((entry) => entry.outcome !== 'running'),
      'the Kathmandu trigger to fire',
      tzFireMs - Date.now() + 60_000,
    );

    // Assess
    expect(tick).toMatchObject({ triggerTime: iso(tzFireMs), outcome: 'ok' });
    expect(Date.parse(tick.firedAt)).toBeGreaterThanOrEqual(tzFireMs);
    const groups = (
      (await (await fetch(`${host.emulatorUrl}/_emulator/episode-groups`)).json()) as {
        EpisodeGroups: { StartTime: string; Items: { ItemName: string }[] }[];
      }
    ).EpisodeGroups;
    expect(groups).toContainEqual(
      expect.objectContaining({ StartTime: iso(tzFireMs + 30 * 60_000), Items: [expect.objectContaining({ ItemName: 'Check' })] }),
    );
  }, 180_000);

  it('switches over on time by itself: the group goes off air no earlier than its successor’s start and within 5 s of it', async () => {
    // Act: nobody calls gc; the reconciliation timer of s.yaml runs every minute on its own.
    const deletion = await until(
      async () =>
        (await requests()).find(
          (entry) => entry.Action === 'DeleteCasterEpisodeGroup' && entry.Params['ProgramId'] === onAir && entry.Verdict === 'ok',
        ),
      'the reconciliation timer to delete the group on air',
      switchAtMs - Date.now() + 90_000,
    );

    // Assess: the emulator's own record of when the delete arrived.
    const deletedAtMs = Date.parse(deletion.Time);
    expect(deletedAtMs).toBeGreaterThanOrEqual(switchAtMs);
    expect(deletedAtMs).toBeLessThanOrEqual(switchAtMs + 5_000);
    const groups = (
      (await (await fetch(`${host.emulatorUrl}/_emulator/episode-groups`)).json()) as { EpisodeGroups: { ProgramId: string }[] }
    ).EpisodeGroups.map((group) => group.ProgramId);
    expect(groups).toContain(successor);
    expect(groups).not.toContain(onAir);
    const reconcileTicks = (await timers()).find((timer) => timer.triggerName === 'reconcile')?.ticks ?? [];
    expect(reconcileTicks.length).toBeGreaterThanOrEqual(2);
    for (const tick of reconcileTicks) expect(tick.triggerTime).toMatch(/:00Z$/);
    expect(reconcileTicks.filter((tick) => tick.outcome !== 'running').every((tick) => tick.outcome === 'ok')).toBe(true);
  }, 240_000);
});
