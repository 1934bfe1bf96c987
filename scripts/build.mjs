// Builds everything a user runs: the plan validator (compiled from its JSON Schema), the CLI, the FC layer
// and the three function bundles. Run as `npm run build`.
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
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
const lazyRedisModule = {
  name: 'lazy-redis-module',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /\/redis-connection$/ }, () => ({ path: `./${REDIS_MODULE}`, external: true }));
  },
};

// The emulator is needed only by `caster-carousel emulator`: it becomes a file of its own beside the CLI,
// required when that command runs, so every other command (and --help) parses none of it.
const EMULATOR_MODULE = 'caster-carousel-emulator.js';
const lazyEmulatorModule = {
  name: 'lazy-emulator-module',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /\/emulator\/index$/ }, () => ({ path: `./${EMULATOR_MODULE}`, external: true }));
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
  [lazyEmulatorModule],
);
await build({ ...common, entryPoints: [join(root, 'emulator/index.ts')], outfile: join(dist, 'cli', EMULATOR_MODULE) });

const layerDir = join(dist, 'layer/nodejs/node_modules', LAYER_PACKAGE);
await bundleWithLazyRedis(join(root, 'shared/src/index.ts'), join(layerDir, 'index.js'), { minify: true, keepNames: true });
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
