// What the schedule ledger costs and what it saves, against the local emulator on loopback:
//
//   1. Cost per submission: the same scheduling call (DescribeCasterConfig cached, one AddCasterEpisodeGroup)
//      without a ledger, with the JSON-file ledger and with the Redis ledger (a real redis-server on loopback),
//      variants interleaved round by round; the emulator's and the pacer's limits are raised so pacing does not
//      hide the cost. Median per-submission latency of each round, then the median over rounds.
//   2. `caster-carousel ls` over 10,000 records: wall time of the built CLI as a child process (table and
//      --json), file and Redis, against `ls` over an empty ledger in the same run.
//   3. Batch resume: a batch of 1000 events redelivered as FC would (the same events, each delivery bounded by
//      its deadline), scheduled through the ledger and without it. Time is scaled down 10x (the API limit is 40/s
//      instead of 4/s, the pacer's margin kept, and a 12 s deadline stands for FC's 120 s), so the events that
//      fit in one delivery stay what they would be on FC: about 432.
//
// Run `npm run build` first, then `node bench/ledger.mjs [--rounds N] [--submissions N] [--records N] [--events N]`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BENCH_CREDENTIALS, startBenchEmulator } from './lib/emulator.mjs';
import { repoRoot, requireBuild } from './lib/layout.mjs';
import { loadFromSource } from './lib/load-source.mjs';
import { startRedisServer } from './lib/redis.mjs';
import { fixed, median, numberArgument, printHeader, printTable } from './lib/report.mjs';

requireBuild();
printHeader('Schedule ledger: cost per submission, ls over many records, batch resume', import.meta.url);

const ROUNDS = numberArgument('--rounds', 5);
const SUBMISSIONS = numberArgument('--submissions', 40);
const RECORDS = numberArgument('--records', 10_000);
const EVENTS = numberArgument('--events', 1000);
const LS_RUNS = numberArgument('--ls-runs', 5);
const CLI = join(repoRoot, 'dist/cli/caster-carousel.js');

const workDir = mkdtempSync(join(tmpdir(), 'bench-ledger-'));
// The layer exports only what the handlers compose; the ledger's internals are bundled from source for this script.
const LEDGER_MODULES = `
export { createFileLedgerStore } from './shared/src/ledger/file-ledger-store';
export { createRedisLedgerStore } from './shared/src/ledger/redis-ledger-store';
export { createLedger } from './shared/src/ledger/ledger';
export { ledgerScope } from './shared/src/ledger/ledger-from-environment';
export { schedulePlan } from './shared/src/schedule/schedule-plan';
export { openLiveSession } from './shared/src/live/live-session';
export { recordIndex } from './shared/src/schedule/lifecycle';
export { silentLogger } from './shared/src/logging/logger';
export { cloudEventClientToken, planClientToken } from './shared/src/idempotency/trigger-tokens';
export { createLiveClient } from './shared/src/live/live-client';
export { createCasterConfigCache } from './shared/src/live/caster-config-cache';
export { createGcraPacer } from './shared/src/pacing/gcra-pacer';
`;
const layer = await loadFromSource(LEDGER_MODULES.trim().split('\n'));
const redis = await startRedisServer();
let planCounter = 0;

/** A valid plan, unique per call. */
function plan(extra = {}) {
  planCounter += 1;
  return {
    StartTime: '2031-03-06T19:00:00Z',
    RepeatNum: -1,
    Items: [
      { ItemName: `Episode ${planCounter}`, VodUrl: `https://cdn.example.com/ep${planCounter}.mp4?auth_key=1893456000-0-0-benchsecret` },
      { ItemName: 'Outro', VodUrl: 'https://cdn.example.com/outro.flv' },
    ],
    ...extra,
  };
}

/** What `caster-carousel submit` schedules for a fresh plan. */
function cliRequest() {
  const cliPlan = plan();
  return { plan: cliPlan, clientToken: layer.planClientToken(cliPlan), trigger: { kind: 'cli' } };
}

