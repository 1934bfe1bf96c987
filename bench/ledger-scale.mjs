// Does history slow today's work? For N = 0, 10,000 and 50,000 finished records of history (imported with
// `caster-carousel ledger import`, as a daily timer in 40 studios leaves them), for the JSON-file and the Redis
// ledger, in one run:
//
//   submit --slot   the built CLI, a fresh process: `submit plan.json --slot S` (a new group in a new slot)
//   timer tick      the built timer function, a fresh instance (initialized first): a tick of a new trigger, then
//                   its whole-scope reconciliation
//   switch-over     the same, but the tick's group starts now in the studio's slot `daily`: the group that aired
//                   there is deleted and recorded retired
//   GET /schedule   the built HTTP function, a fresh instance (initialized first)
//   ls, ls --json   the built CLI, a fresh process
//
// Each figure is the median of the rounds (--rounds, default 5), the six ledgers interleaved round by round, and
// its ratio to N = 0 of the same store in the same run. Function times are from the parent: invocation sent to
// answer received, on an instance already started and initialized (as a daily tick meets it after FC's cold start).
// CLI times are the process's wall time. Peak RSS: `process.resourceUsage().maxRSS` of the function instance
// after its invocation, and of the CLI process at exit. Every ledger also holds the same live set: one group on
// air in slot `daily` of each of the 40 studios, made through the emulator. Operations are spaced >= 400 ms apart
// so the pacer (4/s, shared through Redis) never makes one wait. Then `ls` over 10,000 live (open) records of
// each store against `ls` over an empty ledger.
//
// Usage: npm run build && node bench/ledger-scale.mjs [--rounds 5] [--sizes 0,10000,50000] [--ls-runs 5]
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BENCH_CREDENTIALS, startBenchEmulator } from './lib/emulator.mjs';
import { devKit, functionCodeDir, layerNodeModulesDir, repoRoot, requireBuild } from './lib/layout.mjs';
import { loadFromSource } from './lib/load-source.mjs';
import { startRedisServer } from './lib/redis.mjs';
import { fixed, median, numberArgument, printHeader, printTable, sleep } from './lib/report.mjs';

const ROUNDS = numberArgument('--rounds', 5);
const LS_RUNS = numberArgument('--ls-runs', 5);
const SIZES = (() => {
  const index = process.argv.indexOf('--sizes');
  const given =
    index === -1
      ? []
      : String(process.argv[index + 1])
          .split(',')
          .map(Number);
  return given.length > 0 && given.every((n) => Number.isInteger(n) && n >= 0) ? given : [0, 10_000, 50_000];
})();
const STUDIOS = 40;
const LIVE_LS_RECORDS = numberArgument('--live', 10_000);
const SPACING_MS = 400;
const DAY_MS = 86_400_000;
const CLI = join(repoRoot, 'dist/cli/caster-carousel.js');
const MEMORY_HOOKS = fileURLToPath(new URL('./lib/fc-memory-hooks.cjs', import.meta.url));
const MAX_RSS_PRELOAD = fileURLToPath(new URL('./lib/report-max-rss.cjs', import.meta.url));

requireBuild();
printHeader('Ledger scale: today’s work over 0, 10,000 and 50,000 records of history, file and Redis', import.meta.url);

const workDir = mkdtempSync(join(tmpdir(), 'bench-ledger-scale-'));
const layer = await loadFromSource([
  "export { createFileLedgerStore } from './shared/src/ledger/file-ledger-store';",
  "export { createRedisLedgerStore } from './shared/src/ledger/redis-ledger-store';",
  "export { createLedger } from './shared/src/ledger/ledger';",
  "export { ledgerScope } from './shared/src/ledger/ledger-from-environment';",
  "export { recordLine } from './shared/src/ledger/record-line';",
  "export { schedulePlan } from './shared/src/schedule/schedule-plan';",
  "export { openLiveSession } from './shared/src/live/live-session';",
  "export { silentLogger } from './shared/src/logging/logger';",
  "export { planClientToken } from './shared/src/idempotency/trigger-tokens';",
  "export { createLiveClient } from './shared/src/live/live-client';",
  "export { createCasterConfigCache } from './shared/src/live/caster-config-cache';",
  "export { createGcraPacer } from './shared/src/pacing/gcra-pacer';",
]);
const { default: Redis } = await import('ioredis');

