// Throughput of a fleet of processes sharing one account's AddCasterEpisodeGroup limit (4/s), with and
// without Redis pacing, in the same run.
//
// One Live API emulator at its real limits. For each configuration (1, 4, 16 processes; pacing alone in each
// process, or through one Redis GCRA schedule via REDIS_URL to a redis-server this script starts on loopback),
// N FC-style processes (layer on NODE_PATH) are started and made ready, then told to go at the same moment;
// each submits its share of one batch of AddCasterEpisodeGroup plans (40 by default) through the layer's own
// scheduleCarousel + pacer + Live client. Plans carry CallbackUrl and DomainName, so only AddCasterEpisodeGroup
// is called. Per run: achieved rate = successful groups / (last answer - first send), against the 4/s ceiling;
// throttled = `Throttling.User` verdicts in the emulator's request log; retries = attempts the Live clients
// retried (their own log lines; the emulator's count of extra attempts is shown beside it). Each configuration
// runs several times, interleaved; the table shows the median and [min-max].
//
// Usage: npm run build && node bench/fleet-throughput.mjs [--runs 3] [--batch 40] [--processes 1,4,16]
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { BENCH_CREDENTIALS, startBenchEmulator } from './lib/emulator.mjs';
import { benchPlan } from './lib/fc-events.mjs';
import { layerNodeModulesDir, repoRoot, requireBuild } from './lib/layout.mjs';
import { startRedisServer } from './lib/redis.mjs';
import { fixed, listArgument, numberArgument, printHeader, printTable, sleep, summarize } from './lib/report.mjs';

const RUNS = numberArgument('--runs', 3);
const BATCH = numberArgument('--batch', 40);
const PROCESS_COUNTS = listArgument('--processes', [1, 4, 16]);
const CEILING_PER_SECOND = 4;
const GOAL_SHARE = 0.9;
const PAUSE_BETWEEN_RUNS_MS = 1_500; // lets the emulator's 1 s window and the Redis schedule empty out
const WORKER = fileURLToPath(new URL('./lib/fleet-worker.cjs', import.meta.url));

requireBuild();
printHeader('fleet-throughput: N processes sharing the 4/s AddCasterEpisodeGroup limit, with and without Redis pacing', import.meta.url);

const api = await startBenchEmulator();
const redis = await startRedisServer();

