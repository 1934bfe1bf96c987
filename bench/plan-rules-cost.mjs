import os from 'node:os';
import { loadFromSource } from './lib/load-source.mjs';

const WARMUP = 2_000;
const BATCHES = 41;
const PLANS_PER_BATCH = 200;

const { validatePlan, validatePlanSchema } = await loadFromSource([
  "export { validatePlan } from './shared/src/plan/validate-plan';",
  "export { default as validatePlanSchema } from './shared/src/plan/generated/plan-schema-validator.cjs';",
]);

const NOW_MS = Date.parse('2031-01-01T00:00:00Z');
const RULES = { nowMs: NOW_MS, authKeyValidityS: 86_400 };
function planOf(itemCount) {
  return {
    CasterId: 'LIVEPRODUCER_POST-cn-0pp1czt0001',
    StartTime: '2031-03-07T03:00:00+08:00',
    RepeatNum: -1,
    Items: Array.from({ length: itemCount }, (_, index) => ({
      ItemName: `Episode ${index + 1}: the one where it all begins`,
      VodUrl: `https://cdn.example.com/carousel/season-1/episode-${index + 1}.mp4?auth_key=1962000000-0-0-0f1e2d3c4b5a69788796a5b4c3d2e1f0`,
    })),
  };
}

/** Microseconds per call, one sample per batch, after warm-up. */
function samplesOf(work, plan) {
  let sink = 0;
  for (let index = 0; index < WARMUP; index += 1) sink += work(plan) ? 1 : 0;
  const samples = [];
  for (let batch = 0; batch < BATCHES; batch += 1) {
    const started = process.hrtime.bigint();
    for (let index = 0; index < PLANS_PER_BATCH; index += 1) sink += work(plan) ? 1 : 0;
    samples.push(Number(process.hrtime.bigint() - started) / 1e3 / PLANS_PER_BATCH);
  }
  if (sink === 0) throw new Error('nothing validated');
  return samples;
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const variants = [
  // The baseline sees the plan already in UTC, as the schema requires it.
  { name: 'compiled schema alone (baseline)', work: (plan) => validatePlanSchema({ ...plan, StartTime: '2031-03-06T19:00:00Z' }) },
  { name: 'validatePlan, RepeatNum 0 (no warnings)', work: (plan) => validatePlan({ ...plan, RepeatNum: 0 }, RULES).ok },
  // RepeatNum -1 with signatures that expire while the group loops: one warning per item.
  { name: 'validatePlan, RepeatNum -1 (a warning per item)', work: (plan) => validatePlan(plan, RULES).ok },
];

console.log(`plan-rules-cost: Node ${process.version}, ${os.cpus()[0]?.model ?? 'unknown CPU'} x${os.cpus().length}`);
console.log(`median of ${BATCHES} batches of ${PLANS_PER_BATCH} plans each, variants interleaved twice\n`);
console.log('| items | variant | µs per plan (median) | min | max |');
console.log('| ----: | ------- | -------------------: | --: | --: |');
for (const itemCount of [10, 100]) {
  const plan = planOf(itemCount);
  if (!validatePlan(plan, RULES).ok) throw new Error('the bench plan must be valid');
  const samples = new Map(variants.map((variant) => [variant.name, []]));
  for (let round = 0; round < 2; round += 1) {
    for (const variant of variants) samples.get(variant.name).push(...samplesOf(variant.work, plan));
  }
  for (const variant of variants) {
    const values = samples.get(variant.name);
    console.log(
      `| ${itemCount} | ${variant.name} | ${median(values).toFixed(2)} | ${Math.min(...values).toFixed(2)} | ${Math.max(...values).toFixed(2)} |`,
    );
  }
}
