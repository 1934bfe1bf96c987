// Throughput of the account's AddCasterEpisodeGroup limit (4/s) shared by the deployed functions, as s.yaml
// ships them, under a mixed burst, without Redis, with Redis, and while Redis is stopped or stalled; with the
// earlier configurations as the baseline, in the same run.
//
// One Live API emulator at its real limits (sliding one-second window per account), one redis-server on
// loopback. Two kinds of rows:
// - through the local FC host (local/fc-host.ts): the three built functions, scaled the way FC scales them
//   (a new instance when concurrent requests exceed instanceConcurrency, up to the instance cap, each running
//   its own initializer), fed FC 3.0 events at once: HTTP trigger events, timer ticks and EventBridge
//   CloudEvents. "shipped" reads instanceConcurrency, concurrencyConfig.reservedConcurrency and PACING_SHARE from
//   s.yaml; "FC defaults" is FC's default (one request per instance, here up to 16 instances) with no share.
//   Each function is warmed with one invalid plan (no API call) before the burst.
// - "N instances, each paces alone" (the earlier baseline): the whole burst to the HTTP function, scaled so it
//   spreads over N instances (instanceConcurrency = batch / N, cap N), each pacing at the whole limit.
// Steady rows: instead of one burst (whose slots are all reserved the moment it arrives), 8 senders (4 HTTP,
// 2 timer, 2 event) each send their next plan as soon as the last is answered, --stream plans in all, so
// requests keep arriving throughout. Outage rows are steady rows during which Redis is killed (then restarted
// on the same port, its keys lost) or frozen with SIGSTOP (then SIGCONT), from --outage-start-ms for --outage-ms.
// Per run: achieved = successful groups / (last answer - first send), against the 4/s ceiling; throttled =
// `Throttling.User` verdicts in the emulator's log; failed = plans not scheduled after the functions' retries.
// Every configuration runs --runs times, interleaved; the table shows median [min-max].
//
// Usage: npm run build && node bench/fleet-throughput.mjs [--runs 3] [--batch 40] [--stream 60] [--outage-ms 10000] [--outage-start-ms 2000]
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { startBenchEmulator } from './lib/emulator.mjs';
import { sendMixedBurst, sendSteadyStream, startHostFunctions } from './lib/host-burst.mjs';
import { devKit, repoRoot, requireBuild } from './lib/layout.mjs';
import { startRedisServer } from './lib/redis.mjs';
import { fixed, numberArgument, printHeader, printTable, sleep, summarize } from './lib/report.mjs';

const RUNS = numberArgument('--runs', 3);
const BATCH = numberArgument('--batch', 40);
const STREAM = numberArgument('--stream', 60);
const STREAM_SENDERS = { http: 4, timer: 2, event: 2 };
const OUTAGE_MS = numberArgument('--outage-ms', 10_000);
const OUTAGE_START_MS = numberArgument('--outage-start-ms', 2_000);
const CEILING_PER_SECOND = 4;
const GOAL_SHARE = 0.9;
const PAUSE_BETWEEN_RUNS_MS = 1_500; // lets the emulator's 1 s window and the Redis schedule empty out
const AS_LANDED_MAX_INSTANCES = 16;

requireBuild();
printHeader('fleet-throughput: the deployed functions sharing the 4/s AddCasterEpisodeGroup limit', import.meta.url);

const api = await startBenchEmulator();
const redis = await startRedisServer();
const shipped = devKit().readFunctionDeployments(join(repoRoot, 's.yaml'));

/** The batch split between the functions: in proportion to their shares, or evenly. */
function mixOf(kind) {
  if (kind === 'http') return { http: BATCH, timer: 0, event: 0 };
  if (kind === 'even') {
    const third = Math.floor(BATCH / 3);
    return { http: BATCH - 2 * third, timer: third, event: third };
  }
  const shares = Object.fromEntries(['http', 'timer', 'event'].map((name) => [name, Number(shipped[name].pacingEnv.PACING_SHARE ?? 1)]));
  const total = shares.http + shares.timer + shares.event;
  const timer = Math.round((BATCH * shares.timer) / total);
  const event = Math.round((BATCH * shares.event) / total);
  return { http: BATCH - timer - event, timer, event };
}