/** Starts one worker and resolves when it has built its pacer and client and is waiting for `go`. */
function startWorker(env) {
  const child = spawn(process.execPath, [WORKER], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? '', NODE_PATH: layerNodeModulesDir, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const done = new Promise((resolve, reject) => {
    child.on('message', (message) => message.type === 'done' && resolve(message));
    child.once('exit', (code) => reject(new Error(`worker exited with code ${code} before reporting`)));
  });
  done.catch(() => undefined);
  const ready = new Promise((resolve, reject) => {
    child.on('message', (message) => message.type === 'ready' && resolve());
    child.once('exit', (code) => reject(new Error(`worker exited with code ${code} before it was ready`)));
  });
  return { child, ready, done };
}

async function runConfiguration({ processes, withRedis }, runIndex) {
  const tag = randomUUID().slice(0, 8);
  const plans = Array.from({ length: BATCH }, (_, index) => benchPlan({ tag: `${tag}-${index}`, studio: api.studio }));
  const shares = Array.from({ length: processes }, (_, worker) => plans.filter((_, index) => index % processes === worker));
  const env = {
    LIVE_ENDPOINT: api.url,
    ALIBABA_CLOUD_ACCESS_KEY_ID: BENCH_CREDENTIALS.accessKeyId,
    ALIBABA_CLOUD_ACCESS_KEY_SECRET: BENCH_CREDENTIALS.accessKeySecret,
    ALIBABA_CLOUD_SECURITY_TOKEN: BENCH_CREDENTIALS.securityToken,
    PACING_ACCOUNT: 'bench',
    ...(withRedis ? { REDIS_URL: redis.url } : {}),
  };
  const workers = shares.map(() => startWorker(env));
  await Promise.all(workers.map((worker) => worker.ready));
  const logBefore = (await api.requests()).length;
  workers.forEach((worker, index) => worker.child.send({ type: 'go', plans: shares[index] }));
  const reports = await Promise.all(workers.map((worker) => worker.done));
  const log = (await api.requests()).slice(logBefore).filter((entry) => entry.Action === 'AddCasterEpisodeGroup');

  const outcomes = reports.flatMap((report) => report.outcomes);
  const succeeded = outcomes.filter((outcome) => outcome.ok);
  const firstSendMs = Math.min(...outcomes.map((outcome) => outcome.startedAtMs));
  const lastAnswerMs = Math.max(...outcomes.map((outcome) => outcome.answeredAtMs));
  const batchSeconds = (lastAnswerMs - firstSendMs) / 1000;
  const admitted = log.filter((entry) => entry.Verdict === 'ok').map((entry) => Date.parse(entry.Time));
  const steadySeconds = admitted.length > 1 ? (Math.max(...admitted) - Math.min(...admitted)) / 1000 : Number.NaN;
  const firstApiRequestMs = Math.min(...log.map((entry) => Date.parse(entry.Time)));
  const distinctTokens = new Set(log.map((entry) => entry.ClientToken)).size;
  const failureCodes = {};
  for (const outcome of outcomes.filter((candidate) => !candidate.ok)) failureCodes[outcome.code] = (failureCodes[outcome.code] ?? 0) + 1;
  return {
    run: runIndex,
    succeeded: succeeded.length,
    failed: outcomes.length - succeeded.length,
    failureCodes,
    rate: succeeded.length / batchSeconds,
    rateFromFirstRequest: succeeded.length / ((lastAnswerMs - firstApiRequestMs) / 1000),
    startupSeconds: (firstApiRequestMs - firstSendMs) / 1000,
    steadyRate: (admitted.length - 1) / steadySeconds,
    throttled: log.filter((entry) => entry.Verdict === 'Throttling.User').length,
    otherErrors: log.filter((entry) => entry.Verdict !== 'ok' && entry.Verdict !== 'Throttling.User').length,
    retries: reports.reduce((sum, report) => sum + report.counts.retried, 0),
    extraAttempts: log.length - distinctTokens,
    redisFallbacks: reports.reduce((sum, report) => sum + report.counts.redisFallback, 0),
    batchSeconds,
  };
}

const configurations = [false, true].flatMap((withRedis) => PROCESS_COUNTS.map((processes) => ({ processes, withRedis })));
const results = new Map(configurations.map((configuration) => [configuration, []]));
const started = Date.now();
try {
  for (let run = 0; run < RUNS; run += 1) {
    for (const configuration of configurations) {
      results.get(configuration).push(await runConfiguration(configuration, run));
      await sleep(PAUSE_BETWEEN_RUNS_MS);
    }
  }

  const label = ({ processes, withRedis }) =>
    `${processes} process${processes > 1 ? 'es' : ''}, ${withRedis ? 'Redis pacing' : 'each paces alone'}`;
  const cell = (values, digits = 1, suffix = '') => {
    const { median, min, max } = summarize(values);
    return `${fixed(median, digits)}${suffix} [${fixed(min, digits)}-${fixed(max, digits)}]`;
  };
  console.log(`## ${BATCH} AddCasterEpisodeGroup per run, ${RUNS} runs per configuration (interleaved): median [min-max]`);
  console.log(
    `emulator ${api.url} at its real limit (${CEILING_PER_SECOND}/s AddCasterEpisodeGroup per account, sliding 1 s window); redis-server ${redis.version} on ${redis.url}.`,
  );
  console.log(
    'achieved = successful groups / (last answer - first send), "first send" being the first scheduleCarousel call (the goal is judged on this);',
  );
  console.log(
    'to 1st request = first send -> first request at the emulator (pacer set-up: with REDIS_URL, loading ioredis and connecting);',
  );
  console.log(
    '% from 1st request = the same rate counted from the first request the emulator received; steady = (admitted - 1) / (last - first admission).',
  );
  console.log('');
  printTable(
    [
      'configuration',
      'succeeded',
      'achieved /s',
      '% of 4/s',
      'to 1st request s',
      '% from 1st request',
      'steady /s',
      'throttled',
      'retries',
      'extra attempts (emulator)',
      'batch s',
    ],
    configurations.map((configuration) => {
      const rows = results.get(configuration);
      return [
        label(configuration),
        cell(
          rows.map((row) => row.succeeded),
          0,
          `/${BATCH}`,
        ),
        cell(
          rows.map((row) => row.rate),
          2,
        ),
        cell(
          rows.map((row) => (100 * row.rate) / CEILING_PER_SECOND),
          0,
          '%',
        ),
        cell(
          rows.map((row) => row.startupSeconds),
          2,
        ),
        cell(
          rows.map((row) => (100 * row.rateFromFirstRequest) / CEILING_PER_SECOND),
          0,
          '%',
        ),
        cell(
          rows.map((row) => row.steadyRate),
          2,
        ),
        cell(
          rows.map((row) => row.throttled),
          0,
        ),
        cell(
          rows.map((row) => row.retries),
          0,
        ),
        cell(
          rows.map((row) => row.extraAttempts),
          0,
        ),
        cell(
          rows.map((row) => row.batchSeconds),
          2,
        ),
      ];
    }),
  );
  console.log('');
  for (const configuration of configurations) {
    for (const row of results.get(configuration)) {
      const extras = [];
      if (row.failed > 0)
        extras.push(
          `failed ${row.failed} (${Object.entries(row.failureCodes)
            .map(([code, count]) => `${code} x${count}`)
            .join(', ')})`,
        );
      if (row.otherErrors > 0) extras.push(`other error verdicts ${row.otherErrors}`);
      if (row.redisFallbacks > 0) extras.push(`Redis fallbacks ${row.redisFallbacks}`);
      if (extras.length > 0) console.log(`${label(configuration)}, run ${row.run + 1}: ${extras.join('; ')}`);
    }
  }
  console.log('');
  console.log(
    `## Goal: >= ${GOAL_SHARE * 100}% of the 4/s ceiling with no throttled request, at ${PROCESS_COUNTS.join(', ')} processes with Redis`,
  );
  for (const configuration of configurations.filter((candidate) => candidate.withRedis)) {
    const rows = results.get(configuration);
    const met = rows.filter((row) => row.rate >= GOAL_SHARE * CEILING_PER_SECOND && row.throttled === 0 && row.failed === 0).length;
    const medianShare = summarize(rows.map((row) => row.rate / CEILING_PER_SECOND)).median;
    const metFromFirstRequest = rows.filter(
      (row) => row.rateFromFirstRequest >= GOAL_SHARE * CEILING_PER_SECOND && row.throttled === 0 && row.failed === 0,
    ).length;
    console.log(
      `${label(configuration)}: met in ${met}/${rows.length} runs (median ${fixed(medianShare * 100, 0)}%, throttled total ${rows.reduce((sum, row) => sum + row.throttled, 0)}) -> ${met === rows.length ? 'MET' : 'NOT MET'}` +
        ` (counted from the first API request instead: met in ${metFromFirstRequest}/${rows.length})`,
    );
  }
  const ideal = BATCH / (((BATCH - 1) * Math.ceil(1000 / (CEILING_PER_SECOND * 0.9))) / 1000);
  console.log(
    `(the pacer spaces calls ${Math.ceil(1000 / (CEILING_PER_SECOND * 0.9))} ms apart, 10% under the limit: a perfect run of ${BATCH} reaches at most ${fixed(ideal, 2)}/s = ${fixed((100 * ideal) / CEILING_PER_SECOND, 0)}% by this measure)`,
  );
  console.log(`total time ${fixed((Date.now() - started) / 1000, 0)} s`);
} finally {
  await api.close();
  await redis.stop();
}
