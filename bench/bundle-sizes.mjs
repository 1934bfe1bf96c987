// Bytes on disk: the built function bundles and the layer, next to the conventional handler's dependencies.
//
// Sizes are deterministic, so there is one measurement each (no medians). gzip = zlib.gzipSync at level 9, a
// stand-in for how a deployment zip compresses. The conventional handler is shown three ways: its installed
// dependency footprint (every file of @alicloud/pop-core, ajv and ajv-formats and of their transitive
// dependencies, as an FC code package would ship them), an esbuild bundle of it (minified, the same settings as
// our function bundles: the fair comparison), and the files a cold start actually loads (require.cache).
//
// Usage: npm run build && node bench/bundle-sizes.mjs
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import {
  conventionalCodeDir,
  FUNCTION_NAMES,
  functionCodeDir,
  layerDir,
  layerEntry,
  layerNodeModulesDir,
  repoRoot,
  requireBuild,
  requireFromRoot,
  shown,
} from './lib/layout.mjs';
import { kib, printHeader, printTable } from './lib/report.mjs';

requireBuild();
printHeader('bundle-sizes: function bundles and layer vs the conventional handler', import.meta.url);

const gzipBytes = (buffer) => gzipSync(buffer, { level: 9 }).length;
const fileRow = (label, path) => {
  const bytes = readFileSync(path);
  return { label, path, raw: bytes.length, gzip: gzipBytes(bytes) };
};

// 1. What we deploy.
const ours = [
  ...FUNCTION_NAMES.map((name) => fileRow(`function ${name}: index.js`, join(functionCodeDir(name), 'index.js'))),
  fileRow('layer: index.js (loaded by every function)', layerEntry),
  fileRow('layer: redis-connection.js (loaded only when REDIS_URL is set)', join(layerDir, 'redis-connection.js')),
  fileRow('layer: package.json', join(layerDir, 'package.json')),
];

// 2. The conventional handler, bundled with esbuild like our functions (minified CJS for node20, everything in).
const { build } = requireFromRoot('esbuild');
const bundleDir = mkdtempSync(join(tmpdir(), 'bench-bundle-'));
let conventionalBundle;
try {
  const outfile = join(bundleDir, 'index.js');
  await build({
    entryPoints: [join(conventionalCodeDir, 'index.js')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minify: true,
    keepNames: true,
    legalComments: 'none',
    logLevel: 'error',
  });
  conventionalBundle = fileRow('conventional: esbuild bundle of bench/conventional/index.js (minified, deps + schema inlined)', outfile);
} finally {
  rmSync(bundleDir, { recursive: true, force: true });
}
const conventionalSource = fileRow('conventional: bench/conventional/index.js itself', join(conventionalCodeDir, 'index.js'));

// 3. The conventional handler's installed dependencies: each package folder in the closure, counted once.
/** The folder of package `name` as Node would find it from `fromDir` (walking up through node_modules folders). */
function packageDir(name, fromDir) {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dirname(dir) === dir) throw new Error(`cannot find ${name} from ${shown(fromDir)}`);
  }
}
function dependencyClosure(roots) {
  const seen = new Map();
  const queue = roots.map((name) => ({ name, fromDir: repoRoot, requiredBy: 'bench/conventional' }));
  while (queue.length > 0) {
    const { name, fromDir, requiredBy } = queue.shift();
    const dir = packageDir(name, fromDir);
    if (seen.has(dir)) continue;
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    const label = `${manifest.name}@${manifest.version}`;
    seen.set(dir, { label, requiredBy });
    for (const dependency of Object.keys(manifest.dependencies ?? {})) queue.push({ name: dependency, fromDir: dir, requiredBy: label });
  }
  return seen;
}
function folderBytes(dir) {
  let bytes = 0;
  let files = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name === 'node_modules') continue; // nested packages are counted as packages of the closure
      const inner = folderBytes(path);
      bytes += inner.bytes;
      files += inner.files;
    } else if (entry.isFile()) {
      bytes += statSync(path).size;
      files += 1;
    }
  }
  return { bytes, files };
}
const closure = dependencyClosure(['@alicloud/pop-core', 'ajv', 'ajv-formats']);
let installedBytes = 0;
let installedFiles = 0;
const perPackage = [];
for (const [dir, { label, requiredBy }] of closure) {
  const { bytes, files } = folderBytes(dir);
  installedBytes += bytes;
  installedFiles += files;
  perPackage.push([label, requiredBy, String(files), kib(bytes)]);
}

// 4. What a cold start loads: the files in require.cache after requiring the handler, FC-style (no invocation).
function loadedFiles(codeDir) {
  const script = `require(require('node:path').join(process.cwd(), 'index.js'));
    const fs = require('node:fs');
    const files = Object.keys(require.cache);
    process.stdout.write(JSON.stringify({ files: files.length, bytes: files.reduce((sum, file) => sum + fs.statSync(file).size, 0) }));`;
  return JSON.parse(
    execFileSync(process.execPath, ['-e', script], {
      cwd: codeDir,
      env: { PATH: process.env.PATH ?? '', NODE_PATH: layerNodeModulesDir },
      encoding: 'utf8',
    }),
  );
}

console.log('## Files we deploy (gzip level 9)');
console.log('');
printTable(
  ['file', 'path', 'raw KiB', 'gzip KiB'],
  ours.map((row) => [row.label, shown(row.path), kib(row.raw), kib(row.gzip)]),
  [0, 1],
);
const httpTotal = { raw: ours[0].raw + ours[3].raw, gzip: ours[0].gzip + ours[3].gzip };
console.log('');
console.log('## HTTP function vs the conventional handler');
console.log('');
printTable(
  ['what', 'raw KiB', 'gzip KiB', 'files'],
  [
    ['ours: http index.js + layer index.js (what an HTTP cold start reads)', kib(httpTotal.raw), kib(httpTotal.gzip), '2'],
    [conventionalBundle.label, kib(conventionalBundle.raw), kib(conventionalBundle.gzip), '1'],
    [conventionalSource.label, kib(conventionalSource.raw), kib(conventionalSource.gzip), '1'],
    [
      `conventional: installed pop-core + ajv + ajv-formats with transitive deps (${closure.size} packages, all files)`,
      kib(installedBytes),
      '-',
      String(installedFiles),
    ],
  ],
);
console.log('');
const oursLoaded = loadedFiles(functionCodeDir('http'));
const conventionalLoaded = loadedFiles(conventionalCodeDir);
console.log('## Loaded at cold start (require.cache after requiring the handler, no invocation)');
console.log('');
printTable(
  ['handler', 'files loaded', 'KiB loaded'],
  [
    ['ours: dist/functions/http/index.js (+ layer via NODE_PATH)', String(oursLoaded.files), kib(oursLoaded.bytes)],
    ['conventional: bench/conventional/index.js (+ node_modules)', String(conventionalLoaded.files), kib(conventionalLoaded.bytes)],
  ],
);
console.log('');
console.log(
  `ratio, esbuild-bundled conventional / ours (http + layer): raw ${(conventionalBundle.raw / httpTotal.raw).toFixed(2)}x, gzip ${(conventionalBundle.gzip / httpTotal.gzip).toFixed(2)}x`,
);
console.log('');
console.log('## Conventional dependency closure (installed, per package; nested node_modules counted as their own packages)');
console.log('');
printTable(['package', 'dependency of', 'files', 'KiB'], perPackage, [0, 1]);
