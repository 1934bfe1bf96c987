// One mixed burst of plans through the local FC host (local/fc-host.ts from dist/local/dev-kit.js): the three
// built functions, each scaled as given (instances added past instanceConcurrency, up to a cap, each with its
// own initializer), fed FC 3.0 events: HTTP trigger events, timer ticks and EventBridge CloudEvents. Used by
// bench/fleet-throughput.mjs.
import { BENCH_CREDENTIALS } from './emulator.mjs';
import { benchPlan, cloudEvent, httpTriggerEvent, timerEvent } from './fc-events.mjs';
import { devKit, functionCodeDir, layerNodeModulesDir } from './layout.mjs';

/** Function timeouts as s.yaml sets them. */
const TIMEOUT_SECONDS = { http: 30, timer: 60, event: 120 };

/** Starts the three functions on the local host; `scaling` and `env` per function name. */
export function startHostFunctions({ api, scaling, env }) {
  const counts = { retried: 0, redisFallback: 0 };
  const onOutput = (text) => {
    for (const line of text.split('\n')) {
      if (!line.startsWith('{')) continue;
      if (line.includes('"live call failed, retrying"')) counts.retried += 1;
      else if (line.includes('Redis pacing unavailable')) counts.redisFallback += 1;
    }
  };
  const functions = Object.fromEntries(
    ['http', 'timer', 'event'].map((name) => [
      name,
      devKit().startFcFunction({
        name: `caster-carousel-${name}`,
        codeDir: functionCodeDir(name),
        layerNodeModulesDir,
        env: { LIVE_ENDPOINT: api.url, CASTER_ID: api.casterId, LOG_LEVEL: 'info', ...env[name] },
        credentials: BENCH_CREDENTIALS,
        timeoutSeconds: TIMEOUT_SECONDS[name],
        scaling: scaling[name],
        onOutput,
      }),
    ]),
  );
  return {
    functions,
    counts,
    /** Starts one instance of each function with an invalid plan (answered before any API call). */
    async warmUp() {
      await functions.http.invoke(JSON.stringify(httpTriggerEvent({ plan: {} })));
      await functions.timer.invoke(JSON.stringify(timerEvent({ plan: {} })));
      await functions.event.invoke(JSON.stringify(cloudEvent({ plan: {} })));
    },
    close: () => Promise.all(Object.values(functions).map((fn) => fn.close())),
  };
}

/** Did the function schedule the plan? HTTP answers 201; timer and event invocations return without throwing. */
function succeeded(trigger, outcome) {
  if (!outcome.ok) return false;
  return trigger === 'http' ? outcome.result?.statusCode === 201 : true;
}

/** Sends one plan to one function as its trigger would deliver it; resolves with what happened. */
async function sendPlan(host, trigger, { tag, studio }) {
  const plan = benchPlan({ tag: `${tag}-${trigger}`, studio });
  const event =
    trigger === 'http'
      ? httpTriggerEvent({ plan, idempotencyKey: tag })
      : trigger === 'timer'
        ? timerEvent({ plan })
        : cloudEvent({ plan });
  const startedAtMs = Date.now();
  const outcome = await host.functions[trigger].invoke(JSON.stringify(event));
  return { trigger, ok: succeeded(trigger, outcome), startedAtMs, answeredAtMs: Date.now() };
}

const triggersOf = (mix) => Object.entries(mix).flatMap(([trigger, count]) => Array.from({ length: count }, () => trigger));

/** Sends `mix` ({http, timer, event} counts) plans at once; resolves with one outcome per plan. */
export function sendMixedBurst(host, { mix, tag, studio }) {
  return Promise.all(triggersOf(mix).map((trigger, index) => sendPlan(host, trigger, { tag: `${tag}-${index}`, studio })));
}

/**
 * Keeps a steady backlog instead of one burst: one sender per entry of `senders` ({http, timer, event}
 * counts), each sending its next plan as soon as the previous one is answered, `total` plans in all. Plans
 * keep arriving all along, so a Redis outage in the middle meets new requests, not only queued ones.
 */
export async function sendSteadyStream(host, { senders, total, tag, studio }) {
  const triggers = triggersOf(senders);
  const outcomes = [];
  let next = 0;
  await Promise.all(
    triggers.map(async (trigger) => {
      while (next < total) {
        const index = next;
        next += 1;
        outcomes.push(await sendPlan(host, trigger, { tag: `${tag}-${index}`, studio }));
      }
    }),
  );
  return outcomes;
}