const studios = Array.from({ length: STUDIOS }, (_, index) => {
  const n = String(index + 1).padStart(5, '0');
  return {
    CasterId: `LIVEPRODUCER_POST-cn-bench${n}`,
    CasterName: `bench-${n}`,
    CallbackUrl: `http://b${n}.example.com/caster/${n}?auth_key=1893456000-0-0-benchcallback${n}`,
    DomainName: `b${n}.example.com`,
  };
});
const api = await startBenchEmulator({
  casters: studios,
  qps: { AddCasterEpisodeGroup: 100_000, DescribeCasterConfig: 100_000, DeleteCasterEpisodeGroup: 100_000 },
});
const redis = await startRedisServer();
const inspector = new Redis(redis.url);

const items = (tag) => [
  { ItemName: `${tag} part 1`, VodUrl: `https://vod.example.com/${tag}/1.mp4?auth_key=1893456000-0-0-benchvodsecret0001` },
  { ItemName: `${tag} part 2`, VodUrl: `https://vod.example.com/${tag}/2.mp4?auth_key=1893456000-0-0-benchvodsecret0002` },
  { ItemName: 'Station ident', VodUrl: 'https://vod.example.com/ident.mp4' },
];
const iso = (ms) => `${new Date(ms).toISOString().slice(0, 19)}Z`;

/** N finished groups of a daily timer in the 40 studios, the newest ended yesterday, as export lines. */
function historyLines(scope, count, tag) {
  const lines = [];
  const newest = Date.now() - DAY_MS;
  for (let n = 0; n < count; n += 1) {
    const studio = studios[n % STUDIOS];
    const startMs = newest - (Math.floor(n / STUDIOS) + 1) * DAY_MS;
    const token = `cc1-${tag}-${n}`;
    const record = {
      ClientToken: token,
      BaseToken: token,
      Generation: 1,
      ProgramId: `${tag}-program-${n}`,
      ItemIds: [`${tag}-a-${n}`, `${tag}-b-${n}`, `${tag}-c-${n}`],
      Slot: 'daily',
      CasterId: studio.CasterId,
      DomainName: studio.DomainName,
      StartTime: iso(startMs),
      RepeatNum: -1,
      Items: items(`day-${n}`),
      Trigger: { kind: 'timer', triggerName: 'daily', triggerTime: iso(startMs) },
      CreatedAt: new Date(startMs - 60_000).toISOString(),
      UpdatedAt: new Date(startMs + DAY_MS).toISOString(),
      State: n % 25 === 7 ? 'cancelled' : n % 10 === 3 ? 'replaced' : 'retired',
      Version: 4,
      Resolved: { CallbackUrl: studio.CallbackUrl, DomainName: studio.DomainName },
    };
    lines.push(layer.recordLine(scope, record));
  }
  return `${lines.join('\n')}\n`;
}

/** Runs the built CLI (asynchronously: the emulator answers from this process); its wall time and peak RSS. */
function runCli(args, env) {
  const rssFile = join(workDir, `rss-${randomUUID()}`);
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, ['--require', MAX_RSS_PRELOAD, CLI, ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: workDir, TZ: 'UTC', BENCH_MAX_RSS_FILE: rssFile, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const stdout = [];
    let stderr = '';
    child.stdout.on('data', (chunk) => stdout.push(chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (code !== 0) {
        reject(new Error(`caster-carousel ${args.join(' ')} failed (${code}): ${stderr}`));
        return;
      }
      const rssMiB = Number(readFileSync(rssFile, 'utf8')) / 1024;
      rmSync(rssFile, { force: true });
      resolve({ ms, rssMiB, stdout: Buffer.concat(stdout).toString('utf8') });
    });
  });
}

/** One invocation on a fresh, initialized instance of a built function; its time and the instance's peak RSS. */
async function invokeFresh(name, env, event) {
  const host = devKit().startFcFunction({
    name: `caster-carousel-${name}`,
    codeDir: functionCodeDir(name),
    layerNodeModulesDir,
    env: { LIVE_ENDPOINT: api.url, CASTER_ID: studios[0].CasterId, LOG_LEVEL: 'warn', ...env },
    credentials: BENCH_CREDENTIALS,
    timeoutSeconds: 60,
    runnerExtension: `require(${JSON.stringify(MEMORY_HOOKS)})(runnerHooks);`,
    onOutput: () => undefined,
  });
  try {
    const ready = await host.request('memory');
    if (!ready.ok) throw new Error(`${name} did not start: ${ready.error.errorMessage}`);
    const started = process.hrtime.bigint();
    const outcome = await host.invoke(JSON.stringify(event));
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (!outcome.ok) throw new Error(`${name} failed: ${outcome.error.errorType}: ${outcome.error.errorMessage}`);
    const memory = await host.request('memory');
    return { ms, rssMiB: memory.result.maxRssKiB / 1024, result: outcome.result };
  } finally {
    await host.close();
  }
}