const hostConfigurations = [
  { label: 'FC defaults: 1 request per instance, each paces alone, no Redis', deployment: 'landed', mix: 'shares' },
  { label: 'shipped, no Redis, burst split like the shares', deployment: 'shipped', mix: 'shares' },
  { label: 'shipped, no Redis, burst split evenly', deployment: 'shipped', mix: 'even' },
  { label: 'shipped, Redis, burst split like the shares', deployment: 'shipped', mix: 'shares', redis: true },
  { label: 'shipped, Redis, burst split evenly', deployment: 'shipped', mix: 'even', redis: true },
  { label: 'shipped, Redis, steady stream', deployment: 'shipped', stream: true, redis: true },
  {
    label: `shipped, steady stream, Redis killed for ${OUTAGE_MS / 1000} s`,
    deployment: 'shipped',
    stream: true,
    redis: true,
    outage: 'kill',
  },
  {
    label: `shipped, steady stream, Redis stalled (SIGSTOP) ${OUTAGE_MS / 1000} s`,
    deployment: 'shipped',
    stream: true,
    redis: true,
    outage: 'stall',
  },
];
const baselineConfigurations = [4, 20].map((instances) => ({
  deployment: 'alone',
  instances,
  mix: 'http',
  label: `${instances} HTTP instances, each paces alone (earlier baseline)`,
}));
// --only TEXT keeps the rows whose label contains TEXT (to look at a few rows; the README's table runs them all).
const onlyIndex = process.argv.indexOf('--only');
const only = onlyIndex === -1 ? undefined : process.argv[onlyIndex + 1];
const configurations = [...hostConfigurations, ...baselineConfigurations].filter(
  (configuration) => only === undefined || configuration.label.includes(only),
);

function hostSettings({ deployment, redis: withRedis, instances }, accountKey) {
  const scaling = {};
  const env = {};
  for (const name of ['http', 'timer', 'event']) {
    const pacing = { PACING_ACCOUNT: accountKey, ...(withRedis ? { REDIS_URL: redis.url } : {}) };
    if (deployment === 'shipped') {
      scaling[name] = shipped[name].scaling;
      env[name] = { ...shipped[name].pacingEnv, ...pacing };
    } else if (deployment === 'alone') {
      scaling[name] = { instanceConcurrency: Math.ceil(BATCH / instances), maxInstances: instances };
      env[name] = pacing;
    } else {
      scaling[name] = { instanceConcurrency: 1, maxInstances: AS_LANDED_MAX_INSTANCES };
      env[name] = pacing;
    }
  }
  return { scaling, env };
}

async function causeOutage(kind) {
  await sleep(OUTAGE_START_MS);
  if (kind === 'kill') {
    await redis.kill();
    await sleep(OUTAGE_MS);
    await redis.restart();
  } else {
    redis.pause();
    await sleep(OUTAGE_MS);
    redis.resume();
  }
}

async function runThroughHost(configuration) {
  const tag = randomUUID().slice(0, 8);
  const host = startHostFunctions({ api, ...hostSettings(configuration, `bench-${tag}`) });
  try {
    await host.warmUp();
    await sleep(PAUSE_BETWEEN_RUNS_MS);
    const logBefore = (await api.requests()).length;
    const outage = configuration.outage ? causeOutage(configuration.outage) : Promise.resolve();
    const outcomes = configuration.stream
      ? await sendSteadyStream(host, { senders: STREAM_SENDERS, total: STREAM, tag, studio: api.studio })
      : await sendMixedBurst(host, { mix: mixOf(configuration.mix), tag, studio: api.studio });
    await outage;
    const log = (await api.requests()).slice(logBefore).filter((entry) => entry.Action === 'AddCasterEpisodeGroup');
    const instances = Object.fromEntries(Object.entries(host.functions).map(([name, fn]) => [name, fn.stats().instancesStarted]));
    return summarizeRun(outcomes, log, { retries: host.counts.retried, redisFallbacks: host.counts.redisFallback, instances });
  } finally {
    await host.close();
  }
}

function summarizeRun(outcomes, log, extra) {
  const succeeded = outcomes.filter((outcome) => outcome.ok).length;
  const perTrigger = { http: 0, timer: 0, event: 0 };
  for (const outcome of outcomes) if (outcome.trigger) perTrigger[outcome.trigger] += 1;
  const firstSendMs = Math.min(...outcomes.map((outcome) => outcome.startedAtMs));
  const lastAnswerMs = Math.max(...outcomes.map((outcome) => outcome.answeredAtMs));
  const batchSeconds = (lastAnswerMs - firstSendMs) / 1000;
  return {
    succeeded,
    failed: outcomes.length - succeeded,
    rate: succeeded / batchSeconds,
    throttled: log.filter((entry) => entry.Verdict === 'Throttling.User').length,
    otherErrors: log.filter((entry) => entry.Verdict !== 'ok' && entry.Verdict !== 'Throttling.User').length,
    batchSeconds,
    perTrigger,
    ...extra,
  };
}

