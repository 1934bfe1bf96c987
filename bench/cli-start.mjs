// How long `caster-carousel --help` takes from process start to exit, against an empty Node process (the
// baseline: Node's own start) and against the same CLI with the emulator and the credential library preloaded
// (what --help cost when both were inside the CLI bundle). Processes alternate row by row within each round, so
// machine noise spreads over all rows alike. Wall time from spawn to exit, median of N runs (default 15).
//
// Usage: npm run build && node bench/cli-start.mjs [--runs 15]
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, requireBuild } from './lib/layout.mjs';
import { fixed, kib, numberArgument, printHeader, printTable, summarize } from './lib/report.mjs';

requireBuild();
printHeader('cli-start: caster-carousel --help, from spawn to exit', import.meta.url);

const runs = numberArgument('--runs', 15);
const cliDir = join(repoRoot, 'dist/cli');
const cli = join(cliDir, 'caster-carousel.js');
const lazyFiles = ['caster-carousel-emulator.js', 'cli-credential-chain.js'].map((name) => join(cliDir, name));
const env = { PATH: process.env.PATH ?? '', ALIBABA_CLOUD_ECS_METADATA_DISABLED: 'true' };

const rows = [
  { label: 'baseline: node -e 0', args: ['-e', '0'] },
  { label: 'caster-carousel --help', args: [cli, '--help'] },
  { label: 'caster-carousel --version', args: [cli, '--version'] },
  {
    label: '--help with the emulator and credential library loaded too',
    args: [...lazyFiles.flatMap((file) => ['--require', file]), cli, '--help'],
  },
];

const timesMs = rows.map(() => []);
for (let round = 0; round < runs; round += 1) {
  for (const [index, row] of rows.entries()) {
    const started = process.hrtime.bigint();
    const result = spawnSync(process.execPath, row.args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
    if (result.status !== 0) throw new Error(`${row.label} exited ${result.status}: ${result.stderr}`);
    timesMs[index].push(elapsedMs);
  }
}

const baselineMs = summarize(timesMs[0]).median;
printTable(
  ['process', 'median ms', 'min', 'max', 'over baseline ms'],
  rows.map((row, index) => {
    const { median, min, max } = summarize(timesMs[index]);
    return [row.label, fixed(median), fixed(min), fixed(max), index === 0 ? '-' : fixed(median - baselineMs)];
  }),
);
console.log('');
console.log(
  `files: caster-carousel.js ${kib(statSync(cli).size)} KiB; loaded on demand: ${lazyFiles
    .map((file) => `${file.slice(cliDir.length + 1)} ${kib(statSync(file).size)} KiB`)
    .join(', ')}`,
);
console.log(`${runs} runs per row.`);