const timerEvent = (triggerName, plan) => devKit().timerEvent({ triggerTime: new Date(), triggerName, payload: JSON.stringify(plan) });
const getSchedule = () =>
  devKit().httpTriggerEvent({
    method: 'GET',
    rawPath: '/schedule',
    body: '',
    isBase64Encoded: false,
    headers: { Accept: 'application/json' },
    queryParameters: {},
    domainName: 'bench.cn-shanghai.fcapp.run',
    sourceIp: '127.0.0.1',
    userAgent: 'caster-carousel-bench',
    now: new Date(),
  });

/** The ledger environment of one configuration: its own scope (PACING_ACCOUNT) and, for the file, its own file. */
function configuration(kind, size) {
  const account = `bench-${kind}-${size}`;
  const env = {
    LIVE_ENDPOINT: api.url,
    PACING_ACCOUNT: account,
    ALIBABA_CLOUD_ACCESS_KEY_ID: BENCH_CREDENTIALS.accessKeyId,
    ALIBABA_CLOUD_ACCESS_KEY_SECRET: BENCH_CREDENTIALS.accessKeySecret,
    ALIBABA_CLOUD_SECURITY_TOKEN: BENCH_CREDENTIALS.securityToken,
    ...(kind === 'file' ? { LEDGER_FILE: join(workDir, `${account}.json`) } : { REDIS_URL: redis.url }),
  };
  const scope = layer.ledgerScope({ endpoint: api.url, regionId: 'cn-shanghai', pacingAccount: account });
  return { kind, size, account, env, scope, samples: {} };
}

/** One group on air in slot `daily` of every studio, made through the emulator and written to the ledger. */
async function makeLiveSet(config) {
  const store =
    config.kind === 'file'
      ? layer.createFileLedgerStore({ file: config.env.LEDGER_FILE })
      : layer.createRedisLedgerStore({ redisUrl: redis.url });
  const ledger = layer.createLedger({ store, scope: config.scope });
  const limits = { AddCasterEpisodeGroup: 100_000, DescribeCasterConfig: 100_000, DeleteCasterEpisodeGroup: 100_000 };
  const client = layer.createLiveClient({
    endpoint: api.url,
    credentials: BENCH_CREDENTIALS,
    pacer: layer.createGcraPacer({ limitsPerSecond: limits }),
  });
  const session = layer.openLiveSession(client, { credentials: BENCH_CREDENTIALS, logger: layer.silentLogger });
  const dependencies = { session, configCache: layer.createCasterConfigCache(), ledger };
  const startTime = iso(Date.now() - 30 * 60_000);
  for (const studio of studios) {
    const plan = {
      CasterId: studio.CasterId,
      StartTime: startTime,
      RepeatNum: -1,
      Items: items(`live-${config.account}-${studio.CasterId}`),
    };
    await layer.schedulePlan({ plan, clientToken: layer.planClientToken(plan), trigger: { kind: 'cli' }, slot: 'daily' }, dependencies);
  }
  await ledger.close();
}

const OPERATIONS = ['submit --slot', 'timer tick', 'switch-over', 'GET /schedule', 'ls', 'ls --json'];
const HOT_PATH = new Set(['submit --slot', 'timer tick', 'switch-over', 'GET /schedule']);
let lastOperationAt = 0;
async function spaced(work) {
  const wait = lastOperationAt + SPACING_MS - Date.now();
  if (wait > 0) await sleep(wait);
  lastOperationAt = Date.now();
  return work();
}
function note(config, operation, sample) {
  config.samples[operation] ??= [];
  config.samples[operation].push(sample);
}

