// Runs every benchmark script in bench/ (every *.mjs except this one), one after another in name order, each in
// its own `node` process with default settings (run a script directly to pass it options). Run `npm run build`
// first (`npm run bench` does both). Exits non-zero if any script failed, after running them all.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const benchDir = dirname(fileURLToPath(import.meta.url));
const self = basename(fileURLToPath(import.meta.url));
const scripts = readdirSync(benchDir)
  .filter((name) => name.endsWith('.mjs') && name !== self)
  .sort();

const failed = [];
for (const [index, name] of scripts.entries()) {
  if (index > 0) console.log('');
  console.log(`=== bench/${name} (${index + 1}/${scripts.length})`);
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, [join(benchDir, name)], { stdio: 'inherit' });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const status = result.error
    ? `could not start: ${result.error.message}`
    : result.status === 0
      ? 'ok'
      : `failed (exit ${result.status ?? result.signal})`;
  console.log(`=== bench/${name}: ${status} in ${seconds.toFixed(1)} s`);
  if (status !== 'ok') failed.push(name);
}

if (scripts.length === 0) console.log('no bench scripts found');
if (failed.length > 0) {
  console.error(`\n${failed.length} of ${scripts.length} bench scripts failed: ${failed.join(', ')}`);
  process.exitCode = 1;
}
