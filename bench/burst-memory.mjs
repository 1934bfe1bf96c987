// Peak memory of one HTTP function instance under a burst of concurrent requests, beside the conventional
// handler under the same burst, in the same run.
//
// Each run starts a fresh FC-style instance (code folder as cwd, layer on NODE_PATH; our function also runs its
// initializer, which warms the studio configuration), then delivers N HTTP trigger events at once (N = 50 and 200;
// FC 3.0 allows up to 200 concurrent requests per instance), each a valid plan with its own Idempotency-Key, so
// every one is a distinct episode group. The events go straight to the instance over IPC, as the FC front end
// would hand them over; no HTTP server sits in between. The function timeout in the context is 120 s, so our
// requests can wait in the pacer: at the emulator's real limit of 4/s AddCasterEpisodeGroup (paced at 3.6/s) a
// burst of 200 takes about 55 s to drain. The conventional handler has no pacer and no retries, so the emulator
// throttles most of its burst at once (DescribeCasterConfig at 15/s, then AddCasterEpisodeGroup at 4/s).
// Memory, as reported by the instance itself: `process.resourceUsage().maxRSS` (peak resident set) and the peak
// of `process.memoryUsage().heapUsed` sampled every 5 ms and at every invocation start and end.
//
// Usage: npm run build && node bench/burst-memory.mjs [--runs 3] [--bursts 50,200]
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { BENCH_CREDENTIALS, startBenchEmulator } from './lib/emulator.mjs';
import { BENCH_MEMORY_MB, benchPlan, httpTriggerEvent } from './lib/fc-events.mjs';
import { missingCodeDir } from './lib/fc-process.mjs';
import { conventionalCodeDir, devKit, functionCodeDir, layerNodeModulesDir, requireBuild } from './lib/layout.mjs';
import { fixed, listArgument, numberArgument, printHeader, printTable, sleep, summarize } from './lib/report.mjs';

const RUNS = numberArgument('--runs', 3);
const BURSTS = listArgument('--bursts', [50, 200]);
const TIMEOUT_SECONDS = 120;
const PAUSE_BETWEEN_RUNS_MS = 1_500;
// The instance's memory bookkeeping, installed as the runner extension of the dev kit's local FC host.
const MEMORY_HOOKS = fileURLToPath(new URL('./lib/fc-memory-hooks.cjs', import.meta.url));

requireBuild();
printHeader('burst-memory: one HTTP function instance under a burst of concurrent requests vs the conventional handler', import.meta.url);

const api = await startBenchEmulator();
const env = { LIVE_ENDPOINT: api.url, CASTER_ID: api.casterId };

const VARIANTS = [
  {
    name: 'ours: dist/functions/http + layer',
    codeDir: functionCodeDir('http'),
    functionName: 'caster-carousel-http',
    initializer: 'index.initialize',
  },
  {
    name: 'conventional: pop-core + ajv',
    codeDir: conventionalCodeDir,
    functionName: 'conventional-http',
    initializer: null,
  },
];

/** Asks the instance for its memory figures (starting and initializing it first if needed). */
async function memoryOf(instance, stderr) {
  const outcome = await instance.request('memory');
  if (!outcome.ok) throw new Error(`${instance.name} failed: ${outcome.error.errorType}: ${outcome.error.errorMessage} ${stderr()}`);
  return outcome.result;
}

