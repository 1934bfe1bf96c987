'use strict';
// One process of the fleet in bench/fleet-throughput.mjs, laid out like an FC instance (the layer reached
// through NODE_PATH). It builds what an instance keeps (environment, pacer, studio cache, Live client) from its
// environment before the start signal, exactly as the functions do (including the initializer's pacer warm-up): with REDIS_URL set the pacer is the shared
// Redis GCRA schedule, else this process paces alone. On `go` it submits its share of plans at once through
// scheduleCarousel (the pacer queues them) and reports, per plan, when it started and when it was answered, plus
// how many attempts the Live client retried (counted from its own log lines).
const shared = require('caster-carousel-shared');

const counts = { retried: 0, gaveUp: 0, redisFallback: 0 };
const logger = shared.createLogger({
  level: 'warn',
  write(line) {
    const { message } = JSON.parse(line);
    if (message === 'live call failed, retrying') counts.retried += 1;
    else if (message === 'live call failed') counts.gaveUp += 1;
    else if (message.startsWith('Redis pacing unavailable')) counts.redisFallback += 1;
  },
});
const environment = shared.readEnvironment(process.env);
const pacer = shared.createPacerFromEnvironment(environment, logger);
const client = shared.createLiveClientFromEnvironment(environment, { credentials: environment.credentials, pacer, logger });
const configCache = shared.createCasterConfigCache();
const TIMEOUT_MS = Number(process.env.BENCH_DEADLINE_MS || 120000);

process.on('message', async (message) => {
  if (message.type !== 'go') return;
  const deadlineAtMs = Date.now() + TIMEOUT_MS;
  const outcomes = await Promise.all(
    message.plans.map(async (plan) => {
      const startedAtMs = Date.now();
      try {
        const result = await shared.scheduleCarousel({ plan, deadlineAtMs }, { client, configCache, logger });
        return { ok: true, startedAtMs, answeredAtMs: Date.now(), clientToken: result.ClientToken };
      } catch (error) {
        return { ok: false, startedAtMs, answeredAtMs: Date.now(), code: error.code || error.name };
      }
    }),
  );
  await pacer.close?.();
  process.send({ type: 'done', outcomes, counts }, () => process.exit(0));
});
// What FC's initializer does for the functions: connect the pacer before the first request.
Promise.resolve(pacer.warmUp?.()).then(() => process.send({ type: 'ready' }));
