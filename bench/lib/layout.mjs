// Where the bench scripts find what they measure: the built functions and layer (dist/, from `npm run build`),
// the dev kit (emulator, local FC host, FC shapes) and the conventional handler beside them. All paths derive
// from this file's location, never from the machine.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const requireFromRoot = createRequire(join(repoRoot, 'package.json'));

export const LAYER_PACKAGE = 'caster-carousel-shared';
/** FC's /opt/nodejs/node_modules: put on NODE_PATH of every function process. */
export const layerNodeModulesDir = join(repoRoot, 'dist/layer/nodejs/node_modules');
export const layerDir = join(layerNodeModulesDir, LAYER_PACKAGE);
export const layerEntry = join(layerDir, 'index.js');
export const functionCodeDir = (name) => join(repoRoot, 'dist/functions', name);
export const FUNCTION_NAMES = ['http', 'timer', 'event'];
/** The conventional handler's code folder (its node_modules resolve from the repository root). */
export const conventionalCodeDir = join(repoRoot, 'bench/conventional');
export const planSchemaPath = join(repoRoot, 'shared/src/plan/plan.schema.json');
/** The emulator, the local FC host (startFcFunction) and the FC shapes, built from emulator/ and local/ as CommonJS. */
export const devKitPath = join(repoRoot, 'dist/local/dev-kit.js');

/** Loads dist/local/dev-kit.js (call requireBuild() first). */
export const devKit = () => requireFromRoot(devKitPath);

/** A repository-relative path for printing. */
export const shown = (path) => relative(repoRoot, path) || '.';

/** Exits with a clear message unless `npm run build` produced the layer and every function bundle. */
export function requireBuild() {
  const needed = [
    devKitPath,
    layerEntry,
    join(layerDir, 'redis-connection.js'),
    ...FUNCTION_NAMES.map((name) => join(functionCodeDir(name), 'index.js')),
  ];
  const missing = needed.filter((path) => !existsSync(path));
  if (missing.length > 0) {
    console.error(`missing build output: ${missing.map(shown).join(', ')}. Run \`npm run build\` first.`);
    process.exit(1);
  }
}
