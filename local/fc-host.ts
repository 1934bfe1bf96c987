/**
 * A local stand-in for Function Compute's Node.js 20 runtime: each function runs in instances of its own (child
 * processes), the handler file loaded from a code folder with the layer reachable only through NODE_PATH (as
 * `/opt/nodejs/node_modules` is on FC), `initialize(context)` called once per instance, then the handler called
 * with the event as a Buffer and an FC-shaped context.
 *
 * With `scaling`, instances are added the way FC adds them: a request goes to an instance with fewer than
 * `instanceConcurrency` requests in flight (a starting instance counts), else a new instance starts, up to
 * `maxInstances`. Past that cap FC answers a synchronous call with a throttling error and retries an
 * asynchronous one later; the local host queues the request until an instance has room instead. Idle instances
 * are not reclaimed. Without `scaling`, one instance takes every request (to measure one instance).
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
  /** How FC scales this function out; without it one instance takes every request. */
  readonly scaling?: FunctionScaling;
}

/** The s.yaml settings that decide how many instances FC runs for a burst. */
export interface FunctionScaling {
  /** Requests one instance takes at once (s.yaml `instanceConcurrency`, FC's default 1). */
  readonly instanceConcurrency: number;
  /** Most instances at once (s.yaml `concurrencyConfig.reservedConcurrency`, else a local cap). */
  readonly maxInstances: number;
}

/** One running (or starting) instance, as `stats()` reports it. */
export interface InstanceStats {
  /** FC_INSTANCE_ID of the instance. */
  readonly instanceId: string;
  /** The process id, once spawned. */
  readonly pid: number | undefined;
  /** Requests it is working on now. */
  readonly inFlight: number;
  /** Requests it has been given so far. */
  readonly served: number;
}

/** How many instances a function runs and ran. */
export interface HostStats {
  readonly instances: readonly InstanceStats[];
  /** Instances started since the host was created (including any that exited). */
  readonly instancesStarted: number;
  /** The most requests in flight at once so far. */
  readonly peakInFlight: number;
}

/** What one invocation gave: the handler's return value, or the error FC would report. */
export type InvocationOutcome = (
  | { readonly ok: true; readonly result: unknown }
  | { readonly ok: false; readonly error: { readonly errorType: string; readonly errorMessage: string } }
) & {
  /** FC_INSTANCE_ID of the instance that ran it (absent when no instance could start). */
  readonly instanceId?: string;
};

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
  /** The instances running now and how busy they are. */
  stats(): HostStats;
  /** Stops every instance (kills the child processes). */
  close(): Promise<void>;
}

interface Pending {
  readonly child: ChildProcess;
  resolve(outcome: InvocationOutcome): void;
  timer: NodeJS.Timeout;
}

interface Instance {
  readonly instanceId: string;
  /** Resolves when the process is spawned and initialized; rejects when it could not start. */
  readonly ready: Promise<ChildProcess>;
  child: ChildProcess | undefined;
  inFlight: number;
  served: number;
  gone: boolean;
}

// Without `scaling`: one instance that never fills up, as the host behaved before it scaled.
const SINGLE_INSTANCE: FunctionScaling = { instanceConcurrency: Number.POSITIVE_INFINITY, maxInstances: 1 };

