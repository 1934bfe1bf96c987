import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_CREDENTIALS, DEMO_STUDIO, type RunningEmulator, SECOND_DEMO_STUDIO, startEmulator } from '../../emulator/index';
import { createFileLedgerStore } from '../../shared/src/ledger/file-ledger-store';
import { ledgerScope } from '../../shared/src/ledger/ledger-from-environment';
import type { LedgerRecord } from '../../shared/src/ledger/ledger-record';
import { recordIndex } from '../../shared/src/schedule/lifecycle';
import { cliEnvironment, groupsInEmulator, okJson, writePlan as writePlanIn } from '../support/cli-workbench';
import { sampleLedgerRecord } from '../support/ledger-record-fixtures';
import { SAMPLE_AUTH_KEY, samplePlan } from '../support/plan-fixtures';
import { startRedisServer } from '../support/redis-server';
import { CLI_PATH, type CliRun, runBuiltCli } from '../support/run-built-cli';

const STUDIO_1 = DEMO_STUDIO.CasterId;
const STUDIO_2 = SECOND_DEMO_STUDIO.CasterId;

let emulator: RunningEmulator;
let workDir: string;
let ledgerFile: string;
beforeEach(async () => {
  emulator = await startEmulator({
    host: '127.0.0.1',
    port: 0,
    credentials: [DEMO_CREDENTIALS],
    casters: [DEMO_STUDIO, SECOND_DEMO_STUDIO],
    onInternalError: () => undefined,
  });
  workDir = await mkdtemp(join(tmpdir(), 'cli-operator-'));
  ledgerFile = join(workDir, 'ledger.json');
});
afterEach(async () => {
  await emulator.close();
  await rm(workDir, { recursive: true, force: true });
});

/** An operator in Shanghai: times in TZ, the demo keys, the emulator and a ledger file of the test's own. */
const environment = (overrides: Record<string, string> = {}): Record<string, string> =>
  cliEnvironment(emulator.url, ledgerFile, { CASTER_ID: STUDIO_1, TZ: 'Asia/Shanghai', ...overrides });
const writePlan = (plan: Record<string, unknown>): Promise<string> => writePlanIn(workDir, plan);
const cli = (args: string[], env = environment()): Promise<CliRun> => runBuiltCli(args, env);
const submitted = async (plan: Record<string, unknown>, args: string[] = [], env = environment()): Promise<Record<string, unknown>> => {
  return okJson(await cli(['submit', await writePlan(plan), ...args], env));
};
const requestsOf = async (action: string): Promise<number> =>
  ((await (await fetch(`${emulator.url}/_emulator/requests`)).json()) as { Requests: { Action: string }[] }).Requests.filter(
    (request) => request.Action === action,
  ).length;
const groupsInStudio = (): Promise<string[]> => groupsInEmulator(emulator.url);
// A time a few minutes ago, whole seconds: a group that is already on air (START_TIME_GRACE_S lets it be submitted).
const minutesAgo = (minutes: number): string =>
  `${new Date(Math.floor(Date.now() / 1000) * 1000 - minutes * 60_000).toISOString().slice(0, 19)}Z`;
const PAST_ALLOWED = { START_TIME_GRACE_S: '86400' };

