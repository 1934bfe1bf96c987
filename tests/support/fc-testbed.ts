/**
 * A Live API emulator that accepts the test STS keys, plus fresh function instances pointed at it: what the
 * function tests need to invoke handlers over real HTTP and look at what the studio received.
 */
import { afterAll, beforeAll, vi } from 'vitest';
import {
  DEMO_CREDENTIALS,
  DEMO_STUDIO,
  type FaultSpec,
  type RequestLogEntry,
  type RunningEmulator,
  startEmulator,
} from '../../emulator/index';
import type { FcContext } from '../../shared/src/fc/fc-types';
import { fcContext, ROTATED_STS_CREDENTIALS, TEST_STS_CREDENTIALS } from './fc-events';
import { SAMPLE_AUTH_KEY } from './plan-fixtures';
import { describeFindings, findSecrets, findUnredactedSecrets } from './secret-scan';

/** An episode group as `/_emulator/episode-groups` shows it. */
export interface EmulatedEpisodeGroup {
  readonly ProgramId: string;
  readonly ClientToken: string | null;
  readonly StartTime: string;
  readonly RepeatNum: number;
  readonly Items: readonly { ItemId: string; ItemName: string; VodUrl: string }[];
}

export interface FcTestbed {
  readonly emulator: RunningEmulator;
  /** The function environment variables for this emulator. */
  readonly env: Readonly<Record<string, string>>;
  episodeGroups(): Promise<EmulatedEpisodeGroup[]>;
  requests(): Promise<RequestLogEntry[]>;
  /** The AddCasterEpisodeGroup requests the emulator received. */
  addRequests(): Promise<RequestLogEntry[]>;
  close(): Promise<void>;
}

/** Faults to inject into the emulator (and the seed that picks which requests get them). */
export interface FcTestbedOptions {
  readonly faults?: FaultSpec | string;
  readonly seed?: number;
}

/** Starts an emulator accepting the demo pair and the test STS keys, with optional injected faults. */
export async function startFcTestbed(options: FcTestbedOptions = {}): Promise<FcTestbed> {
  const emulator = await startEmulator({
    host: '127.0.0.1',
    port: 0,
    credentials: [DEMO_CREDENTIALS],
    extraCredentials: [TEST_STS_CREDENTIALS, ROTATED_STS_CREDENTIALS],
    ...(options.faults !== undefined ? { faults: options.faults, seed: options.seed ?? 7 } : {}),
    onInternalError: () => undefined,
  });
  const getJson = async <T>(path: string): Promise<T> => (await (await fetch(`${emulator.url}${path}`)).json()) as T;
  const requests = async () => (await getJson<{ Requests: RequestLogEntry[] }>('/_emulator/requests')).Requests;
  return {
    emulator,
    env: { LIVE_ENDPOINT: emulator.url, CASTER_ID: DEMO_STUDIO.CasterId, LOG_LEVEL: 'info' },
    episodeGroups: async () => (await getJson<{ EpisodeGroups: EmulatedEpisodeGroup[] }>('/_emulator/episode-groups')).EpisodeGroups,
    requests,
    addRequests: async () => (await requests()).filter((entry) => entry.Action === 'AddCasterEpisodeGroup'),
    close: () => emulator.close(),
  };
}

/** A handler module as FC loads it. */
export interface FcFunctionModule {
  handler(event: Buffer, context: FcContext): Promise<unknown>;
  initialize(context: FcContext): Promise<void>;
}

/** The functions of the project. */
export type FcFunctionName = 'http' | 'timer' | 'event';

const FUNCTION_VARIABLES = [
  'LIVE_ENDPOINT',
  'CASTER_ID',
  'LOG_LEVEL',
  'REDIS_URL',
  'PACING_ACCOUNT',
  'LEDGER',
  'LEDGER_FILE',
  'LIVE_TIMEOUT_MS',
  'LIVE_REGION_ID',
  'LIVE_SIGNATURE_ALGORITHM',
  'START_TIME_GRACE_S',
  'AUTH_KEY_VALIDITY_S',
  'ALLOWED_CASTER_IDS',
  'ALLOWED_DOMAINS',
];

/**
 * Loads a function as a brand-new FC instance (fresh module state: pacer, caches) with the given environment,
 * and runs its initializer, as FC does before the first invocation.
 */
export async function startFunctionInstance(
  name: FcFunctionName,
  env: Readonly<Record<string, string>>,
  options: { initialize?: boolean } = {},
): Promise<FcFunctionModule> {
  vi.resetModules();
  for (const variable of FUNCTION_VARIABLES) delete process.env[variable];
  Object.assign(process.env, env);
  const module = (await importFunction(name)) as unknown as FcFunctionModule;
  if (options.initialize !== false) await module.initialize(fcContext());
  return module;
}

