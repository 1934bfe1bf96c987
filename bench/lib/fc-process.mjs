// One-shot cold starts for bench/cold-start.mjs, in processes laid out like Function Compute: the handler file
// required from its code folder (cwd and FC_FUNC_CODE_PATH), the layer reachable only through NODE_PATH, FC_*
// variables, nothing of the host's environment but PATH. The timing harness is fc-cold-start-child.cjs; the
// environment and FC's logger come from dist/local/dev-kit.js. Long-lived instances are the dev kit's
// startFcFunction (local/fc-host.ts).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { BENCH_MEMORY_MB } from './fc-events.mjs';
import { devKit, layerNodeModulesDir, shown } from './layout.mjs';

const COLD_CHILD = fileURLToPath(new URL('./fc-cold-start-child.cjs', import.meta.url));
const MARKER = '@@bench-result@@';

/** spawn() reports a missing cwd as ENOENT of the node binary; say what really happened. */
export const missingCodeDir = (codeDir) =>
  new Error(`code folder ${shown(codeDir)} is gone (was dist/ rebuilt during the run?): run \`npm run build\` and start again`);

const encodeJob = (job) => Buffer.from(JSON.stringify(job), 'utf8').toString('base64');

/**
 * Runs one cold start in a fresh process. `job`: `{ handlerFile, handlerExport, initializer?, initContext?, event
 * (string), context }`, or `{ empty: true }` for Node's own boot. Resolves with the child's result plus `wallMs`
 * (spawn to exit, seen from here).
 */
export function runColdStart({ name, codeDir, env, job }) {
  const { FC_LOGGER_SOURCE, fcProcessEnv } = devKit();
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, [COLD_CHILD, encodeJob(job.empty ? job : { ...job, loggerSource: FC_LOGGER_SOURCE })], {
      cwd: codeDir,
      env: fcProcessEnv({ functionName: name, codeDir, layerNodeModulesDir, memoryMb: BENCH_MEMORY_MB, instanceIdPrefix: 'bench', env }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text) => (stdout += text));
    child.stderr.setEncoding('utf8').on('data', (text) => (stderr += text));
    child.on('error', (error) => reject(existsSync(codeDir) ? error : missingCodeDir(codeDir)));
    child.on('close', (code) => {
      const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
      const line = stdout.split('\n').find((text) => text.startsWith(MARKER));
      if (!line) {
        reject(new Error(`${name}: cold-start child exited with code ${code} and no result\n${stderr || stdout}`));
        return;
      }
      resolve({
        ...JSON.parse(line.slice(MARKER.length)),
        wallMs,
        logLines: stdout.split('\n').filter((text) => text.trim() && !text.startsWith(MARKER)).length,
      });
    });
  });
}