describe('times in the operator’s zone', () => {
  it('ls shows times in TZ with their offset; --utc shows UTC; --json keeps ISO 8601 UTC', async () => {
    // Prepare
    const group = await submitted(samplePlan({ StartTime: '2031-03-06T19:00:00Z' }), ['--slot', 'evening']);

    // Act
    const local = await cli(['ls']);
    const utc = await cli(['ls', '--utc']);
    const json = await cli(['ls', '--json']);

    // Assess
    expect(local.stdout).toMatch(new RegExp(`scheduled +${group['ProgramId']} +evening +${STUDIO_1} +2031-03-07 03:00 \\+08:00 `));
    expect(local.stdout).toContain('times in Asia/Shanghai');
    expect(utc.stdout).toMatch(new RegExp(`scheduled +${group['ProgramId']} +evening +${STUDIO_1} +2031-03-06T19:00:00Z `));
    expect((JSON.parse(json.stdout) as LedgerRecord[])[0]?.StartTime).toBe('2031-03-06T19:00:00Z');
  });

  it('gc shows when each due group went off air in TZ, and --json keeps UTC', async () => {
    // Prepare: a loop whose successor started yesterday, as a tick would have left them when no gc ran since.
    const store = createFileLedgerStore({ file: ledgerFile });
    const scope = ledgerScope({ endpoint: emulator.url, regionId: 'cn-shanghai', pacingAccount: 'default' });
    const before = sampleLedgerRecord({ ProgramId: 'loop-before', Slot: 'nightly', StartTime: '2020-01-01T12:00:00Z', RepeatNum: -1 });
    const after = sampleLedgerRecord({ ProgramId: 'loop-after', Slot: 'nightly', StartTime: '2020-01-02T12:00:00Z', RepeatNum: -1 });
    await store.apply(scope, { records: [before, after].map((record) => ({ record, expectedVersion: 0, index: recordIndex(record) })) });
    await store.close();

    // Act
    const table = await cli(['gc', '--dry-run']);
    const json = await cli(['gc', '--dry-run', '--json']);

    // Assess
    expect(table.exitCode, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/^gc --dry-run: would finish 0 pending steps and delete 1 group; nothing was sent\./);
    expect(table.stdout).toMatch(
      /delete \(retired\) +scheduled +loop-before +nightly +\S+ +2020-01-01 20:00 \+08:00 +off air since loop-after started at 2020-01-02 20:00 \+08:00/,
    );
    expect(JSON.parse(json.stdout)).toEqual({
      Pending: [],
      Due: [
        {
          ProgramId: 'loop-before',
          Slot: 'nightly',
          Becomes: 'retired',
          Successor: 'loop-after',
          SuccessorStartTime: '2020-01-02T12:00:00Z',
        },
      ],
    });
    expect(await requestsOf('DeleteCasterEpisodeGroup')).toBe(0);
  });

  it('errors show their times in TZ too', async () => {
    // Prepare: signed an hour before the start and valid 30 minutes, so it expires before the group starts.
    const signedAtS = Date.parse('2031-03-06T18:00:00Z') / 1000;
    const plan = samplePlan({
      Items: [{ ItemName: 'E', VodUrl: `https://cdn.example.com/a.mp4?auth_key=${signedAtS}-0-0-feedfacefeedfacefeedfacefeedface` }],
    });

    // Act
    const run = await cli(['check', await writePlan(plan)], environment({ AUTH_KEY_VALIDITY_S: '1800' }));

    // Assess
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('expires at 2031-03-07 02:30 +08:00, before StartTime');
  });
});

describe('check runs exactly submit’s validation', () => {
  it('refuses a plan naming no studio when CASTER_ID is unset, as submit does, and neither sends anything', async () => {
    // Prepare
    const { CasterId: _none, ...noStudio } = samplePlan();
    const file = await writePlan(noStudio);
    const env = environment({ CASTER_ID: '' });

    // Act
    const check = await cli(['check', file], env);
    const submit = await cli(['submit', file], env);

    // Assess
    expect([check.exitCode, submit.exitCode]).toEqual([2, 2]);
    const reason = 'CasterId: is required when CallbackUrl and DomainName are not both given (or set CASTER_ID)';
    expect(check.stderr).toContain(reason);
    expect(submit.stderr).toContain(reason);
    expect(check.stderr).toMatch(/^caster-carousel check: invalid plan, submit would refuse it:/);
    expect(submit.stderr).toMatch(/^caster-carousel submit: invalid plan, nothing was sent:/);
    expect(await requestsOf('DescribeCasterConfig')).toBe(0);
  });

  it('refuses a studio missing from ALLOWED_CASTER_IDS as submit does, and accepts one on the list', async () => {
    // Prepare
    const file = await writePlan(samplePlan({ CasterId: STUDIO_2 }));
    const onlyStudio1 = environment({ ALLOWED_CASTER_IDS: STUDIO_1 });
    const both = environment({ ALLOWED_CASTER_IDS: `${STUDIO_1},${STUDIO_2}` });

    // Act
    const refusedCheck = await cli(['check', file], onlyStudio1);
    const refusedSubmit = await cli(['submit', file], onlyStudio1);
    const allowedCheck = await cli(['check', file], both);

    // Assess
    expect([refusedCheck.exitCode, refusedSubmit.exitCode, allowedCheck.exitCode]).toEqual([2, 2, 0]);
    for (const run of [refusedCheck, refusedSubmit])
      expect(run.stderr).toContain('CasterId: is not a studio this function may schedule for (ALLOWED_CASTER_IDS)');
    expect(allowedCheck.stdout).toContain(`Studio       ${STUDIO_2}`);
    expect(await requestsOf('AddCasterEpisodeGroup')).toBe(0);
  });

  it('says once that a plan whose start has passed would be refused, without claiming anything was scheduled', async () => {
    // Prepare
    const file = await writePlan(samplePlan({ StartTime: '2020-01-01T00:00:00Z' }));

    // Act
    const run = await cli(['check', file]);

    // Assess
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(/^caster-carousel check: the plan starts in the past, submit would refuse it:\nStartTime: is in the past/);
    expect(run.stderr).not.toContain('not scheduled');
    expect(run.stderr.match(/refuse/g)).toHaveLength(1);
  });

  it('gives the ClientToken submit uses, --slot and --start included, as a table or as JSON', async () => {
    // Prepare
    const file = await writePlan(samplePlan({ StartTime: undefined }));
    const args = ['--slot', 'nightly', '--start', '2031-03-07 20:00'];

    // Act
    const table = await cli(['check', file, ...args]);
    const json = await cli(['check', file, ...args, '--json']);
    const submit = await cli(['submit', file, ...args]);

    // Assess
    expect(table.stdout).toMatch(/^Valid: submit would send this plan; nothing was sent\./);
    expect(table.stdout).toContain('StartTime    2031-03-07 20:00 +08:00 (2031-03-07T12:00:00Z)');
    const checked = JSON.parse(json.stdout) as Record<string, unknown>;
    expect(checked).toMatchObject({ valid: true, StartTime: '2031-03-07T12:00:00Z', Slot: 'nightly', CasterId: STUDIO_1 });
    expect(JSON.parse(submit.stdout)).toMatchObject({ ClientToken: checked['ClientToken'], Slot: 'nightly' });
  });
});

