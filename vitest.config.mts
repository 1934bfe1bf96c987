import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // The functions import the layer by its package name, as they do on FC; in tests that name is the source.
    alias: { 'caster-carousel-shared': fileURLToPath(new URL('./shared/src/index.ts', import.meta.url)) },
  },
  test: {
    include: ['tests/**/*.test.ts'],
    // Scans every test file's output for secrets: no log line of any test may carry one.
    setupFiles: ['tests/support/capture-output-setup.ts'],
    // The Alibaba credential chain must never ask the ECS metadata address from a test.
    env: { ALIBABA_CLOUD_ECS_METADATA_DISABLED: 'true' },
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
