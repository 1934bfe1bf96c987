/**
 * A local stand-in for Function Compute's Node.js 20 runtime: one child process per function (FC runs each
 * function in instances of its own), the handler file loaded from a code folder with the layer reachable only
 * through NODE_PATH (as `/opt/nodejs/node_modules` is on FC), `initialize(context)` called once, then the
 * handler called with the event as a Buffer and an FC-shaped context.
 *
 * @example
 * const fn = startFcFunction({ name: 'http', codeDir: 'dist/functions/http', layerNodeModulesDir: 'dist/layer/nodejs/node_modules' });
 * const outcome = await fn.invoke(Buffer.from(JSON.stringify(event)));
 * await fn.close();
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { FC_RUNNER_SOURCE, fcRunnerSource } from './fc-runner-source';
import { fcContext, fcProcessEnv } from './fc-shapes';

/** STS-style keys handed to the function in `context.credentials`, as FC does for a function with a role. */
export interface HostCredentials {
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  readonly securityToken?: string;
}

export interface FcFunctionSpec {
  /** The function name (context.function.name, FC_FUNCTION_NAME). */
  readonly name: string;
  /** The folder holding the handler file (FC's /code). */
  readonly codeDir: string;
  /** The layer's node_modules folder (FC's /opt/nodejs/node_modules), put on NODE_PATH. */
  readonly layerNodeModulesDir: string;
  /** Default `index.handler`. */
  readonly handler?: string;
  /** Default `index.initialize`; null for none. */
  readonly initializer?: string | null;
  /** Default 60 s (FC's maximum is far higher; the default of 3 s is too short for local retries). */
  readonly timeoutSeconds?: number;
  readonly initializationTimeoutSeconds?: number;
  readonly memoryMb?: number;
  /** The function's environment variables. The host's own environment is not passed on, as on FC. */
  readonly env?: Readonly<Record<string, string>>;
  readonly credentials?: HostCredentials;
  readonly region?: string;
  readonly accountId?: string;
  /** Receives the instance's stdout and stderr (its logs); default: this process's stdout/stderr. */
  readonly onOutput?: (text: string, stream: 'stdout' | 'stderr') => void;
  /**
   * Extra CommonJS source for the instance's runner (see fcRunnerSource): hooks around each invocation and
   * answers to the messages `request` sends, e.g. a bench's memory bookkeeping.
   */
  readonly runnerExtension?: string;
}

/** What one invocation gave: the handler's return value, or the error FC would report. */
export type InvocationOutcome =
  | { readonly ok: true; readonly result: unknown }
  | { readonly ok: false; readonly error: { readonly errorType: string; readonly errorMessage: string } };

/** A running local function. */
export interface FcFunctionHost {
  readonly name: string;
  /** Invokes the handler with `event` (sent as a Buffer), starting and initializing an instance if needed. */
  invoke(event: Buffer | string, options?: { requestId?: string }): Promise<InvocationOutcome>;
  /**
   * Sends a message of another `type` to the instance (starting and initializing it if needed), answered by
   * the runner extension's `handleMessage`.
   */
  request(type: string, payload?: Record<string, unknown>): Promise<InvocationOutcome>;
  /** Stops the instance (kills the child process). */
  close(): Promise<void>;
}

interface Pending {
  readonly child: ChildProcess;
  resolve(outcome: InvocationOutcome): void;
  timer: NodeJS.Timeout;
}