describe('commands that could reach too far', () => {
  it('cancel --slot refuses when the slot has groups in several studios, lists them and cancels nothing', async () => {
    // Prepare
    const one = await submitted(samplePlan({ CasterId: STUDIO_1 }), ['--slot', 'nightly']);
    const two = await submitted(samplePlan({ CasterId: STUDIO_2 }), ['--slot', 'nightly']);

    // Act
    const run = await cli(['cancel', '--slot', 'nightly']);

    // Assess
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('slot nightly has scheduled groups in 2 studios; nothing was cancelled');
    expect(run.stderr).toMatch(new RegExp(`${one['ProgramId']} +nightly +${STUDIO_1}`));
    expect(run.stderr).toMatch(new RegExp(`${two['ProgramId']} +nightly +${STUDIO_2}`));
    expect(run.stderr).toContain('--all-studios');
    expect((await groupsInStudio()).sort()).toEqual([one['ProgramId'], two['ProgramId']].sort());
  });

  it('cancel --slot with --caster cancels that studio’s groups only, and --all-studios every studio’s', async () => {
    // Prepare
    const one = await submitted(samplePlan({ CasterId: STUDIO_1 }), ['--slot', 'nightly']);
    const two = await submitted(samplePlan({ CasterId: STUDIO_2 }), ['--slot', 'nightly']);
    const three = await submitted(samplePlan({ CasterId: STUDIO_2, StartTime: '2031-03-06T20:00:00Z' }), ['--slot', 'nightly']);

    // Act
    const oneStudio = await cli(['cancel', '--slot', 'nightly', '--caster', STUDIO_1, '--json']);
    const left = await groupsInStudio();
    const everyStudio = await cli(['cancel', '--slot', 'nightly', '--all-studios']);

    // Assess
    expect(oneStudio.exitCode, oneStudio.stderr).toBe(0);
    expect(JSON.parse(oneStudio.stdout)).toEqual([{ ProgramId: one['ProgramId'], RequestId: expect.any(String), State: 'cancelled' }]);
    expect(left.sort()).toEqual([two['ProgramId'], three['ProgramId']].sort());
    expect(everyStudio.exitCode, everyStudio.stderr).toBe(0);
    expect(everyStudio.stdout).toMatch(/^Cancelled 2 groups:/);
    expect(await groupsInStudio()).toEqual([]);
  });

  it('cancel --dry-run prints what would be deleted and sends nothing', async () => {
    // Prepare
    const group = await submitted(samplePlan({ StartTime: '2031-03-06T19:00:00Z' }), ['--slot', 'nightly']);

    // Act
    const byId = await cli(['cancel', String(group['ProgramId']), '--dry-run']);
    const bySlot = await cli(['cancel', '--slot', 'nightly', '--dry-run', '--json']);
    const unknown = await cli(['cancel', 'NOT-IN-THE-LEDGER', '--dry-run']);

    // Assess
    expect(byId.exitCode, byId.stderr).toBe(0);
    expect(byId.stdout).toMatch(/^cancel --dry-run: would delete 1 group; nothing was sent\./);
    expect(byId.stdout).toMatch(new RegExp(`delete +${group['ProgramId']} +nightly +${STUDIO_1} +2031-03-07 03:00 \\+08:00 +scheduled`));
    expect(JSON.parse(bySlot.stdout)).toMatchObject({ dryRun: true, Groups: [{ ProgramId: group['ProgramId'], Would: 'delete' }] });
    expect(unknown.stdout).toContain('not in the ledger: DeleteCasterEpisodeGroup would be sent');
    expect(await requestsOf('DeleteCasterEpisodeGroup')).toBe(0);
    expect(await groupsInStudio()).toEqual([group['ProgramId']]);
  });

  it('cancelling a group the ledger holds as cancelled says so, exits 0 and sends nothing', async () => {
    // Prepare
    const group = await submitted(samplePlan());
    expect((await cli(['cancel', String(group['ProgramId'])])).exitCode).toBe(0);
    const deletesBefore = await requestsOf('DeleteCasterEpisodeGroup');

    // Act
    const again = await cli(['cancel', String(group['ProgramId'])]);
    const againJson = await cli(['cancel', String(group['ProgramId']), '--json']);

    // Assess
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.stdout).toMatch(
      new RegExp(
        `^${group['ProgramId']} was already cancelled \\(the ledger holds it as cancelled since \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}(:\\d{2})? \\+08:00\\); nothing was sent\\.`,
      ),
    );
    expect(JSON.parse(againJson.stdout)).toMatchObject({ ProgramId: group['ProgramId'], State: 'cancelled', AlreadyDone: true });
    expect(await requestsOf('DeleteCasterEpisodeGroup')).toBe(deletesBefore);
  });
});

