// Function processes laid out like Function Compute: the handler file required from its code folder (cwd and
// FC_FUNC_CODE_PATH), the layer reachable only through NODE_PATH, FC_* variables, nothing of the host's
// environment but PATH. Two kinds: one-shot cold starts (fc-cold-start-child.cjs) and long-lived instances
// driven over IPC (fc-instance-child.cjs).
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { fcEnvironment } from './fc-events.mjs';
import { layerNodeModulesDir, shown } from './layout.mjs';

const COLD_CHILD = fileURLToPath(new URL('./fc-cold-start-child.cjs', import.meta.url));
const INSTANCE_CHILD = fileURLToPath(new URL('./fc-instance-child.cjs', import.meta.url));
const MARKER = '@@bench-result@@';

/** spawn() reports a missing cwd as ENOENT of the node binary; say what really happened. */
const missingCodeDir = (codeDir) => new Error(`code folder ${shown(codeDir)} is gone (was dist/ rebuilt during the run?): run \`npm run build\` and start again`);

const encodeJob = (job) => Buffer.from(JSON.stringify(job), 'utf8').toString('base64');

/**
 * Runs one cold start in a fresh process. `job`: `{ handlerFile, handlerExport, initializer?, initContext?, event
 * (string), context }`, or `{ empty: true }` for Node's own boot. Resolves with the child's result plus `wallMs`
 * (spawn to exit, seen from here).
 */
export function runColdStart({ name, codeDir, env, job }) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, [COLD_CHILD, encodeJob(job)], {
      cwd: codeDir,
      env: fcEnvironment({ name, codeDir, layerNodeModulesDir, env }),
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
      resolve({ ...JSON.parse(line.slice(MARKER.length)), wallMs, logLines: stdout.split('\n').filter((text) => text.trim() && !text.startsWith(MARKER)).length });
    });
  });
}

/**
 * Starts a long-lived instance: loads the handler and runs the initializer, then accepts concurrent
 * invocations. Resolves once ready, with the memory it reports at that point.
 */
export function startFcInstance({ name, codeDir, env, job }) {
  if (!existsSync(codeDir)) throw missingCodeDir(codeDir);
  const child = spawn(process.execPath, [INSTANCE_CHILD, encodeJob(job)], {
    cwd: codeDir,
    env: fcEnvironment({ name, codeDir, layerNodeModulesDir, env }),
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stdout.resume(); // the function's logs: drained, as FC ships them away
  child.stderr.setEncoding('utf8').on('data', (text) => (stderr += text));
  const pending = new Map();
  let exited = false;
  child.on('exit', (code, signal) => {
    exited = true;
    for (const { reject } of pending.values()) reject(new Error(`${name} instance exited (${signal ?? code}) ${stderr}`));
    pending.clear();
  });
  const request = (message) =>
    new Promise((resolve, reject) => {
      if (exited) return reject(new Error(`${name} instance has exited`));
      const id = randomUUID();
      pending.set(id, { resolve, reject });
      child.send({ ...message, id });
    });
  child.on('message', (message) => {
    const entry = message.id ? pending.get(message.id) : undefined;
    if (!entry) return;
    pending.delete(message.id);
    entry.resolve(message);
  });
  const ready = new Promise((resolve, reject) => {
    const onMessage = (message) => {
      if (!('ready' in message)) return;
      child.off('message', onMessage);
      if (message.ready) resolve(message.memory);
      else reject(new Error(`${name} failed to start: ${message.error?.message} ${stderr}`));
    };
    child.on('message', onMessage);
    child.once('exit', (code) => reject(new Error(`${name} exited before it was ready (code ${code}) ${stderr}`)));
  });
  return {
    ready,
    /** Invokes the handler with `event` (a string, sent on as a Buffer). */
    invoke: (event, context) => request({ type: 'invoke', event, context }),
    memory: async () => (await request({ type: 'memory' })).memory,
    async close() {
      if (exited) return;
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await gone;
    },
  };
}