/** Starts nothing yet: the instance (child process) is created on the first invocation, as FC does. */
export function startFcFunction(spec: FcFunctionSpec): FcFunctionHost {
  const handler = spec.handler ?? 'index.handler';
  const initializer = spec.initializer === undefined ? 'index.initialize' : spec.initializer;
  const timeoutSeconds = spec.timeoutSeconds ?? 60;
  const initializationTimeoutSeconds = spec.initializationTimeoutSeconds ?? 10;
  let instance: Promise<ChildProcess> | undefined;
  let currentChild: ChildProcess | undefined;
  const pending = new Map<string, Pending>();

  const contextFor = (requestId: string) =>
    fcContext({
      requestId,
      credentials: spec.credentials,
      functionName: spec.name,
      handler,
      memoryMb: spec.memoryMb,
      timeoutSeconds,
      initializer,
      initializationTimeoutSeconds,
      region: spec.region,
      accountId: spec.accountId,
    });

  function send(child: ChildProcess, message: Record<string, unknown>, timeoutMs: number): Promise<InvocationOutcome> {
    const id = randomUUID();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        pending.delete(id);
        // FC stops an invocation that outlives its timeout; the instance is not reused.
        discard(child);
        resolve({ ok: false, error: { errorType: 'FunctionTimeout', errorMessage: `${spec.name} timed out after ${timeoutMs} ms` } });
      }, timeoutMs);
      pending.set(id, { child, resolve, timer });
      child.send({ ...message, id });
    });
  }

  function failAll(child: ChildProcess | undefined, errorType: string, errorMessage: string): void {
    for (const [id, entry] of pending) {
      if (child && entry.child !== child) continue;
      clearTimeout(entry.timer);
      entry.resolve({ ok: false, error: { errorType, errorMessage } });
      pending.delete(id);
    }
  }

  function discard(child: ChildProcess): void {
    if (currentChild === child) {
      instance = undefined;
      currentChild = undefined;
    }
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }

  function spawnInstance(): Promise<ChildProcess> {
    const runner = spec.runnerExtension ? fcRunnerSource(spec.runnerExtension) : FC_RUNNER_SOURCE;
    const child = spawn(process.execPath, ['-e', runner], {
      cwd: spec.codeDir,
      env: fcProcessEnv({
        functionName: spec.name,
        codeDir: spec.codeDir,
        layerNodeModulesDir: spec.layerNodeModulesDir,
        handler,
        memoryMb: spec.memoryMb,
        region: spec.region,
        accountId: spec.accountId,
        env: spec.env,
      }),
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'advanced',
    });
    const output = spec.onOutput ?? ((text: string, stream: 'stdout' | 'stderr') => process[stream].write(text));
    child.stdout?.setEncoding('utf8').on('data', (text: string) => output(text, 'stdout'));
    child.stderr?.setEncoding('utf8').on('data', (text: string) => output(text, 'stderr'));
    child.on('message', (message: { id?: string; ok?: boolean; result?: unknown; error?: { errorType: string; errorMessage: string } }) => {
      const entry = message.id ? pending.get(message.id) : undefined;
      if (!entry || !message.id) return;
      clearTimeout(entry.timer);
      pending.delete(message.id);
      entry.resolve(
        message.ok
          ? { ok: true, result: fromIpc(message.result) }
          : { ok: false, error: message.error ?? { errorType: 'Error', errorMessage: 'unknown' } },
      );
    });
    child.on('exit', (code, signal) => {
      if (currentChild === child) {
        instance = undefined;
        currentChild = undefined;
      }
      failAll(child, 'InstanceExited', `${spec.name} instance exited (${signal ?? `code ${code}`})`);
    });
    return new Promise((resolve, reject) => {
      const onReady = (message: { ready?: boolean }) => {
        if (!message.ready) return;
        child.off('message', onReady);
        child.off('exit', onEarlyExit);
        resolve(child);
      };
      const onEarlyExit = (code: number | null) => reject(new Error(`${spec.name} instance exited before it was ready (code ${code})`));
      child.on('message', onReady);
      child.once('exit', onEarlyExit);
      // spawn failures (a missing code folder) arrive as 'error', and would crash the host if unhandled.
      child.once('error', (error) => reject(new Error(`${spec.name} instance could not start: ${error.message}`)));
    });
  }

  async function ensureInstance(): Promise<ChildProcess> {
    instance ??= (async () => {
      const child = await spawnInstance();
      currentChild = child;
      if (initializer) {
        const outcome = await send(
          child,
          { type: 'initialize', initializer, context: contextFor(randomUUID()) },
          initializationTimeoutSeconds * 1000,
        );
        if (!outcome.ok) {
          discard(child);
          throw Object.assign(new Error(outcome.error.errorMessage), { name: 'InitializationError' });
        }
      }
      return child;
    })();
    try {
      return await instance;
    } catch (error) {
      instance = undefined;
      throw error;
    }
  }

  async function sendToInstance(message: Record<string, unknown>): Promise<InvocationOutcome> {
    let child: ChildProcess;
    try {
      child = await ensureInstance();
    } catch (error) {
      return { ok: false, error: { errorType: 'InitializationError', errorMessage: (error as Error).message } };
    }
    return send(child, message, timeoutSeconds * 1000);
  }

  return {
    name: spec.name,
    invoke(event, options = {}) {
      const bytes = typeof event === 'string' ? Buffer.from(event, 'utf8') : event;
      return sendToInstance({ type: 'invoke', event: bytes, context: contextFor(options.requestId ?? randomUUID()) });
    },
    request(type, payload = {}) {
      return sendToInstance({ ...payload, type });
    },
    async close() {
      const current = instance;
      instance = undefined;
      currentChild = undefined;
      failAll(undefined, 'InstanceStopped', `${spec.name} was stopped`);
      const child = await current?.catch(() => undefined);
      if (!child || child.exitCode !== null || child.signalCode !== null) return;
      await new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      });
    },
  };
}

// Buffers cross the IPC channel as Uint8Array; give them back their Buffer type.
function fromIpc(value: unknown): unknown {
  return value instanceof Uint8Array && !Buffer.isBuffer(value) ? Buffer.from(value) : value;
}