describe('answers that say what happened', () => {
  it('re-submitting a plan whose successor is scheduled says it comes from the ledger, its state, and when it goes off air for which group', async () => {
    // Prepare
    const tonight = samplePlan({ StartTime: '2031-03-06T12:00:00Z', RepeatNum: -1 });
    const first = await submitted(tonight, ['--slot', 'nightly']);
    const special = await submitted(samplePlan({ StartTime: '2031-03-07T12:00:00Z', RepeatNum: -1 }), ['--slot', 'nightly']);

    // Act
    const again = await cli(['submit', await writePlan(tonight), '--slot', 'nightly']);

    // Assess
    expect(again.exitCode, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({
      ProgramId: first['ProgramId'],
      FromLedger: true,
      State: 'scheduled',
      OffAirAt: '2031-03-07T12:00:00Z',
      OffAirBy: special['ProgramId'],
    });
    expect(again.stderr).toBe(
      `caster-carousel submit: answered from the ledger, nothing was sent: already scheduled as ${first['ProgramId']} (studio ${STUDIO_1}, slot nightly, from 2031-03-06 20:00 +08:00); goes off air at 2031-03-07 20:00 +08:00 when ${special['ProgramId']} starts.\n`,
    );
  });

  it('re-submitting a plan whose group was retired says it was retired, not that it is scheduled', async () => {
    // Prepare: the earlier group is retired as soon as the later one, already started, is submitted.
    const earlier = samplePlan({ StartTime: minutesAgo(20), RepeatNum: -1 });
    const first = await submitted(earlier, ['--slot', 'nightly'], environment(PAST_ALLOWED));
    const later = await submitted(
      samplePlan({ StartTime: minutesAgo(10), RepeatNum: -1 }),
      ['--slot', 'nightly'],
      environment(PAST_ALLOWED),
    );
    expect(later['Retired']).toEqual([first['ProgramId']]);

    // Act
    const again = await cli(['submit', await writePlan(earlier), '--slot', 'nightly'], environment(PAST_ALLOWED));

    // Assess
    expect(again.exitCode, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ ProgramId: first['ProgramId'], FromLedger: true, State: 'retired' });
    expect(again.stderr).toContain(`answered from the ledger, nothing was sent: already retired as ${first['ProgramId']}`);
    expect(again.stderr).toContain('it went off air when the next group of its slot started, and was deleted at');
    expect(await requestsOf('AddCasterEpisodeGroup')).toBe(2);
  });

  it.each([
    ['a ledger file', async () => ({ env: {}, close: async () => undefined })],
    [
      'Redis',
      async () => {
        const redis = await startRedisServer();
        return { env: { REDIS_URL: redis.url }, close: () => redis.stop() };
      },
    ],
  ])('an empty ls over %s says which other scopes hold records and the variables that show them', async (_store, open) => {
    // Prepare: a group scheduled against the emulator; then the operator looks with another account name.
    const backend = await open();
    try {
      const group = await submitted(samplePlan(), [], environment(backend.env));

      // Act
      const elsewhere = await cli(['ls'], environment({ ...backend.env, PACING_ACCOUNT: 'studio-team' }));
      const asHinted = await cli(['ls'], environment({ ...backend.env, PACING_ACCOUNT: 'default' }));

      // Assess
      expect(elsewhere.exitCode, elsewhere.stderr).toBe(0);
      expect(elsewhere.stdout).toContain(`(no open groups in`);
      expect(elsewhere.stdout).toContain(`scope endpoint ${emulator.url}, region cn-shanghai, account studio-team)`);
      expect(elsewhere.stdout).toContain('The ledger holds records for 1 other scope');
      expect(elsewhere.stdout).toContain(`1 record (1 open): endpoint ${emulator.url}, region cn-shanghai, account default`);
      expect(elsewhere.stdout).toContain(
        `to see them: LIVE_ENDPOINT=${emulator.url} LIVE_REGION_ID=cn-shanghai PACING_ACCOUNT=default caster-carousel ls`,
      );
      expect(asHinted.stdout).toContain(String(group['ProgramId']));
    } finally {
      await backend.close();
    }
  });
});

