// How late a group goes off air after its successor's StartTime, with nobody calling gc: the local stack as
// `npm start` runs it (dist/local/start.js: the built functions, s.yaml's timers on their cron, the reconcile
// trigger every minute), a real redis-server as the shared ledger, the Live API emulator. Each switch-over is a
// loop on air in a slot of its own and its successor, scheduled over 2 minutes ahead, starting 3 s after the
// previous one's. The lag is the emulator's own arrival time of the DeleteCasterEpisodeGroup minus the successor's
// StartTime. Baseline, in the same run: a timer in this process that sends the delete itself at its instant
// (Alibaba's pop-core client, no ledger), the floor of what any scheduler on this machine can reach.
// Goal: every switch-over within 5 s, none early. Takes about 4 minutes.
import { spawn } from 'node:child_process';
import RPCClient from '@alicloud/pop-core';
import { devKit, repoRoot, requireBuild } from './lib/layout.mjs';
import { startRedisServer } from './lib/redis.mjs';
import { fixed, numberArgument, printHeader, printTable, sleep, summarize } from './lib/report.mjs';

requireBuild();
printHeader('Switch-over lag on the local stack: the reconcile timer vs a delete sent at the instant', import.meta.url);

const COUNT = numberArgument('--switch-overs', 20);
const SPACING_MS = 3_000;
const AHEAD_MS = 140_000;
const GOAL_MS = 5_000;
const STUDIO = 'LIVEPRODUCER_POST-cn-demo00001';
const { DEMO_CREDENTIALS } = devKit();

const iso = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
let planCount = 0;
const plan = (fields) => ({
  CasterId: STUDIO,
  RepeatNum: -1,
  Items: [{ ItemName: `Bench ${++planCount}`, VodUrl: `https://cdn.example.com/bench/${planCount}.mp4` }],
  ...fields,
});

/** `node dist/local/start.js` on free ports; resolves with its addresses once it printed its banner. */
async function startStack(env) {
  const child = spawn(process.execPath, ['dist/local/start.js'], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? '', PORT: '0', EMULATOR_PORT: '0', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let printed = '';
  child.stdout.setEncoding('utf8').on('data', (text) => (printed += text));
  child.stderr.setEncoding('utf8').on('data', (text) => (printed += text));
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the stack printed no banner:\n${printed}`)), 30_000);
    child.stdout.on('data', () => {
      if (printed.includes('Ctrl-C stops everything')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`the stack exited with ${code}:\n${printed}`)));
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return {
    baseUrl: /POST (http:\/\/127\.0\.0\.1:\d+)\//.exec(printed)?.[1],
    emulatorUrl: /curl -s (http:\/\/127\.0\.0\.1:\d+)\/_emulator\/episode-groups/.exec(printed)?.[1],
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

const redis = await startRedisServer();
const stack = await startStack({ REDIS_URL: redis.url, PACING_ACCOUNT: 'bench-switch-over' });
try {
  const post = async (body) => {
    const response = await fetch(`${stack.baseUrl}/`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    const answer = await response.json();
    if (response.status !== 201) throw new Error(`POST answered ${response.status}: ${JSON.stringify(answer)}`);
    return answer.ProgramId;
  };
  // The loops on air, and the baseline's groups (no slot: only the bench deletes them).
  const onAir = [];
  for (let index = 0; index < COUNT; index += 1)
    onAir.push(await post(plan({ Slot: `bench-${index}`, StartTime: iso(Date.now() - 5_000) })));
  const baselineGroups = [];
  for (let index = 0; index < COUNT; index += 1) baselineGroups.push(await post(plan({ StartTime: iso(Date.now() + 3_600_000) })));
  // The successors, each scheduled more than 2 minutes before its start.
  const firstAtMs = Math.ceil((Date.now() + AHEAD_MS) / 1000) * 1000;
  const dueAtMs = Array.from({ length: COUNT }, (_, index) => firstAtMs + index * SPACING_MS);
  for (let index = 0; index < COUNT; index += 1) await post(plan({ Slot: `bench-${index}`, StartTime: iso(dueAtMs[index]) }));
  console.log(`${COUNT} switch-overs scheduled, due from ${iso(dueAtMs[0])} every ${SPACING_MS / 1000} s; waiting for them...`);

  // Baseline: the same instants shifted by half the spacing (so the two never compete), a delete sent right then.
  const client = new RPCClient({
    endpoint: stack.emulatorUrl,
    apiVersion: '2016-11-01',
    accessKeyId: DEMO_CREDENTIALS.accessKeyId,
    accessKeySecret: DEMO_CREDENTIALS.accessKeySecret,
  });
  const baselineAtMs = dueAtMs.map((ms) => ms + SPACING_MS / 2);
  const baselineSent = baselineGroups.map(
    (programId, index) =>
      new Promise((resolve, reject) =>
        setTimeout(
          () =>
            client
              .request('DeleteCasterEpisodeGroup', { ProgramId: programId, RegionId: 'cn-shanghai' }, { method: 'POST' })
              .then(resolve, reject),
          baselineAtMs[index] - Date.now(),
        ),
      ),
  );

  const deletedAt = async () => {
    const { Requests } = await (await fetch(`${stack.emulatorUrl}/_emulator/requests`)).json();
    const times = new Map();
    for (const entry of Requests) {
      if (entry.Action === 'DeleteCasterEpisodeGroup' && entry.Verdict === 'ok') times.set(entry.Params.ProgramId, Date.parse(entry.Time));
    }
    return times;
  };
  const giveUpAt = dueAtMs[COUNT - 1] + 90_000;
  let times = new Map();
  while (Date.now() < giveUpAt) {
    await sleep(1_000);
    times = await deletedAt();
    if (onAir.every((programId) => times.has(programId)) && baselineGroups.every((programId) => times.has(programId))) break;
  }
  await Promise.allSettled(baselineSent);

  const lags = onAir.map((programId, index) => (times.has(programId) ? times.get(programId) - dueAtMs[index] : Number.NaN));
  const baselineLags = baselineGroups.map((programId, index) =>
    times.has(programId) ? times.get(programId) - baselineAtMs[index] : Number.NaN,
  );
  const row = (label, values) => {
    const done = values.filter(Number.isFinite);
    const { median, min, max } = summarize(done);
    return [
      label,
      `${done.length}/${values.length}`,
      fixed(median, 0),
      fixed(min, 0),
      fixed(max, 0),
      String(done.filter((lag) => lag < 0).length),
      String(done.filter((lag) => lag <= GOAL_MS).length),
    ];
  };
  console.log('');
  printTable(
    ['deleted by', 'done', 'lag median ms', 'min ms', 'max ms', 'early', `within ${GOAL_MS / 1000} s`],
    [row('reconcile timer (s.yaml, every minute)', lags), row('baseline: this process, at the instant', baselineLags)],
  );
  const worst = Math.max(...lags.filter(Number.isFinite));
  console.log('');
  console.log(
    lags.every((lag) => Number.isFinite(lag) && lag >= 0 && lag <= GOAL_MS)
      ? `goal met: all ${COUNT} switch-overs between T and T + ${GOAL_MS / 1000} s (max ${fixed(worst, 0)} ms)`
      : `goal missed: ${lags.filter((lag) => !(lag >= 0 && lag <= GOAL_MS)).length} of ${COUNT} switch-overs outside [T, T + ${GOAL_MS / 1000} s]`,
  );
} finally {
  await stack.stop();
  await redis.stop();
}