function ledgerOf(kind, scope, name) {
  if (kind === 'none') return undefined;
  const store =
    kind === 'file'
      ? layer.createFileLedgerStore({ file: join(workDir, `${name}.json`) })
      : layer.createRedisLedgerStore({ redisUrl: redis.url, keyPrefix: `bench:${name}` });
  return layer.createLedger({ store, scope });
}

function dependenciesFor(bench, ledger, limitPerSecond, deadlineAtMs) {
  const limits = {
    AddCasterEpisodeGroup: limitPerSecond,
    DescribeCasterConfig: limitPerSecond * 4,
    DeleteCasterEpisodeGroup: limitPerSecond,
  };
  const client = layer.createLiveClient({
    endpoint: bench.url,
    credentials: BENCH_CREDENTIALS,
    pacer: layer.createGcraPacer({ limitsPerSecond: limits }),
  });
  const session = layer.openLiveSession(client, { credentials: BENCH_CREDENTIALS, deadlineAtMs, logger: layer.silentLogger });
  return { session, configCache: layer.createCasterConfigCache(), defaultCasterId: bench.casterId, ledger };
}

// ---------------------------------------------------------------------------------------------------------------
// 1. Cost per submission
// ---------------------------------------------------------------------------------------------------------------
{
  const bench = await startBenchEmulator({ qps: { AddCasterEpisodeGroup: 100_000, DescribeCasterConfig: 100_000 } });
  const scope = `${bench.url}|cn-shanghai|bench`;
  const kinds = ['none', 'file', 'redis'];
  const ledgers = Object.fromEntries(kinds.map((kind) => [kind, ledgerOf(kind, scope, `cost-${kind}`)]));
  const deps = Object.fromEntries(kinds.map((kind) => [kind, dependenciesFor(bench, ledgers[kind], 100_000)]));
  // Warm-up: the studio lookup is cached, connections are open, the code is compiled.
  for (const kind of kinds) {
    for (let n = 0; n < 10; n += 1) await layer.schedulePlan(cliRequest(), deps[kind]);
  }
  const roundMedians = Object.fromEntries(kinds.map((kind) => [kind, []]));
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const kind of kinds) {
      const times = [];
      for (let n = 0; n < SUBMISSIONS; n += 1) {
        const request = cliRequest();
        const started = process.hrtime.bigint();
        await layer.schedulePlan(request, deps[kind]);
        times.push(Number(process.hrtime.bigint() - started) / 1e6);
      }
      roundMedians[kind].push(median(times));
    }
  }
  const base = median(roundMedians.none);
  const fileBytes = statSync(join(workDir, 'cost-file.json')).size;
  const recordsEach = 10 + ROUNDS * SUBMISSIONS;
  console.log(
    `## 1. Cost per submission (${ROUNDS} rounds x ${SUBMISSIONS} submissions per variant, interleaved; ${recordsEach} records per ledger at the end)`,
  );
  console.log('');
  printTable(
    ['ledger', 'median ms per submission', 'round medians min-max', 'added by the ledger ms'],
    kinds.map((kind) => [
      kind === 'none'
        ? 'none (baseline)'
        : kind === 'file'
          ? `JSON file (${(fileBytes / 1024).toFixed(0)} KiB at the end)`
          : 'Redis on loopback',
      fixed(median(roundMedians[kind]), 3),
      `${fixed(Math.min(...roundMedians[kind]), 3)}-${fixed(Math.max(...roundMedians[kind]), 3)}`,
      kind === 'none' ? '-' : fixed(median(roundMedians[kind]) - base, 3),
    ]),
  );
  console.log('');
  for (const ledger of Object.values(ledgers)) await ledger?.close();
  await bench.close();
}