/** A proxy in front of the emulator that holds one action's requests without ever answering, and says when one arrived. */
async function startHoldingProxy(target: string, action: string): Promise<{ url: string; held: Promise<void>; close(): Promise<void> }> {
  let arrived: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (arrived = resolve));
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      if (`${request.url ?? ''} ${body.toString('utf8')}`.includes(`Action=${action}`)) {
        arrived();
        return;
      }
      const headers = { ...request.headers, host: new URL(target).host };
      const upstream = http.request(new URL(request.url ?? '/', target), { method: request.method, headers }, (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      });
      upstream.on('error', () => request.socket.destroy());
      upstream.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    held,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** `submit` in a child process, interrupted (SIGINT, as Ctrl-C sends) once the proxy holds the given action. */
async function interruptedSubmit(action: string): Promise<CliRun & { clientToken: string; endpoint: string }> {
  const proxy = await startHoldingProxy(emulator.url, action);
  try {
    const file = await writePlan(samplePlan());
    const checked = await cli(['check', file, '--json']);
    const child = spawn(process.execPath, [CLI_PATH, 'submit', file], {
      env: { PATH: process.env['PATH'] ?? '', HOME: workDir, ...environment({ LIVE_ENDPOINT: proxy.url, LIVE_TIMEOUT_MS: '600000' }) },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const exited = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)));
    await proxy.held;
    child.kill('SIGINT');
    const clientToken = String((JSON.parse(checked.stdout) as Record<string, unknown>)['ClientToken']);
    return { exitCode: await exited, stdout, stderr, clientToken, endpoint: proxy.url };
  } finally {
    await proxy.close();
  }
}

describe('Ctrl-C during submit', () => {
  it('after AddCasterEpisodeGroup was sent: says so with the ClientToken and how to find out, and exits 130', async () => {
    // Act
    const run = await interruptedSubmit('AddCasterEpisodeGroup');

    // Assess
    expect(run.exitCode).toBe(130);
    expect(run.stderr).toContain(
      `caster-carousel submit: interrupted after AddCasterEpisodeGroup was sent (ClientToken ${run.clientToken})`,
    );
    expect(run.stderr).toContain('`caster-carousel ls`');
    expect(run.stderr).toContain('`caster-carousel ls --verify`');
    expect(run.stderr).toContain('Submitting the same plan again is safe');
    expect(run.stderr).not.toContain(SAMPLE_AUTH_KEY);
    // The ledger of that endpoint (its scope) holds the request whose answer was not recorded.
    const listed = await cli(['ls'], environment({ LIVE_ENDPOINT: run.endpoint }));
    expect(listed.stdout).toMatch(/^intent +- /m);
  });

  it('before anything that changes a studio was sent: says nothing changed, and exits 130', async () => {
    // Act
    const run = await interruptedSubmit('DescribeCasterConfig');

    // Assess
    expect(run.exitCode).toBe(130);
    expect(run.stderr).toBe(
      'caster-carousel submit: interrupted after only DescribeCasterConfig (which changes nothing) was sent: nothing changed in any studio.\n',
    );
    expect(await requestsOf('AddCasterEpisodeGroup')).toBe(0);
  });
});
