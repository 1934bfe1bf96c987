// Builds everything a user runs: the plan validator (compiled from its JSON Schema), the CLI, the FC layer
// and the three function bundles. Run as `npm run build`.
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { compilePlanSchema } from './compile-plan-schema.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
export const LAYER_PACKAGE = 'caster-carousel-shared';
const FUNCTIONS = ['http', 'timer', 'event'];

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  legalComments: 'none',
  logLevel: 'warning',
};

// ioredis is needed only when REDIS_URL is set: the module that imports it becomes a file of its own beside
// the bundle, required on first use, so nobody else parses a Redis client at cold start.
const REDIS_MODULE = 'redis-connection.js';
// @middy/core imports Node's web streams for a response mode FC never uses: in the layer they are read on first use.
const lazyMiddyStreams = {
  name: 'lazy-middy-streams',
  setup(pluginBuild) {
    const shims = { 'node:stream/web': 'stream-web.cjs', 'node:stream/promises': 'stream-promises.cjs' };
    pluginBuild.onResolve({ filter: /^node:stream\/(web|promises)$/ }, (args) =>
      args.importer.includes('@middy/core') ? { path: join(root, 'scripts/shims', shims[args.path]) } : undefined,
    );
  },
};

const lazyRedisModule = {
  name: 'lazy-redis-module',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /\/redis-connection$/ }, () => ({ path: `./${REDIS_MODULE}`, external: true }));
  },
};

// Parts of the CLI that only some commands need become files of their own beside it, required when a command
// reaches them, so that --help and the other commands parse none of them: the emulator (only for
// `caster-carousel emulator`) and Alibaba's credential library (only for commands that sign requests).
const LAZY_CLI_MODULES = [
  { filter: /\/emulator\/index$/, entry: 'emulator/index.ts', file: 'caster-carousel-emulator.js' },
  { filter: /\/cli-credential-chain$/, entry: 'cli/credentials/cli-credential-chain.ts', file: 'cli-credential-chain.js' },
];
const lazyCliModules = {
  name: 'lazy-cli-modules',
  setup(pluginBuild) {
    for (const { filter, file } of LAZY_CLI_MODULES) {
      pluginBuild.onResolve({ filter }, () => ({ path: `./${file}`, external: true }));
    }
  },
};
const rootManifest = JSON.parse(await readFile(join(root, 'package.json'), 'utf8'));

await compilePlanSchema();
await rm(dist, { recursive: true, force: true });

/** Bundles one entry point together with its lazily required Redis module. */
async function bundleWithLazyRedis(entry, outfile, options = {}, plugins = []) {
  await build({ ...common, ...options, entryPoints: [entry], outfile, plugins: [lazyRedisModule, ...plugins] });
  await build({
    ...common,
    minify: options.minify,
    entryPoints: [join(root, 'shared/src/pacing/redis-connection.ts')],
    outfile: join(dirname(outfile), REDIS_MODULE),
  });
}

await bundleWithLazyRedis(
  join(root, 'cli/caster-carousel.ts'),
  join(dist, 'cli/caster-carousel.js'),
  { banner: { js: '#!/usr/bin/env node' }, define: { CASTER_CAROUSEL_VERSION: JSON.stringify(rootManifest.version) } },
  [lazyCliModules],
);
// The package's bin: npm marks it executable only when it links it (npm ci, or npx's first run), never again,
// and every build writes a new file. Without this a rebuild leaves `npx caster-carousel` with "Permission denied".
await chmod(join(dist, 'cli/caster-carousel.js'), 0o755);
for (const { entry, file } of LAZY_CLI_MODULES) {
  await build({ ...common, entryPoints: [join(root, entry)], outfile: join(dist, 'cli', file) });
}

const layerDir = join(dist, 'layer/nodejs/node_modules', LAYER_PACKAGE);
await bundleWithLazyRedis(join(root, 'shared/src/index.ts'), join(layerDir, 'index.js'), { minify: true, keepNames: true }, [
  lazyMiddyStreams,
]);
const sharedManifest = JSON.parse(await readFile(join(root, 'shared/package.json'), 'utf8'));
await writeFile(
  join(layerDir, 'package.json'),
  `${JSON.stringify({ name: LAYER_PACKAGE, version: sharedManifest.version, description: sharedManifest.description, main: 'index.js' }, null, 2)}\n`,
);

for (const name of FUNCTIONS) {
  const entry = join(root, 'functions', name, 'index.ts');
  if (!existsSync(entry)) continue;
  await build({
    ...common,
    entryPoints: [entry],
    outfile: join(dist, 'functions', name, 'index.js'),
    minify: true,
    keepNames: true,
    // The layer is loaded from /opt/nodejs/node_modules by name, never bundled into a function.
    external: [LAYER_PACKAGE],
  });
}

if (existsSync(join(root, 'local/start.ts'))) {
  await build({
    ...common,
    entryPoints: [join(root, 'local/start.ts')],
    outfile: join(dist, 'local/start.js'),
    external: [LAYER_PACKAGE],
  });
}

// The emulator, the local FC host and the FC shapes in one CommonJS file for the bench scripts (plain Node).
if (existsSync(join(root, 'local/dev-kit.ts'))) {
  await build({
    ...common,
    entryPoints: [join(root, 'local/dev-kit.ts')],
    outfile: join(dist, 'local/dev-kit.js'),
    external: [LAYER_PACKAGE],
  });
}
await mkdir(dist, { recursive: true });
