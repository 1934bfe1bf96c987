'use strict';
// Preloaded into a CLI process by bench/ledger-scale.mjs (`node --require`): at exit, writes the process's peak
// resident set (`process.resourceUsage().maxRSS`, KiB) to the file BENCH_MAX_RSS_FILE names.
const { writeFileSync } = require('node:fs');

process.on('exit', () => {
  if (process.env.BENCH_MAX_RSS_FILE) writeFileSync(process.env.BENCH_MAX_RSS_FILE, String(process.resourceUsage().maxRSS));
});