// ---------------------------------------------------------------------------------------------------------------
// 2. ls over many records
// ---------------------------------------------------------------------------------------------------------------
{
  const endpoint = 'http://127.0.0.1:9';
  const scope = layer.ledgerScope({ endpoint, regionId: 'cn-shanghai', pacingAccount: 'default' });
  const record = (n) => ({
    ProgramId: `PROGRAM-${String(n).padStart(6, '0')}`,
    ItemIds: [`item-${n}-1`, `item-${n}-2`],
    ClientToken: `cc1-bench-${n}`,
    BaseToken: `cc1-bench-${n}`,
    Generation: 1,
    Version: 2,
    Slot: n % 3 === 0 ? `slot-${n % 50}` : undefined,
    CasterId: 'LIVEPRODUCER_POST-cn-demo00001',
    DomainName: 'demo.example.com',
    StartTime: '2031-03-06T19:00:00Z',
    RepeatNum: -1,
    Items: plan().Items,
    Trigger: { kind: 'event', source: 'acs.bench', id: `event-${n}` },
    CreatedAt: new Date(Date.UTC(2031, 0, 1) + n * 1000).toISOString(),
    UpdatedAt: new Date(Date.UTC(2031, 0, 1) + n * 1000).toISOString(),
    State: n % 4 === 0 ? 'retired' : 'scheduled',
    Resolved: { CallbackUrl: 'http://demo.example.com/cb?auth_key=1893456000-0-0-cbsecret', DomainName: 'demo.example.com' },
  });
  // The file is written directly in the store's format (what RECORDS writes would leave), the Redis ledger by writes.
  const fullFile = join(workDir, 'ls-full.json');
  const records = Array.from({ length: RECORDS }, (_, n) => record(n));
  const scopeData = { records: {}, open: {}, generations: {}, gaps: {} };
  for (const entry of records) {
    const index = layer.recordIndex(entry);
    scopeData.records[entry.ClientToken] = entry;
    if (index.open) scopeData.open[entry.ClientToken] = { studioKey: index.studioKey, slotKey: index.slotKey, startMs: index.startMs };
  }
  writeFileSync(fullFile, JSON.stringify({ format: 'caster-carousel-ledger', version: 2, scopes: { [scope]: scopeData } }));
  const redisStore = layer.createRedisLedgerStore({ redisUrl: redis.url });
  for (let start = 0; start < records.length; start += 500) {
    await Promise.all(
      records
        .slice(start, start + 500)
        .map((entry) => redisStore.apply(scope, { records: [{ record: entry, expectedVersion: 0, index: layer.recordIndex(entry) }] })),
    );
  }
  await redisStore.close();
  const baseEnv = { PATH: process.env.PATH ?? '', LIVE_ENDPOINT: endpoint, LEDGER: 'on', HOME: workDir };
  const variants = [
    ['empty file ledger, table (baseline)', ['ls'], { LEDGER_FILE: join(workDir, 'ls-empty.json') }],
    [`file, ${RECORDS} records, table`, ['ls', '--all'], { LEDGER_FILE: fullFile }],
    [`file, ${RECORDS} records, --json`, ['ls', '--all', '--json'], { LEDGER_FILE: fullFile }],
    [`Redis, ${RECORDS} records, table`, ['ls', '--all'], { REDIS_URL: redis.url }],
  ];
  const times = variants.map(() => []);
  for (let run = 0; run < LS_RUNS; run += 1) {
    variants.forEach(([, args, env], index) => {
      const started = process.hrtime.bigint();
      const result = spawnSync(process.execPath, [CLI, ...args], { env: { ...baseEnv, ...env }, encoding: 'utf8', maxBuffer: 1 << 30 });
      times[index].push(Number(process.hrtime.bigint() - started) / 1e6);
      if (result.status !== 0) throw new Error(`ls failed: ${result.stderr}`);
    });
  }
  const baseline = median(times[0]);
  console.log(`## 2. caster-carousel ls (${LS_RUNS} runs each, interleaved; wall time of the CLI process)`);
  console.log('');
  printTable(
    ['ledger and output', 'median ms', 'min-max ms', 'above the empty ledger ms'],
    variants.map(([name], index) => [
      name,
      fixed(median(times[index]), 0),
      `${fixed(Math.min(...times[index]), 0)}-${fixed(Math.max(...times[index]), 0)}`,
      index === 0 ? '-' : fixed(median(times[index]) - baseline, 0),
    ]),
  );
  console.log('');
}