/** One round of every operation on one configuration. */
async function round(config, index) {
  const studio = studios[index % STUDIOS];
  const planFile = join(workDir, `plan-${config.account}-${index}.json`);
  writeFileSync(
    planFile,
    JSON.stringify({
      CasterId: studio.CasterId,
      StartTime: iso(Date.now() + 2 * 3_600_000 + index * 60_000),
      RepeatNum: -1,
      Items: items(`submit-${index}`),
    }),
  );
  note(config, 'submit --slot', await spaced(() => runCli(['submit', planFile, '--slot', `adhoc-${index}`, '--json'], config.env)));
  const before = config.kind === 'redis' ? await inspector.config('RESETSTAT') : undefined;
  const tick = await spaced(() =>
    invokeFresh(
      'timer',
      config.env,
      timerEvent(`tick-${index}`, {
        CasterId: studio.CasterId,
        StartTime: iso(Date.now() + 3 * 3_600_000),
        RepeatNum: -1,
        Items: items(`tick-${index}`),
      }),
    ),
  );
  if (before !== undefined) tick.redisCommands = await redisCalls();
  note(config, 'timer tick', tick);
  const switchOver = await spaced(() =>
    invokeFresh(
      'timer',
      config.env,
      timerEvent('daily', {
        CasterId: studio.CasterId,
        StartTime: iso(Date.now() - 5_000),
        RepeatNum: -1,
        Items: items(`switch-${index}`),
      }),
    ),
  );
  if (switchOver.result.Retired?.length !== 1) throw new Error(`the switch-over retired ${JSON.stringify(switchOver.result.Retired)}`);
  note(config, 'switch-over', switchOver);
  const schedule = await spaced(() => invokeFresh('http', config.env, getSchedule()));
  if (schedule.result.statusCode !== 200) throw new Error(`GET /schedule answered ${schedule.result.statusCode}`);
  note(config, 'GET /schedule', schedule);
  note(config, 'ls', await spaced(() => runCli(['ls'], config.env)));
  note(config, 'ls --json', await spaced(() => runCli(['ls', '--json'], config.env)));
}

async function redisCalls() {
  let total = 0;
  for (const line of (await inspector.info('commandstats')).split('\n')) {
    const match = /^cmdstat_([^:]+):calls=(\d+)/.exec(line.trim());
    if (match && match[1] !== 'info' && !match[1].startsWith('config')) total += Number(match[2]);
  }
  return total;
}