const results = new Map(configurations.map((configuration) => [configuration, []]));
const started = Date.now();
try {
  for (let run = 0; run < RUNS; run += 1) {
    for (const configuration of configurations) {
      const row = await runThroughHost(configuration);
      results.get(configuration).push(row);
      await sleep(PAUSE_BETWEEN_RUNS_MS);
    }
  }

  const cell = (values, digits = 1, suffix = '') => {
    const { median, min, max } = summarize(values);
    return `${fixed(median, digits)}${suffix} [${fixed(min, digits)}-${fixed(max, digits)}]`;
  };
  const instancesCell = (rows) =>
    ['http', 'timer', 'event'].map((name) => fixed(summarize(rows.map((row) => row.instances[name])).max, 0)).join(' / ');
  const mixCell = (configuration) => {
    if (configuration.stream) {
      const counts = ['http', 'timer', 'event'].map(
        (name) => summarize(results.get(configuration).map((row) => row.perTrigger[name])).median,
      );
      return `${counts.join(' / ')} (${STREAM_SENDERS.http}/${STREAM_SENDERS.timer}/${STREAM_SENDERS.event} senders)`;
    }
    const mix = mixOf(configuration.mix);
    return `${mix.http} / ${mix.timer} / ${mix.event}`;
  };
  console.log(
    `## ${BATCH} AddCasterEpisodeGroup per burst (${STREAM} per steady stream), ${RUNS} runs per configuration (interleaved): median [min-max]`,
  );
  console.log(
    `emulator ${api.url} at its real limit (${CEILING_PER_SECOND}/s AddCasterEpisodeGroup per account, sliding 1 s window); redis-server ${redis.version} on ${redis.url}.`,
  );
  const shares = ['http', 'timer', 'event'].map((name) => shipped[name].pacingEnv.PACING_SHARE ?? '1').join(' / ');
  const scaling = ['http', 'timer', 'event']
    .map((name) => `${shipped[name].scaling.instanceConcurrency} x ${shipped[name].scaling.maxInstances}`)
    .join(' / ');
  console.log(`shipped (s.yaml): PACING_SHARE ${shares}; instanceConcurrency x instance cap ${scaling} (http / timer / event).`);
  console.log(
    'achieved = successful groups / (last answer - first send); plans per function and instances started are http / timer / event.',
  );
  console.log('');
  printTable(
    [
      'configuration',
      'plans http/timer/event',
      'succeeded',
      'achieved /s',
      '% of 4/s',
      'throttled',
      'failed',
      'retries',
      'instances started',
      'batch s',
    ],
    configurations.map((configuration) => {
      const rows = results.get(configuration);
      return [
        configuration.label,
        mixCell(configuration),
        cell(
          rows.map((row) => row.succeeded),
          0,
          `/${configuration.stream ? STREAM : BATCH}`,
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
          rows.map((row) => row.throttled),
          0,
        ),
        cell(
          rows.map((row) => row.failed),
          0,
        ),
        cell(
          rows.map((row) => row.retries),
          0,
        ),
        instancesCell(rows),
        cell(
          rows.map((row) => row.batchSeconds),
          2,
        ),
      ];
    }),
  );
  console.log('');
  for (const configuration of configurations) {
    for (const [index, row] of results.get(configuration).entries()) {
      const extras = [];
      if (row.otherErrors > 0) extras.push(`other error verdicts ${row.otherErrors}`);
      if (row.redisFallbacks > 0) extras.push(`"Redis pacing unavailable" warnings ${row.redisFallbacks}`);
      if (extras.length > 0) console.log(`${configuration.label}, run ${index + 1}: ${extras.join('; ')}`);
    }
  }
  console.log('');
  console.log(`## Goal: >= ${GOAL_SHARE * 100}% of the 4/s ceiling, no throttled request, no failure, for the shipped configuration`);
  for (const configuration of configurations.filter((candidate) => candidate.deployment === 'shipped')) {
    const rows = results.get(configuration);
    const met = rows.filter((row) => row.rate >= GOAL_SHARE * CEILING_PER_SECOND && row.throttled === 0 && row.failed === 0).length;
    console.log(`${configuration.label}: met in ${met}/${rows.length} runs -> ${met === rows.length ? 'MET' : 'NOT MET'}`);
  }
  const intervalMs = Math.ceil(1000 / (CEILING_PER_SECOND * 0.9));
  const ideal = BATCH / (((BATCH - 1) * intervalMs) / 1000);
  console.log(
    `(paced ${intervalMs} ms apart, 10% under the limit, a perfect run of ${BATCH} reaches at most ${fixed(ideal, 2)}/s = ${fixed((100 * ideal) / CEILING_PER_SECOND, 0)}% by this measure)`,
  );
  console.log(`total time ${fixed((Date.now() - started) / 1000, 0)} s`);
} finally {
  await api.close();
  await redis.stop();
}
