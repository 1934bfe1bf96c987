'use strict';
// One long-lived FC instance, FC-style (cwd = code folder, layer on NODE_PATH, Buffer events), driven over IPC
// by the parent, with memory bookkeeping for bench/burst-memory.mjs. Invocations run concurrently, as on an FC
// 3.0 instance whose instance concurrency is above 1. Memory: `process.resourceUsage().maxRSS` (peak resident
// set, KiB, kept by the kernel) and the peak of `heapUsed`, sampled every 5 ms and at every invocation start
// and end.
const path = require('node:path');
const job = JSON.parse(Buffer.from(process.argv[2] || 'e30=', 'base64').toString('utf8'));

let heapUsedPeak = 0;
let rssSampledPeak = 0;
let inFlight = 0;
let inFlightPeak = 0;
function sample() {
  const usage = process.memoryUsage();
  if (usage.heapUsed > heapUsedPeak) heapUsedPeak = usage.heapUsed;
  if (usage.rss > rssSampledPeak) rssSampledPeak = usage.rss;
}
const sampler = setInterval(sample, 5);

function fcLogger(requestId) {
  const write = (level) => (...args) => process.stdout.write(`${new Date().toISOString()} ${requestId} [${level}] ${args.join(' ')}\n`);
  return { debug: write('DEBUG'), info: write('INFO'), warn: write('WARN'), error: write('ERROR'), log: write('INFO') };
}

function memory() {
  sample();
  const usage = process.memoryUsage();
  return {
    maxRssKiB: process.resourceUsage().maxRSS,
    rssBytes: usage.rss,
    heapUsedBytes: usage.heapUsed,
    heapUsedPeakBytes: heapUsedPeak,
    rssSampledPeakBytes: rssSampledPeak,
    inFlightPeak,
  };
}

async function main() {
  const mod = require(path.join(process.env.FC_FUNC_CODE_PATH, job.handlerFile));
  if (job.initializer) await mod[job.initializer]({ ...job.initContext, logger: fcLogger(job.initContext.requestId) });
  const handler = mod[job.handlerExport];
  process.on('message', async (message) => {
    if (message.type === 'memory') {
      process.send({ id: message.id, memory: memory() });
      return;
    }
    inFlight += 1;
    if (inFlight > inFlightPeak) inFlightPeak = inFlight;
    sample();
    let reply;
    try {
      const result = await handler(Buffer.from(message.event, 'utf8'), { ...message.context, logger: fcLogger(message.context.requestId) });
      reply = { id: message.id, ok: true, result };
    } catch (error) {
      reply = { id: message.id, ok: false, error: { name: error && error.name, message: String((error && error.message) || error) } };
    }
    inFlight -= 1;
    sample();
    process.send(reply);
  });
  process.send({ ready: true, memory: memory() });
}

main().catch((error) => {
  clearInterval(sampler);
  process.send({ ready: false, error: { name: error && error.name, message: String((error && error.message) || error) } });
});