/** Starts nothing yet: an instance (child process) is created on the first invocation, as FC does. */
export function startFcFunction(spec: FcFunctionSpec): FcFunctionHost {
  const handler = spec.handler ?? 'index.handler';
  const initializer = spec.initializer === undefined ? 'index.initialize' : spec.initializer;
  const timeoutSeconds = spec.timeoutSeconds ?? 60;
  const initializationTimeoutSeconds = spec.initializationTimeoutSeconds ?? 10;
  const scaling = spec.scaling ?? SINGLE_INSTANCE;
  const instances: Instance[] = [];
  const waitingForRoom: Array<() => void> = [];
  const pending = new Map<string, Pending>();
  let instancesStarted = 0;
  let inFlightTotal = 0;
  let peakInFlight = 0;
  let closed = false;

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

  function forget(instance: Instance): void {
    instance.gone = true;
    const index = instances.indexOf(instance);
    if (index !== -1) instances.splice(index, 1);
    // Its place under the cap is free again: a queued request may start a new instance.
    waitingForRoom.shift()?.();
  }

  function discard(child: ChildProcess): void {
    const instance = instances.find((candidate) => candidate.child === child);
    if (instance) forget(instance);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }

  function spawnProcess(env: Record<string, string>): Promise<ChildProcess> {
    const runner = spec.runnerExtension ? fcRunnerSource(spec.runnerExtension) : FC_RUNNER_SOURCE;
    const child = spawn(process.execPath, ['-e', runner], {
      cwd: spec.codeDir,
      env,
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
      const instance = instances.find((candidate) => candidate.child === child);
      if (instance) forget(instance);
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

  function startInstance(): Instance {
    const env = fcProcessEnv({
      functionName: spec.name,
      codeDir: spec.codeDir,
      layerNodeModulesDir: spec.layerNodeModulesDir,
      handler,
      memoryMb: spec.memoryMb,
      region: spec.region,
      accountId: spec.accountId,
      env: spec.env,
    });
    const boot = async (): Promise<ChildProcess> => {
      const child = await spawnProcess(env);
      instance.child = child;
      // Each instance runs its own initializer, as on FC.
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
    };
    const instance: Instance = {
      instanceId: env['FC_INSTANCE_ID'] ?? randomUUID(),
      ready: boot(),
      child: undefined,
      inFlight: 0,
      served: 0,
      gone: false,
    };
    instancesStarted += 1;
    instance.ready.catch(() => {
      if (!instance.gone) forget(instance);
    });
    instances.push(instance);
    return instance;
  }

  /** The instance this request goes to, counted as busy with it; waits when every instance is full and the cap is reached. */
  async function claimInstance(): Promise<Instance> {
    for (;;) {
      if (closed) throw new Error(`${spec.name} was stopped`);
      // FC fills instances before it adds one: the first with room takes the request.
      const roomy = instances.find((instance) => instance.inFlight < scaling.instanceConcurrency);
      const instance = roomy ?? (instances.length < scaling.maxInstances ? startInstance() : undefined);
      if (instance) {
        instance.inFlight += 1;
        instance.served += 1;
        inFlightTotal += 1;
        peakInFlight = Math.max(peakInFlight, inFlightTotal);
        return instance;
      }
      await new Promise<void>((resolve) => waitingForRoom.push(resolve));
    }
  }

  function release(instance: Instance): void {
    instance.inFlight -= 1;
    inFlightTotal -= 1;
    waitingForRoom.shift()?.();
  }

  async function sendToInstance(message: Record<string, unknown>): Promise<InvocationOutcome> {
    let instance: Instance;
    try {
      instance = await claimInstance();
    } catch (error) {
      return { ok: false, error: { errorType: 'InstanceStopped', errorMessage: (error as Error).message } };
    }
    try {
      let child: ChildProcess;
      try {
        child = await instance.ready;
      } catch (error) {
        return { ok: false, error: { errorType: 'InitializationError', errorMessage: (error as Error).message } };
      }
      return { ...(await send(child, message, timeoutSeconds * 1000)), instanceId: instance.instanceId };
    } finally {
      release(instance);
    }
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
    stats() {
      return {
        instances: instances.map((instance) => ({
          instanceId: instance.instanceId,
          pid: instance.child?.pid,
          inFlight: instance.inFlight,
          served: instance.served,
        })),
        instancesStarted,
        peakInFlight,
      };
    },
    async close() {
      closed = true;
      const running = instances.splice(0);
      for (const wake of waitingForRoom.splice(0)) wake();
      failAll(undefined, 'InstanceStopped', `${spec.name} was stopped`);
      await Promise.all(
        running.map(async (instance) => {
          instance.gone = true;
          const child = await instance.ready.catch(() => instance.child);
          if (!child || child.exitCode !== null || child.signalCode !== null) return;
          await new Promise<void>((resolve) => {
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
          });
        }),
      );
    },
  };
}

// Buffers cross the IPC channel as Uint8Array; give them back their Buffer type.
function fromIpc(value: unknown): unknown {
  return value instanceof Uint8Array && !Buffer.isBuffer(value) ? Buffer.from(value) : value;
}
