'use strict';
// Memory bookkeeping for bench/burst-memory.mjs, installed into a local FC instance (the dev kit's
// startFcFunction, local/fc-host.ts) as its runner extension: `require(this file)(runnerHooks)`. Invocations run
// concurrently, as on an FC 3.0 instance whose instance concurrency is above 1. Memory:
// `process.resourceUsage().maxRSS` (peak resident set, KiB, kept by the kernel) and the peak of `heapUsed`,
// sampled every 5 ms and at every invocation start and end. A `memory` message answers with all of it.
module.exports = function installMemoryHooks(runnerHooks) {
  let heapUsedPeak = 0;
  let rssSampledPeak = 0;
  let inFlight = 0;
  let inFlightPeak = 0;
  function sample() {
    const usage = process.memoryUsage();
    if (usage.heapUsed > heapUsedPeak) heapUsedPeak = usage.heapUsed;
    if (usage.rss > rssSampledPeak) rssSampledPeak = usage.rss;
  }
  setInterval(sample, 5);

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

  runnerHooks.beforeInvoke = () => {
    inFlight += 1;
    if (inFlight > inFlightPeak) inFlightPeak = inFlight;
    sample();
  };
  runnerHooks.afterInvoke = () => {
    inFlight -= 1;
    sample();
  };
  runnerHooks.handleMessage = (message) => {
    if (message.type !== 'memory') throw new Error(`unknown message type ${message.type}`);
    return memory();
  };
};