try {
  const configs = ['file', 'redis'].flatMap((kind) => SIZES.map((size) => configuration(kind, size)));
  const imports = [];
  for (const config of configs) {
    if (config.size > 0) {
      const file = join(workDir, `history-${config.account}.jsonl`);
      writeFileSync(file, historyLines(config.scope, config.size, config.account));
      const run = await runCli(['ledger', 'import', file, '--json'], config.env);
      imports.push([`${config.kind}, N = ${config.size.toLocaleString('en-US')}`, fixed(run.ms / 1000, 1), fixed(run.rssMiB, 1)]);
      rmSync(file);
    }
    await makeLiveSet(config);
  }
  for (let index = 0; index < ROUNDS; index += 1) {
    for (const config of configs) await round(config, index);
  }

  console.log(
    `## Today's work over N records of history (${ROUNDS} rounds, the ${configs.length} ledgers interleaved; ${STUDIOS} live groups each)`,
  );
  console.log('ms = median; x = ratio to N = 0 of the same store; RSS = peak of the function instance or CLI process, MiB (median).');
  console.log('');
  for (const kind of ['file', 'redis']) {
    const own = configs.filter((config) => config.kind === kind);
    const base = own.find((config) => config.size === 0) ?? own[0];
    console.log(`### ${kind === 'file' ? 'JSON-file ledger' : 'Redis ledger'}`);
    console.log('');
    printTable(
      [
        'operation',
        ...own.flatMap((config) => [`N=${config.size.toLocaleString('en-US')} ms`, ...(config === base ? [] : ['x'])]),
        ...own.map((config) => `RSS N=${config.size.toLocaleString('en-US')}`),
      ],
      OPERATIONS.map((operation) => {
        const baseMs = median(base.samples[operation].map((sample) => sample.ms));
        return [
          operation,
          ...own.flatMap((config) => {
            const ms = median(config.samples[operation].map((sample) => sample.ms));
            return config === base ? [fixed(ms, 1)] : [fixed(ms, 1), fixed(ms / baseMs, 2)];
          }),
          ...own.map((config) => fixed(median(config.samples[operation].map((sample) => sample.rssMiB)), 1)),
        ];
      }),
    );
    if (kind === 'redis') {
      console.log('');
      console.log(
        `Redis commands per timer tick (median): ${own.map((config) => `N=${config.size.toLocaleString('en-US')}: ${median(config.samples['timer tick'].map((sample) => sample.redisCommands))}`).join(', ')}`,
      );
    }
    console.log('');
  }

  console.log('## Goals');
  for (const config of configs.filter((candidate) => candidate.size === Math.max(...SIZES) && candidate.size > 0)) {
    const base = configs.find((candidate) => candidate.kind === config.kind && candidate.size === 0);
    if (!base) continue;
    for (const operation of OPERATIONS.filter((name) => HOT_PATH.has(name))) {
      const ratio =
        median(config.samples[operation].map((sample) => sample.ms)) / median(base.samples[operation].map((sample) => sample.ms));
      console.log(
        `${config.kind}, ${operation} at N=${config.size.toLocaleString('en-US')}: ${fixed(ratio, 2)}x of N=0 -> ${ratio <= 1.5 ? 'MET' : 'NOT MET'} (goal 1.5x)`,
      );
    }
    const functionRss = Math.max(
      ...['timer tick', 'switch-over', 'GET /schedule'].flatMap((operation) => config.samples[operation].map((sample) => sample.rssMiB)),
    );
    console.log(
      `${config.kind}, highest function instance RSS at N=${config.size.toLocaleString('en-US')}: ${fixed(functionRss, 1)} MiB -> ${functionRss < 128 ? 'MET' : 'NOT MET'} (goal under 128 MiB)`,
    );
  }
  console.log('');
  console.log('## `caster-carousel ledger import` of the history (one run each)');
  console.log('');
  printTable(['ledger, records', 'seconds', 'peak RSS MiB'], imports);
  console.log('');

  // ls over 10,000 live (open) records.
  const lsConfigs = [];
  for (const kind of ['file', 'redis']) {
    const config = configuration(kind, `live-${LIVE_LS_RECORDS}`);
    const file = join(workDir, `live-${config.account}.jsonl`);
    const lines = [];
    for (let n = 0; n < LIVE_LS_RECORDS; n += 1) {
      const studio = studios[n % STUDIOS];
      const startMs = Date.now() + (Math.floor(n / STUDIOS) + 1) * 3_600_000;
      const token = `cc1-live-${kind}-${n}`;
      lines.push(
        layer.recordLine(config.scope, {
          ClientToken: token,
          BaseToken: token,
          Generation: 1,
          ProgramId: `live-${kind}-${n}`,
          ItemIds: [`a-${n}`, `b-${n}`, `c-${n}`],
          Slot: `slot-${n % 5}`,
          CasterId: studio.CasterId,
          DomainName: studio.DomainName,
          StartTime: iso(startMs),
          RepeatNum: -1,
          Items: items(`live-${n}`),
          Trigger: { kind: 'cli' },
          CreatedAt: new Date().toISOString(),
          UpdatedAt: new Date().toISOString(),
          State: 'scheduled',
          Version: 2,
          Resolved: { CallbackUrl: studio.CallbackUrl, DomainName: studio.DomainName },
        }),
      );
    }
    writeFileSync(file, `${lines.join('\n')}\n`);
    await runCli(['ledger', 'import', file], config.env);
    lsConfigs.push(config);
  }
  const emptyEnv = { ...configuration('file', 'empty').env };
  const lsVariants = [
    ['empty file ledger, table (baseline)', ['ls'], emptyEnv],
    ...lsConfigs.flatMap((config) => [
      [`${config.kind}, ${LIVE_LS_RECORDS.toLocaleString('en-US')} live records, table`, ['ls'], config.env],
      [`${config.kind}, ${LIVE_LS_RECORDS.toLocaleString('en-US')} live records, --json`, ['ls', '--json'], config.env],
    ]),
  ];
  const lsTimes = lsVariants.map(() => []);
  for (let run = 0; run < LS_RUNS; run += 1) {
    for (const [index, [, args, env]] of lsVariants.entries()) lsTimes[index].push((await runCli(args, env)).ms);
  }
  console.log(
    `## ls over ${LIVE_LS_RECORDS.toLocaleString('en-US')} live records (${LS_RUNS} runs each, interleaved; wall time of the CLI process)`,
  );
  console.log('');
  printTable(
    ['ledger and output', 'median ms', 'min-max ms', 'goal 300 ms'],
    lsVariants.map(([name], index) => [
      name,
      fixed(median(lsTimes[index]), 0),
      `${fixed(Math.min(...lsTimes[index]), 0)}-${fixed(Math.max(...lsTimes[index]), 0)}`,
      index === 0 ? '-' : median(lsTimes[index]) <= 300 ? 'MET' : 'NOT MET',
    ]),
  );
} finally {
  inspector.disconnect();
  await redis.stop();
  await api.close();
  rmSync(workDir, { recursive: true, force: true });
}
