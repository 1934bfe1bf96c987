// Cold start of each built function next to a conventional handler, in the same run.
//
// Each sample is a fresh `node` process laid out like Function Compute (code folder as cwd, the layer only on
// NODE_PATH, FC_* variables, STS credentials in context.credentials). Inside it, process.hrtime.bigint() runs
// from just before `require(handler file)` to the end of `initialize(context)` (when the function has one) plus
// the first `handler(Buffer event, context)`. Every handler does the same network calls against a local Live
// API emulator at its real limits: DescribeCasterConfig (our functions: in `initialize`, which warms the studio
// cache; the conventional handler: in the handler) and one AddCasterEpisodeGroup with a fresh ClientToken.
// Runs start at least 300 ms apart, so the emulator's 4/s AddCasterEpisodeGroup limit is never reached.
// Variants are interleaved round by round after one discarded warm-up round. An empty child is Node's own boot.
// The floor (bench/floor/index.js) loads only Node's http, https and crypto and makes the same two calls in the
// same places (DescribeCasterConfig in its initializer): what the layer costs is its time above the floor's.
//
// Usage: npm run build && node bench/cold-start.mjs [--runs 21]
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { BENCH_CREDENTIALS, startBenchEmulator, verdictCounts } from './lib/emulator.mjs';
import { benchPlan, cloudEvent, fcContext, httpTriggerEvent, timerEvent } from './lib/fc-events.mjs';
import { runColdStart } from './lib/fc-process.mjs';
import { conventionalCodeDir, functionCodeDir, repoRoot, requireBuild, shown } from './lib/layout.mjs';
import { fixed, numberArgument, printHeader, printTable, sleep, summarize } from './lib/report.mjs';

const RUNS = Math.max(15, numberArgument('--runs', 21));
const MIN_SPACING_MS = 300;

requireBuild();
printHeader('cold-start: built functions vs a conventional handler (fresh process each run)', import.meta.url);

const api = await startBenchEmulator();
const env = { LIVE_ENDPOINT: api.url, CASTER_ID: api.casterId };

const fcJob = (name, event, tag) => ({
  handlerFile: 'index.js',
  handlerExport: 'handler',
  initializer: 'initialize',
  initContext: fcContext({ name, credentials: BENCH_CREDENTIALS }),
  event: JSON.stringify(event),
  context: fcContext({ name, credentials: BENCH_CREDENTIALS, requestId: `bench-${tag}` }),
});

const httpEvent = (tag) => httpTriggerEvent({ plan: benchPlan({ casterId: api.casterId, tag }), idempotencyKey: `bench-${tag}` });

const VARIANTS = [
  {
    name: 'empty node child (boot baseline)',
    codeDir: conventionalCodeDir,
    callsApi: false,
    job: () => ({ empty: true }),
    check: () => true,
  },
  {
    name: 'http (dist/functions/http + layer)',
    codeDir: functionCodeDir('http'),
    callsApi: true,
    job: (tag) => fcJob('caster-carousel-http', httpEvent(tag), tag),
    check: (result) => result?.statusCode === 201,
  },
  {
    name: 'timer (dist/functions/timer + layer)',
    codeDir: functionCodeDir('timer'),
    callsApi: true,
    job: (tag) => fcJob('caster-carousel-timer', timerEvent({ plan: benchPlan({ casterId: api.casterId, tag }) }), tag),
    check: (result) => typeof result?.ProgramId === 'string',
  },
  {
    name: 'event (dist/functions/event + layer)',
    codeDir: functionCodeDir('event'),
    callsApi: true,
    job: (tag) => fcJob('caster-carousel-event', cloudEvent({ plan: benchPlan({ casterId: api.casterId, tag }) }), tag),
    check: (result) => result?.outcomes?.[0]?.status === 'scheduled',
  },
  {
    name: 'floor: node:http/https/crypto only, the same two calls',
    codeDir: join(repoRoot, 'bench/floor'),
    callsApi: true,
    floor: true,
    job: (tag) => fcJob('floor-http', httpEvent(tag), tag),
    check: (result) => result?.statusCode === 201,
  },
  {
    name: 'conventional (pop-core + ajv compile at load), HTTP event',
    codeDir: conventionalCodeDir,
    callsApi: true,
    conventional: true,
    job: (tag) => ({
      handlerFile: 'index.js',
      handlerExport: 'handler',
      event: JSON.stringify(httpEvent(tag)),
      context: fcContext({ name: 'conventional-http', credentials: BENCH_CREDENTIALS, initializer: null, requestId: `bench-${tag}` }),
    }),
    check: (result) => result?.statusCode === 201,
  },
];

const runId = randomUUID().slice(0, 8);
const samples = new Map(VARIANTS.map((variant) => [variant.name, []]));
const failures = [];
let lastApiRunStartedAt = 0;

async function runOnce(variant, round) {
  const tag = `${runId}-${round}-${VARIANTS.indexOf(variant)}`;
  if (variant.callsApi) {
    const waitMs = lastApiRunStartedAt + MIN_SPACING_MS - Date.now();
    if (waitMs > 0) await sleep(waitMs);
    lastApiRunStartedAt = Date.now();
  }
  const outcome = await runColdStart({ name: variant.name, codeDir: variant.codeDir, env, job: variant.job(tag) });
  if (!outcome.ok || !variant.check(outcome.result)) {
    failures.push(`${variant.name} round ${round}: ${JSON.stringify(outcome.error ?? outcome.result)}`);
  }
  return outcome;
}

