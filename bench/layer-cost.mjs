// What the shared layer costs a function, next to the conventional stack it replaces.
//
//   1. Load time: fresh `node` child processes each `require` one stack and time it with process.hrtime inside
//      the child (median, min, max over many runs, variants interleaved round by round). An empty `node -e`
//      child is the baseline: its wall time is the fixed cost of any cold start.
//   2. Per-plan preparation: validate + sign + encode one realistic 10-item plan for AddCasterEpisodeGroup, in
//      process, after warm-up; median over many batches, in microseconds per plan.
//
// Run `npm run build` first (this reads dist/), then `node bench/layer-cost.mjs [--runs N]`. See bench/README.md.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadFromSource } from './lib/load-source.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const requireFromRoot = createRequire(join(root, 'package.json'));
const LAYER_ENTRY = join(root, 'dist/layer/nodejs/node_modules/caster-carousel-shared/index.js');
const SCHEMA_PATH = join(root, 'shared/src/plan/plan.schema.json');

if (!existsSync(LAYER_ENTRY)) {
  console.error(`bench/layer-cost: ${relative(root, LAYER_ENTRY)} is missing. Run \`npm run build\` first.`);
  process.exit(1);
}

const LOAD_RUNS = Math.max(15, numberArgument('--runs', 21));
const PLAN_WARMUP = 3_000;
const PLAN_BATCHES = 120;
const PLANS_PER_BATCH = 250;
// The product goal for per-plan preparation: at most half of what ajv + pop-core's signing take.
const PREPARATION_GOAL_RATIO = 0.5;

// ---------------------------------------------------------------------------------------------------------------
// 1. Load time in fresh processes
// ---------------------------------------------------------------------------------------------------------------

const paths = {
  layer: LAYER_ENTRY,
  popCore: requireFromRoot.resolve('@alicloud/pop-core'),
  ajv: requireFromRoot.resolve('ajv'),
  ajvFormats: requireFromRoot.resolve('ajv-formats'),
  schema: SCHEMA_PATH,
};

// The conventional approach: ajv + ajv-formats in the function, compiling the schema while the module loads.
// Same ajv options the build uses for the precompiled validator, so both do the same validation work.
const AJV_COMPILE_AT_LOAD = `
  const Ajv = require(${JSON.stringify(paths.ajv)});
  const addFormats = require(${JSON.stringify(paths.ajvFormats)});
  const ajv = new Ajv({ strict: true, allErrors: true });
  addFormats(ajv);
  const validate = ajv.compile(JSON.parse(require('node:fs').readFileSync(${JSON.stringify(paths.schema)}, 'utf8')));
  if (typeof validate !== 'function') throw new Error('no validator');`;

const LOAD_VARIANTS = [
  { name: 'empty node -e (baseline)', code: '' },
  { name: 'shared layer bundle (incl. precompiled validator)', code: `require(${JSON.stringify(paths.layer)});` },
  { name: '@alicloud/pop-core', code: `require(${JSON.stringify(paths.popCore)});` },
  { name: 'ajv + ajv-formats, compile schema at load', code: AJV_COMPILE_AT_LOAD },
  { name: 'pop-core + ajv compile at load (conventional stack)', code: `require(${JSON.stringify(paths.popCore)});${AJV_COMPILE_AT_LOAD}` },
];

/** The child: time the load with hrtime, then report it and what was read (modules and bytes, outside the timing). */
function childScript(loadCode) {
  return `
    const started = process.hrtime.bigint();
    ${loadCode}
    const loadMs = Number(process.hrtime.bigint() - started) / 1e6;
    const fs = require('node:fs');
    const files = Object.keys(require.cache);
    const bytes = files.reduce((sum, file) => { try { return sum + fs.statSync(file).size; } catch { return sum; } }, 0);
    process.stdout.write(JSON.stringify({ loadMs, modules: files.length, bytes }));`;
}