// ---------------------------------------------------------------------------------------------------------------
// 3. Batch resume
// ---------------------------------------------------------------------------------------------------------------
{
  const TIME_SCALE = 10;
  const limitPerSecond = 4 * TIME_SCALE;
  const deadlineMs = 120_000 / TIME_SCALE;
  const MAX_DELIVERIES = 6;
  const bench = await startBenchEmulator({ qps: { AddCasterEpisodeGroup: limitPerSecond, DescribeCasterConfig: 15 * TIME_SCALE } });
  const scope = `${bench.url}|cn-shanghai|bench`;
  const rows = [];
  for (const kind of ['redis', 'none']) {
    const ledger = ledgerOf(kind, scope, `resume-${kind}`);
    const batch = Array.from({ length: EVENTS }, (_, n) => ({ id: `${kind}-event-${n}`, plan: plan() }));
    const requestsBefore = (await bench.requests()).filter((entry) => entry.Action === 'AddCasterEpisodeGroup').length;
    const deliveries = [];
    let pending = EVENTS;
    for (let delivery = 1; delivery <= MAX_DELIVERIES && pending > 0; delivery += 1) {
      // A fresh FC instance per delivery: its own pacer, nothing remembered but what the ledger holds.
      const deadlineAtMs = Date.now() + deadlineMs;
      const deps = dependenciesFor(bench, ledger, 4 * TIME_SCALE, deadlineAtMs);
      const started = Date.now();
      const outcomes = await Promise.all(
        batch.map(({ id, plan: eventPlan }) =>
          layer
            .schedulePlan(
              {
                plan: eventPlan,
                trigger: { kind: 'event', source: 'acs.bench', id },
                clientToken: layer.cloudEventClientToken('acs.bench', id),
              },
              deps,
            )
            .then(
              (result) => (result.FromLedger ? 'ledger' : 'sent'),
              () => 'failed',
            ),
        ),
      );
      pending = outcomes.filter((outcome) => outcome === 'failed').length;
      deliveries.push({
        sent: outcomes.filter((outcome) => outcome === 'sent').length,
        fromLedger: outcomes.filter((outcome) => outcome === 'ledger').length,
        failed: pending,
        seconds: (Date.now() - started) / 1000,
      });
    }
    const calls = (await bench.requests()).filter((entry) => entry.Action === 'AddCasterEpisodeGroup').length - requestsBefore;
    rows.push({ kind, deliveries, pending, calls });
    await ledger?.close();
  }
  await bench.close();
  console.log(
    `## 3. Batch resume: ${EVENTS} events redelivered until done (at most ${MAX_DELIVERIES} deliveries); time scaled ${TIME_SCALE}x down: ${limitPerSecond}/s API limit, ${deadlineMs / 1000} s deadline per delivery`,
  );
  console.log('');
  printTable(
    ['ledger', 'delivery', 'scheduled (API call)', 'answered from the ledger', 'failed (deadline)', 'delivery s'],
    rows.flatMap(({ kind, deliveries }) =>
      deliveries.map((delivery, index) => [
        kind === 'none' ? 'none' : 'Redis',
        String(index + 1),
        String(delivery.sent),
        String(delivery.fromLedger),
        String(delivery.failed),
        fixed(delivery.seconds, 1),
      ]),
    ),
  );
  console.log('');
  for (const { kind, deliveries, pending, calls } of rows) {
    const perDelivery = deliveries[0].sent;
    console.log(
      `${kind === 'none' ? 'without a ledger' : 'with the Redis ledger'}: ${pending === 0 ? `complete after ${deliveries.length} deliveries` : `${pending} of ${EVENTS} still failing after ${deliveries.length} deliveries`}; ${calls} AddCasterEpisodeGroup requests; ceil(${EVENTS} / ${perDelivery} per delivery) = ${Math.ceil(EVENTS / perDelivery)}`,
    );
  }
}

await redis.stop();
rmSync(workDir, { recursive: true, force: true });
