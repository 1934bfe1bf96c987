// The layer exports only what the handlers compose, so a bench that measures an inner step bundles it from
// shared/src (or the CLI's sources) with esbuild and loads the result in plain Node.
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { repoRoot } from './layout.mjs';

/**
 * Bundles `export ... from './path'` lines (paths from the repository root) into one CommonJS file and requires it.
 * `layerSettings` minifies with kept names, as scripts/build.mjs builds the layer, so a step runs as it runs on FC.
 */
export async function loadFromSource(exportLines, { layerSettings = false } = {}) {
  const folder = mkdtempSync(join(tmpdir(), 'caster-carousel-bench-'));
  const outfile = join(folder, 'from-source.cjs');
  try {
    await build({
      stdin: { contents: exportLines.join('\n'), resolveDir: repoRoot, loader: 'ts' },
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      outfile,
      logLevel: 'warning',
      ...(layerSettings ? { minify: true, keepNames: true, legalComments: 'none' } : {}),
    });
    return createRequire(outfile)(outfile);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