// Children inherit the environment except variables that make Node itself do start-up work a Function Compute
// instance does not do (NODE_EXTRA_CA_CERTS alone adds tens of ms to every boot on a machine that sets it).
const STRIPPED_VARIABLES = ['NODE_OPTIONS', 'NODE_EXTRA_CA_CERTS'];
const childEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !STRIPPED_VARIABLES.includes(name)));

function runChild(variant) {
  const started = process.hrtime.bigint();
  const child = spawnSync(process.execPath, ['-e', childScript(variant.code)], { cwd: root, env: childEnv, encoding: 'utf8' });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (child.status !== 0) throw new Error(`${variant.name}: child failed: ${child.stderr}`);
  return { ...JSON.parse(child.stdout), wallMs };
}

const loadSamples = new Map(LOAD_VARIANTS.map((variant) => [variant.name, []]));
for (const variant of LOAD_VARIANTS) runChild(variant); // one discarded round warms the OS file cache
for (let run = 0; run < LOAD_RUNS; run += 1) {
  for (const variant of LOAD_VARIANTS) loadSamples.get(variant.name).push(runChild(variant));
}

// ---------------------------------------------------------------------------------------------------------------
// 2. Per-plan preparation cost, in process
// ---------------------------------------------------------------------------------------------------------------

const PLAN = {
  CasterId: 'LIVEPRODUCER_POST-cn-0pp1czt1234',
  CallbackUrl:
    'http://learn.aliyundoc.com/caster/4a82a3d1b7f0462ea37348366201abcd?auth_key=1608953344-0-0-53f0758162964516ac850f2ddc3fabcd',
  DomainName: 'example.com',
  SideOutputUrl:
    'rtmp://sophon-developer.aliyundoc.com/caster/4a82a3d1b7f0462ea37348366201abcd?auth_key=1608953344-0-0-ac8c628078541d7055a170ec59a5abcd',
  StartTime: '2031-03-06T19:00:00Z',
  RepeatNum: -1,
  Items: Array.from({ length: 10 }, (_, index) => ({
    ItemName: `Episode ${index + 1}: highlights`,
    VodUrl: `https://vod.example.com/shows/season-2/episode-${index + 1}.mp4?auth_key=1700000000-0-${index}-0123456789abcdef0123456789abcdef`,
  })),
  ClientToken: 'cc1-ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0',
};
const CREDENTIALS = {
  accessKeyId: 'LTAI5tBenchKeyId',
  accessKeySecret: 'bench-access-key-secret',
  securityToken: 'CAIS-bench-sts-token+/=',
};

// Ours: the steps the functions take inside the layer, which exports only FC middlewares and handler cores. The
// layer's own sources for them (the plan check the HTTP and event triggers run, the Live client, the parameter
// builder, the V1 signer) are bundled here with the layer's build settings, so this measures what the layer runs.
const layerSteps = await bundleLayerSteps();
const { episodeGroupParams } = layerSteps;
const client = layerSteps.createLiveClient({ credentials: CREDENTIALS, regionId: 'cn-shanghai' });
function validateWithLayer(plan) {
  return layerSteps.requireValidPlan(plan);
}
function signWithLayer(plan) {
  return client.prepare('AddCasterEpisodeGroup', episodeGroupParams(plan), 'POST').body;
}

/** Bundles the layer's per-plan steps from shared/src like scripts/build.mjs bundles the layer, and loads them. */
async function bundleLayerSteps() {
  const exports = {
    'plan/require-valid-plan': ['requireValidPlan'],
    'live/live-client': ['createLiveClient'],
    'live/operations': ['episodeGroupParams'],
    'signing/rpc-v1-signature': ['signRpcV1'],
    'signing/percent-encode': ['canonicalQueryString'],
  };
  return loadFromSource(
    Object.entries(exports).map(([module, names]) => `export { ${names.join(', ')} } from './shared/src/${module}';`),
    { layerSettings: true },
  );
}