try {
  for (const variant of VARIANTS) await runOnce(variant, 'warmup'); // discarded: fills the OS file cache
  for (let round = 0; round < RUNS; round += 1) {
    for (const variant of VARIANTS) samples.get(variant.name).push(await runOnce(variant, round));
  }

  const log = await api.requests();
  const counts = verdictCounts(log);
  const groups = (await api.episodeGroups()).length;
  const throttled = log.filter((entry) => entry.Verdict.startsWith('Throttling')).length;

  const conventional = samples.get(VARIANTS.find((variant) => variant.conventional).name);
  const conventionalMedian = summarize(conventional.map((sample) => sample.totalMs)).median;
  const conventionalWall = summarize(conventional.map((sample) => sample.wallMs)).median;
  const emptyWall = summarize(samples.get(VARIANTS[0].name).map((sample) => sample.wallMs)).median;

  console.log(
    `## Cold start: load + initialize + first invocation (${RUNS} fresh processes per row, interleaved, after 1 discarded round)`,
  );
  console.log('in-child ms = process.hrtime.bigint() from just before require(handler file) to the first answer (initialize included);');
  console.log('wall ms = spawn to exit seen by the parent (Node boot + the above + exit). ratio = median / conventional median.');
  console.log(
    `emulator: ${api.url} at its real limits (4/s AddCasterEpisodeGroup, 15/s DescribeCasterConfig); runs >= ${MIN_SPACING_MS} ms apart; LOG_LEVEL unset (info, the default).`,
  );
  console.log('');
  printTable(
    [
      'function',
      'median ms',
      'min',
      'max',
      'ratio',
      'load ms',
      'initialize ms',
      '1st invoke ms',
      'wall median ms',
      'wall ratio',
      'modules',
    ],
    VARIANTS.map((variant) => {
      const rows = samples.get(variant.name);
      if (variant.callsApi === false) {
        const wall = summarize(rows.map((sample) => sample.wallMs));
        return [
          variant.name,
          '-',
          '-',
          '-',
          '-',
          '-',
          '-',
          '-',
          `${fixed(wall.median)} (min ${fixed(wall.min)}, max ${fixed(wall.max)})`,
          fixed(wall.median / conventionalWall, 2),
          '-',
        ];
      }
      const total = summarize(rows.map((sample) => sample.totalMs));
      return [
        variant.name,
        fixed(total.median),
        fixed(total.min),
        fixed(total.max),
        fixed(total.median / conventionalMedian, 2),
        fixed(summarize(rows.map((sample) => sample.loadMs)).median),
        fixed(summarize(rows.map((sample) => sample.initializeMs)).median),
        fixed(summarize(rows.map((sample) => sample.invokeMs)).median),
        fixed(summarize(rows.map((sample) => sample.wallMs)).median),
        fixed(summarize(rows.map((sample) => sample.wallMs)).median / conventionalWall, 2),
        String(rows[0].modules),
      ];
    }),
  );
  console.log('');
  console.log(
    `emulator saw: ${Object.entries(counts)
      .map(([key, count]) => `${key} x${count}`)
      .join(', ')}; throttled: ${throttled}`,
  );
  console.log(
    `episode groups the emulator holds: ${groups} (expected ${(RUNS + 1) * 5}: a distinct one per run of the 5 API-calling rows, warm-up round included)`,
  );
  if (failures.length > 0) {
    console.log(`FAILED RUNS (${failures.length}):`);
    for (const failure of failures.slice(0, 10)) console.log(`  ${failure}`);
    process.exitCode = 1;
  }

  console.log('');
  console.log("## Goal: a quarter of the conventional handler's time or less");
  for (const variant of VARIANTS.filter((candidate) => candidate.callsApi && !candidate.conventional && !candidate.floor)) {
    const rows = samples.get(variant.name);
    const ratio = summarize(rows.map((sample) => sample.totalMs)).median / conventionalMedian;
    const wallRatio = summarize(rows.map((sample) => sample.wallMs)).median / conventionalWall;
    const wallNetRatio = (summarize(rows.map((sample) => sample.wallMs)).median - emptyWall) / (conventionalWall - emptyWall);
    console.log(
      `${variant.name}: in-child ${fixed(ratio * 100, 1)}% of conventional -> ${ratio <= 0.25 ? 'MET' : 'NOT MET'}; ` +
        `wall ${fixed(wallRatio * 100, 1)}% (${fixed(wallNetRatio * 100, 1)}% once the empty child's ${fixed(emptyWall)} ms is subtracted from both)`,
    );
  }
  console.log('');
  console.log('## Against the floor (the same two calls with nothing but node:http/https/crypto)');
  const floorRows = samples.get(VARIANTS.find((candidate) => candidate.floor).name);
  const floorMedian = summarize(floorRows.map((sample) => sample.totalMs)).median;
  const floorLoad = summarize(floorRows.map((sample) => sample.loadMs)).median;
  for (const variant of VARIANTS.filter((candidate) => candidate.callsApi && !candidate.conventional && !candidate.floor)) {
    const rows = samples.get(variant.name);
    const total = summarize(rows.map((sample) => sample.totalMs)).median;
    const load = summarize(rows.map((sample) => sample.loadMs)).median;
    console.log(
      `${variant.name}: ${fixed(total)} ms against the floor's ${fixed(floorMedian)} ms: +${fixed(total - floorMedian)} ms (${fixed(total / floorMedian, 2)}x); load ${fixed(load)} ms against ${fixed(floorLoad)} ms`,
    );
  }
  console.log(
    `(code folders: ${VARIANTS.slice(1)
      .map((variant) => shown(variant.codeDir))
      .join(', ')}; layer on NODE_PATH: dist/layer/nodejs/node_modules)`,
  );
} finally {
  await api.close();
}