async function runBurst(variant, burst) {
  if (!existsSync(variant.codeDir)) throw missingCodeDir(variant.codeDir);
  let stderr = '';
  const instance = devKit().startFcFunction({
    name: variant.functionName,
    codeDir: variant.codeDir,
    layerNodeModulesDir,
    env,
    initializer: variant.initializer,
    timeoutSeconds: TIMEOUT_SECONDS,
    memoryMb: BENCH_MEMORY_MB,
    credentials: BENCH_CREDENTIALS,
    // The function's logs (stdout) are dropped, as FC ships them away; stderr is kept for error messages.
    onOutput: (text, stream) => {
      if (stream === 'stderr') stderr += text;
    },
    runnerExtension: `require(${JSON.stringify(MEMORY_HOOKS)})(runnerHooks);`,
  });
  try {
    const idle = await memoryOf(instance, () => stderr);
    const logBefore = (await api.requests()).length;
    const tag = randomUUID().slice(0, 8);
    const started = process.hrtime.bigint();
    const replies = await Promise.all(
      Array.from({ length: burst }, (_, index) => {
        const event = httpTriggerEvent({
          plan: benchPlan({ casterId: api.casterId, tag: `${tag}-${index}` }),
          idempotencyKey: `burst-${tag}-${index}`,
        });
        return instance.invoke(JSON.stringify(event));
      }),
    );
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const peak = await memoryOf(instance, () => stderr);
    const log = (await api.requests()).slice(logBefore);
    const answers = {};
    for (const reply of replies) {
      let key;
      if (!reply.ok) key = `error ${reply.error.errorType}`;
      else {
        const body = (() => {
          try {
            return JSON.parse(reply.result.body);
          } catch {
            return {};
          }
        })();
        key = reply.result.statusCode === 201 ? '201' : `${reply.result.statusCode} ${body.Code ?? body.code ?? ''}`.trim();
      }
      answers[key] = (answers[key] ?? 0) + 1;
    }
    return {
      idle,
      peak,
      seconds,
      answers,
      created: answers['201'] ?? 0,
      throttled: log.filter((entry) => entry.Verdict === 'Throttling.User').length,
      calls: log.length,
    };
  } finally {
    await instance.close();
  }
}

const results = new Map();
const key = (variant, burst) => `${variant.name}|${burst}`;
try {
  for (let run = 0; run < RUNS; run += 1) {
    for (const burst of BURSTS) {
      for (const variant of VARIANTS) {
        const list = results.get(key(variant, burst)) ?? [];
        list.push(await runBurst(variant, burst));
        results.set(key(variant, burst), list);
        await sleep(PAUSE_BETWEEN_RUNS_MS);
      }
    }
  }

  const mib = (bytes) => bytes / 2 ** 20;
  const cell = (values, digits = 1) => {
    const { median, min, max } = summarize(values);
    return `${fixed(median, digits)} [${fixed(min, digits)}-${fixed(max, digits)}]`;
  };
  console.log(`## Peak memory of one instance, ${RUNS} runs per row (fresh instance each run, interleaved): median [min-max]`);
  console.log('idle = after load + initialize, before the burst; peak = after the burst has been answered. MiB.');
  console.log(
    `emulator ${api.url} at its real limits (4/s AddCasterEpisodeGroup, 15/s DescribeCasterConfig); function timeout ${TIMEOUT_SECONDS} s.`,
  );
  console.log('');
  printTable(
    ['handler', 'burst', 'maxRSS idle', 'maxRSS peak', 'peak - idle', 'heapUsed peak', 'created', 'throttled calls', 'burst s'],
    BURSTS.flatMap((burst) =>
      VARIANTS.map((variant) => {
        const rows = results.get(key(variant, burst));
        return [
          variant.name,
          String(burst),
          cell(rows.map((row) => row.idle.maxRssKiB / 1024)),
          cell(rows.map((row) => row.peak.maxRssKiB / 1024)),
          cell(rows.map((row) => (row.peak.maxRssKiB - row.idle.maxRssKiB) / 1024)),
          cell(rows.map((row) => mib(row.peak.heapUsedPeakBytes))),
          cell(
            rows.map((row) => row.created),
            0,
          ),
          cell(
            rows.map((row) => row.throttled),
            0,
          ),
          cell(
            rows.map((row) => row.seconds),
            2,
          ),
        ];
      }),
    ),
  );
  console.log('');
  console.log('## What the requests got (all runs)');
  for (const burst of BURSTS) {
    for (const variant of VARIANTS) {
      const totals = {};
      for (const row of results.get(key(variant, burst)))
        for (const [answer, count] of Object.entries(row.answers)) totals[answer] = (totals[answer] ?? 0) + count;
      const peakConcurrency = Math.max(...results.get(key(variant, burst)).map((row) => row.peak.inFlightPeak));
      console.log(
        `${variant.name}, burst ${burst} x ${RUNS}: ${Object.entries(totals)
          .map(([answer, count]) => `${answer}: ${count}`)
          .join(', ')}; at most ${peakConcurrency} invocations in flight`,
      );
    }
  }
} finally {
  await api.close();
}