// pop-core-style: ajv compiled at load, then pop-core's own signing code. pop-core signs only inside request(),
// and its helpers (formatParams, normalize, canonicalize, encode, timestamp) are module-private, so we evaluate
// lib/rpc.js's own source with its own require and hand those functions out; the steps below are request()'s
// steps 1-3 verbatim (default params, normalize, string-to-sign, kitx.sha1, Signature appended, form body).
const Ajv = requireFromRoot('ajv');
const addFormats = requireFromRoot('ajv-formats');
const ajv = new Ajv({ strict: true, allErrors: true });
addFormats(ajv);
const ajvValidate = ajv.compile(JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')));
const popCoreRpcPath = join(dirname(paths.popCore), 'lib/rpc.js');
const popCoreRequire = createRequire(popCoreRpcPath);
const popCoreModule = { exports: {} };
const popCoreInternals = new Function(
  'require',
  'module',
  'exports',
  `${readFileSync(popCoreRpcPath, 'utf8')}\nreturn { formatParams, normalize, canonicalize, encode, timestamp };`,
)(popCoreRequire, popCoreModule, popCoreModule.exports);
const kitx = popCoreRequire('kitx');
const API_VERSION = '2016-11-01';

function popCoreSign(action, callerParams, credentials, method) {
  const params = Object.assign(
    { Action: action },
    {
      Format: 'JSON',
      Timestamp: popCoreInternals.timestamp(),
      Version: API_VERSION,
      SignatureMethod: 'HMAC-SHA1',
      SignatureVersion: '1.0',
      SignatureNonce: kitx.makeNonce(),
      AccessKeyId: credentials.accessKeyId,
      ...(credentials.securityToken ? { SecurityToken: credentials.securityToken } : {}),
    },
    popCoreInternals.formatParams(callerParams),
  );
  const normalized = popCoreInternals.normalize(params);
  const stringToSign = `${method}&${popCoreInternals.encode('/')}&${popCoreInternals.encode(popCoreInternals.canonicalize(normalized))}`;
  normalized.push(['Signature', popCoreInternals.encode(kitx.sha1(stringToSign, `${credentials.accessKeySecret}&`, 'base64'))]);
  return popCoreInternals.canonicalize(normalized);
}

function validateWithAjv(plan) {
  if (!ajvValidate(plan)) throw new Error('bench plan is invalid for ajv');
  return plan;
}
function signWithPopCore(plan) {
  const { CasterId: _casterId, Items, ...rest } = plan;
  return popCoreSign(
    'AddCasterEpisodeGroup',
    { ...rest, RegionId: 'cn-shanghai', RepeatNum: String(plan.RepeatNum), Item: Items },
    CREDENTIALS,
    'POST',
  );
}

const PLAN_STACKS = [
  { name: 'shared layer: requireValidPlan + client.prepare', validate: validateWithLayer, sign: signWithLayer },
  { name: 'pop-core-style: ajv (compiled at load) + pop-core signing', validate: validateWithAjv, sign: signWithPopCore },
];

// Sanity check: with the same Timestamp and nonce, both paths produce the same signed body.
const fixedParams = {
  ...episodeGroupParams(PLAN),
  RegionId: 'cn-shanghai',
  Timestamp: '2031-03-06T19:00:00Z',
  SignatureNonce: 'bench-nonce',
};
const viaPopCore = popCoreSign('AddCasterEpisodeGroup', { ...fixedParams }, CREDENTIALS, 'POST');
const viaLayerParams = layerSteps.signRpcV1(
  'POST',
  {
    ...fixedParams,
    Action: 'AddCasterEpisodeGroup',
    Format: 'JSON',
    Version: API_VERSION,
    AccessKeyId: CREDENTIALS.accessKeyId,
    SignatureMethod: 'HMAC-SHA1',
    SignatureVersion: '1.0',
    SecurityToken: CREDENTIALS.securityToken,
  },
  CREDENTIALS.accessKeySecret,
);
const sortedEntries = (entries) => JSON.stringify([...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
const bodiesAgree =
  sortedEntries(new URLSearchParams(viaPopCore)) === sortedEntries(new URLSearchParams(layerSteps.canonicalQueryString(viaLayerParams)));

/** Runs `work(PLAN)` for one batch; returns wall and CPU microseconds per plan. */
function timeBatch(work, sink) {
  const wallStarted = process.hrtime.bigint();
  const cpuStarted = process.cpuUsage();
  for (let index = 0; index < PLANS_PER_BATCH; index += 1) sink.total += measureOf(work(PLAN));
  const cpu = process.cpuUsage(cpuStarted);
  return {
    wallUs: Number(process.hrtime.bigint() - wallStarted) / 1e3 / PLANS_PER_BATCH,
    cpuUs: (cpu.user + cpu.system) / PLANS_PER_BATCH,
  };
}

/** What a prepared result weighs: a signed body's byte count (which reads the whole text, as a socket write does). */
function measureOf(result) {
  return typeof result === 'string' ? Buffer.byteLength(result) : result.Items.length;
}

// Each stack: validate alone, sign + encode alone, and the whole preparation. Batches of the two stacks alternate
// one by one (which goes first flips every batch), so a busy moment of the machine lands on both alike; each
// batch of ours is also divided by the pop-core batch next to it, and the median of those paired ratios is
// printed beside the ratio of the medians.
const PARTS = {
  validate: (stack) => stack.validate,
  sign: (stack) => stack.sign,
  total: (stack) => (plan) => stack.sign(stack.validate(plan)),
};
const planSamples = PLAN_STACKS.map(() => ({ validate: [], sign: [], total: [], totalCpu: [] }));
const pairedTotalRatios = { wall: [], cpu: [] };
const sink = { total: 0 };
for (const [part, pick] of Object.entries(PARTS)) {
  const works = PLAN_STACKS.map(pick);
  for (const work of works) for (let index = 0; index < PLAN_WARMUP; index += 1) sink.total += measureOf(work(PLAN));
  for (let batch = 0; batch < PLAN_BATCHES; batch += 1) {
    const order = batch % 2 === 0 ? [0, 1] : [1, 0];
    const timings = [];
    for (const index of order) timings[index] = timeBatch(works[index], sink);
    timings.forEach((timing, index) => {
      planSamples[index][part].push(timing.wallUs);
      if (part === 'total') planSamples[index].totalCpu.push(timing.cpuUs);
    });
    if (part === 'total') {
      pairedTotalRatios.wall.push(timings[0].wallUs / timings[1].wallUs);
      if (timings[1].cpuUs > 0) pairedTotalRatios.cpu.push(timings[0].cpuUs / timings[1].cpuUs);
    }
  }
}
if (sink.total === 0) throw new Error('nothing prepared');

// ---------------------------------------------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------------------------------------------

const cpus = os.cpus();
console.log('# layer-cost: shared layer vs conventional stack');
console.log(`node ${process.version} on ${os.platform()}/${os.arch()}, ${cpus[0]?.model ?? 'unknown CPU'} x ${cpus.length} cores`);
console.log(`layer bundle: ${relative(root, LAYER_ENTRY)}, ${fixed(statSync(LAYER_ENTRY).size / 1024, 1)} KB`);
console.log('');
console.log(`## 1. Load time in a fresh process (${LOAD_RUNS} runs each, interleaved, after 1 discarded round)`);
console.log('load = require + setup inside the child, by process.hrtime; wall = spawn to exit, seen by the parent.');
console.log(`children run without ${STRIPPED_VARIABLES.join(' and ')} (start-up work FC does not do).`);
console.log('');
printTable(
  ['stack', 'load median ms', 'load min ms', 'load max ms', 'wall median ms', 'modules', 'KB read'],
  LOAD_VARIANTS.map((variant) => {
    const samples = loadSamples.get(variant.name);
    const load = samples.map((sample) => sample.loadMs);
    const wall = samples.map((sample) => sample.wallMs);
    return [
      variant.name,
      fixed(median(load), 2),
      fixed(Math.min(...load), 2),
      fixed(Math.max(...load), 2),
      fixed(median(wall), 1),
      String(samples[0].modules),
      fixed(samples[0].bytes / 1024, 1),
    ];
  }),
);
console.log('');
console.log(`## 2. Per-plan preparation: validate + sign + encode one 10-item AddCasterEpisodeGroup plan (POST form body)`);
console.log(
  `each cell: ${PLAN_WARMUP} warm-up plans per stack, then ${PLAN_BATCHES} batches x ${PLANS_PER_BATCH} plans per stack, the two stacks' batches alternating: median of the ${PLAN_BATCHES} batch samples.`,
);
console.log(
  'wall = process.hrtime per batch; cpu = process.cpuUsage (user + system, all threads) per batch, which a busy machine disturbs less.',
);
console.log('');
printTable(
  ['stack', 'validate median us', 'sign+encode median us', 'total median us/plan', 'total min', 'total max', 'total cpu median us'],
  PLAN_STACKS.map((stack, index) => {
    const samples = planSamples[index];
    return [
      stack.name,
      fixed(median(samples.validate), 1),
      fixed(median(samples.sign), 1),
      fixed(median(samples.total), 1),
      fixed(Math.min(...samples.total), 1),
      fixed(Math.max(...samples.total), 1),
      fixed(median(samples.totalCpu), 1),
    ];
  }),
);
const [oursSamples, popCoreSamples] = planSamples;
const wallRatio = median(oursSamples.total) / median(popCoreSamples.total);
const cpuRatio = median(oursSamples.totalCpu) / median(popCoreSamples.totalCpu);
console.log('');
console.log(
  `ratio ours / pop-core, total per plan: wall ${fixed(wallRatio, 2)} (median of paired batches ${fixed(median(pairedTotalRatios.wall), 2)}),`,
);
console.log(`  cpu ${fixed(cpuRatio, 2)} (median of paired batches ${fixed(median(pairedTotalRatios.cpu), 2)})`);
console.log(
  `goal: ours <= ${PREPARATION_GOAL_RATIO} x pop-core (wall medians) -> ${wallRatio <= PREPARATION_GOAL_RATIO ? 'MET' : 'NOT MET'} at ${fixed(wallRatio, 2)}`,
);
console.log('');
console.log(
  'pop-core signing path: its own lib/rpc.js helpers (formatParams, normalize, canonicalize, encode, timestamp) and kitx.sha1/makeNonce,',
);
console.log('called in-process in the order request() uses them; no HTTP request is sent.');
console.log(`check: with the same Timestamp and nonce both paths send the same parameters and Signature: ${bodiesAgree ? 'yes' : 'NO'}`);
if (!bodiesAgree) process.exitCode = 1;

// ---------------------------------------------------------------------------------------------------------------

function numberArgument(name, fallback) {
  const index = process.argv.indexOf(name);
  const value = index === -1 ? Number.NaN : Number(process.argv[index + 1]);
  return Number.isFinite(value) && value > 0 ? Math.floor(value) : fallback;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function fixed(value, digits) {
  return value.toFixed(digits);
}

function printTable(headers, rows) {
  const widths = headers.map((header, column) => Math.max(header.length, ...rows.map((row) => row[column].length)));
  const line = (cells) =>
    `| ${cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join(' | ')} |`;
  console.log(line(headers));
  console.log(`|${widths.map((width, column) => (column === 0 ? `:${'-'.repeat(width + 1)}` : `${'-'.repeat(width + 1)}:`)).join('|')}|`);
  for (const row of rows) console.log(line(row));
}
