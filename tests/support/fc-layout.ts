/** The built functions laid out as FC lays them out: `code/index.js` and the layer under `opt/nodejs`. */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const dist = join(root, 'dist');
const LAYER_PACKAGE = 'caster-carousel-shared';

export type BuiltFunctionName = 'http' | 'timer' | 'event';

/** Builds dist/ unless the three functions and the layer are already there (`npm test` builds first). */
export function ensureBuilt(): void {
  const complete =
    existsSync(join(dist, 'layer/nodejs/node_modules', LAYER_PACKAGE, 'index.js')) &&
    (['http', 'timer', 'event'] as const).every((name) => existsSync(join(dist, 'functions', name, 'index.js')));
  if (!complete) execFileSync(process.execPath, [join(root, 'scripts/build.mjs')], { cwd: root, stdio: 'ignore', timeout: 120_000 });
}

/** Copies one built function and the layer into `base/<folder>/{code,opt}`, far from any node_modules. */
export function layOutBuiltFunction(
  base: string,
  name: BuiltFunctionName,
  folder: string = name,
): { codeDir: string; layerNodeModulesDir: string } {
  const codeDir = join(base, folder, 'code');
  const optDir = join(base, folder, 'opt');
  mkdirSync(codeDir, { recursive: true });
  cpSync(join(dist, 'functions', name, 'index.js'), join(codeDir, 'index.js'));
  cpSync(join(dist, 'layer/nodejs'), join(optDir, 'nodejs'), { recursive: true });
  return { codeDir, layerNodeModulesDir: join(optDir, 'nodejs/node_modules') };
}
