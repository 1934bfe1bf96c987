import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const validatorPath = fileURLToPath(new URL('../../../shared/src/plan/generated/plan-schema-validator.cjs', import.meta.url));
const entryPath = fileURLToPath(new URL('../../../shared/src/plan/validate-plan.ts', import.meta.url));

describe('the plan schema validator is compiled at build time', () => {
  it('exists as generated standalone code that never compiles a schema', () => {
    // Prepare
    expect(existsSync(validatorPath), 'run `node scripts/compile-plan-schema.mjs` first').toBe(true);

    // Act
    const source = readFileSync(validatorPath, 'utf8');
    const requiredModules = [...source.matchAll(/require\("([^"]+)"\)/g)].map((match) => match[1]);

    // Assess
    expect(source).not.toMatch(/new Ajv|\.compile\(|\.addSchema\(/);
    for (const moduleName of requiredModules) expect(moduleName).toMatch(/^ajv\/dist\/runtime\//);
  });

  it('bundles validate-plan.ts to CommonJS for node20 without any part of ajv inside (its length helper is inlined)', async () => {
    // Act
    const result = await build({
      entryPoints: [entryPath],
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const bundle = result.outputFiles[0]?.text ?? '';
    const ajvInputs = Object.keys(result.metafile.inputs).filter((input) => input.includes('node_modules/ajv'));
    const externalImports = Object.values(result.metafile.outputs).flatMap((output) => output.imports.filter((entry) => entry.external));

    // Assess
    expect(bundle).not.toContain('new Ajv');
    expect(externalImports).toEqual([]);
    expect(ajvInputs).toEqual([]);
  });
});