/** A function instance and the emulator it calls. */
export interface RunningFunction {
  readonly fn: FcFunctionModule;
  readonly testbed: FcTestbed;
}

/**
 * For a `describe` block: starts a testbed and a fresh instance of the function before its tests (beforeAll) and
 * closes the testbed after them (afterAll). Read `.fn` and `.testbed` inside the tests, not while collecting.
 */
export function useFunction(name: FcFunctionName, options: FcTestbedOptions = {}): RunningFunction {
  let testbed: FcTestbed | undefined;
  let fn: FcFunctionModule | undefined;
  beforeAll(async () => {
    testbed = await startFcTestbed(options);
    fn = await startFunctionInstance(name, testbed.env);
  });
  afterAll(async () => {
    await testbed?.close();
    testbed = undefined;
    fn = undefined;
  });
  const notStarted = (what: string): never => {
    throw new Error(`useFunction('${name}').${what} read outside a test: the ${name} function is not running`);
  };
  return {
    get testbed() {
      return testbed ?? notStarted('testbed');
    },
    get fn() {
      return fn ?? notStarted('fn');
    },
  };
}

/** For one test: runs `body` against a fresh function instance and its own testbed, closed whatever `body` does. */
export async function withFunction<T>(
  name: FcFunctionName,
  options: FcTestbedOptions,
  body: (running: RunningFunction) => Promise<T>,
): Promise<T> {
  const testbed = await startFcTestbed(options);
  try {
    const fn = await startFunctionInstance(name, testbed.env);
    return await body({ fn, testbed });
  } finally {
    await testbed.close();
  }
}

function importFunction(name: FcFunctionName): Promise<unknown> {
  if (name === 'http') return import('../../functions/http/index');
  if (name === 'timer') return import('../../functions/timer/index');
  return import('../../functions/event/index');
}

/** Captures the JSON log lines written to stdout; other output passes through. */
export function captureLogLines(): { readonly lines: string[]; restore(): void } {
  const lines: string[] = [];
  const original = process.stdout.write.bind(process.stdout);
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation(((chunk: string | Uint8Array, ...rest: unknown[]) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    if (text.startsWith('{')) {
      lines.push(...text.split('\n').filter((line) => line !== ''));
      return true;
    }
    return (original as (...args: unknown[]) => boolean)(chunk, ...rest);
  }) as typeof process.stdout.write);
  return { lines, restore: () => spy.mockRestore() };
}

/** The log lines as objects. */
export function parseLogLines(lines: readonly string[]): Record<string, unknown>[] {
  return lines.map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** The JSON log lines in what a function process printed (chunks as they came), as objects. */
export function logLinesIn(output: readonly string[]): Record<string, unknown>[] {
  return parseLogLines(
    output
      .join('')
      .split('\n')
      .filter((line) => line.startsWith('{')),
  );
}

/**
 * The secrets of the tests, labelled. findSecrets looks for every form each can take (raw, JSON-escaped,
 * percent-encoded once and twice, form-encoded).
 */
export function secretsOfTheTests(): { label: string; value: string }[] {
  const studioAuthKeys = [DEMO_STUDIO.CallbackUrl, DEMO_STUDIO.SideOutputUrl]
    .map((url) => /auth_key=([^&]+)/.exec(url ?? '')?.[1])
    .filter((key): key is string => Boolean(key));
  return [
    { label: 'test STS AccessKey secret', value: TEST_STS_CREDENTIALS.accessKeySecret },
    { label: 'test STS token', value: TEST_STS_CREDENTIALS.securityToken },
    { label: 'rotated STS AccessKey secret', value: ROTATED_STS_CREDENTIALS.accessKeySecret },
    { label: 'rotated STS token', value: ROTATED_STS_CREDENTIALS.securityToken },
    { label: 'sample plan auth_key', value: SAMPLE_AUTH_KEY },
    { label: 'demo AccessKey secret', value: DEMO_CREDENTIALS.accessKeySecret },
    ...studioAuthKeys.map((value, index) => ({ label: `studio auth_key #${index + 1}`, value })),
  ];
}

/**
 * The leaks in `text` (the project's own output: log lines, responses), described: every secret of the tests in any
 * encoding, and every auth_key / Signature / secret field the redaction should have replaced. [] when clean.
 */
export function secretLeaksIn(text: string): string[] {
  return describeFindings([...findSecrets(text, secretsOfTheTests()), ...findUnredactedSecrets(text)]);
}
