/**
 * Entry of dist/local/dev-kit.js (CommonJS, built by scripts/build.mjs): the Live API emulator, the local FC
 * host and the FC shapes for plain Node scripts that cannot load TypeScript (the bench).
 */
export { DEMO_CREDENTIALS, DEMO_STUDIO, startEmulator } from '../emulator/index';
export { startFcFunction } from './fc-host';
export { FC_LOGGER_SOURCE, FC_RUNNER_SOURCE } from './fc-runner-source';
export * from './fc-shapes';
export { readFunctionDeployments, scalingWithOverrides } from './s-yaml-scaling';
