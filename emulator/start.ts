import type { SignatureAlgorithm } from '../shared/src/signing/credentials';
import { API_VERSION } from './api-handler';
import { type CasterConfig, CasterDirectory, loadCastersFile, validateCasters } from './casters';
import { EmulatorConfigError } from './config-error';
import {
  type AccountCredential,
  type CredentialEnv,
  CredentialStore,
  DEFAULT_ACCOUNT_ID,
  defaultCredentials,
  type EmulatorCredential,
} from './credential-store';
import { DEMO_STUDIO } from './demo';
import { FaultInjector, type FaultSpec, parseFaultSpec, randomSeed, validateFaultSpec } from './faults';
import { NonceCache } from './nonce-cache';
import { type ApiAction, type ItemIdsShape, OPERATIONS } from './operations';
import { SlidingWindowRateLimiter } from './rate-limiter';
import { redactText } from './redact';
import { RequestLog } from './request-log';
import { closeServer, createEmulatorServer, listen } from './server';
import { DEFAULT_TIMESTAMP_WINDOWS_MS, nonceRetentionMs } from './signature-windows';
import { StateStore } from './state-store';

/** How to start the emulator. Everything is optional; the defaults mirror the real service. */
export interface EmulatorOptions {
  /** Interface to bind; default 127.0.0.1 (loopback: the emulator is a test double, not a service). */
  readonly host?: string;
  /** Port; 0 picks a free one. Default 8787. */
  readonly port?: number;
  /** Replaces the default credentials (environment, else the demo pair). */
  readonly credentials?: readonly EmulatorCredential[];
  /** Accepted in addition to the default (or given) credentials, e.g. STS keys `{accessKeyId: 'STS.x', accessKeySecret, securityToken}`. */
  readonly extraCredentials?: readonly EmulatorCredential[];
  /** Where the default credentials are read from; default `process.env`. */
  readonly env?: CredentialEnv;
  /** The account of credentials that name none. */
  readonly accountId?: string;
  /** Studios to serve (DescribeCasterConfig shape); default the demo studio. */
  readonly casters?: readonly CasterConfig[];
  /** A JSON file holding the studios (`--casters`). */
  readonly castersFile?: string;
  /** A JSON file keeping episode groups and ClientToken records across restarts (`--data`). */
  readonly dataFile?: string;
  /** Injected faults, as a `--faults` spec string or an object. */
  readonly faults?: FaultSpec | string;
  /** PRNG seed for the faults (`--seed`); random (and reported) when absent. */
  readonly seed?: number;
  /** AddCasterEpisodeGroup's ItemIds: `wrapped` (SDK model, default) or `flat` (older doc sample). */
  readonly itemIdsShape?: ItemIdsShape;
  /** Per-account QPS per operation, overriding the documented 4 (adds, delete), 10 (playlist reads) and 15 (DescribeCasterConfig). */
  readonly qps?: Partial<Record<ApiAction, number>>;
  /** The server clock in epoch ms, for timestamps, nonces and flow control; default `Date.now`. */
  readonly now?: () => number;
  /**
   * Allowed distance of the signing time from the clock, either way: V1 `Timestamp` (default 31 minutes) and
   * ACS3 `x-acs-date` (default 15 minutes), as Alibaba documents them. Nonces are kept twice the wider one.
   */
  readonly timestampWindowsMs?: Partial<Record<SignatureAlgorithm, number>>;
  /** How many recent requests `/_emulator/requests` keeps; default 500. */
  readonly requestLogSize?: number;
  /** Largest accepted request body; default 4 MiB (the largest valid plan as a form body fits). */
  readonly maxBodyBytes?: number;
  /**
   * Largest accepted request line and headers together; default 4 MiB. Generated SDKs send every parameter
   * in the URL query, even for POST, and the largest valid plan makes a URL of about 2.6 MB that way.
   */
  readonly maxHeaderBytes?: number;
  /** Where unexpected internal errors are reported; default `console.error`, with auth_key values and secrets redacted. */
  readonly onInternalError?: (error: unknown) => void;
}

/** A listening emulator. */
export interface RunningEmulator {
  /** Base URL without trailing slash, e.g. `http://127.0.0.1:8787`: pop-core's `endpoint`. */
  readonly url: string;
  readonly port: number;
  readonly host: string;
  /** The accepted credentials (with their secrets: this is the programmatic API for tests and tools). */
  readonly credentials: readonly AccountCredential[];
  /** The studios served. */
  readonly casters: readonly CasterConfig[];
  /** The faults in force and their seed, or undefined when none. */
  readonly faults: { readonly spec: FaultSpec; readonly seed: number } | undefined;
  readonly dataFile: string | undefined;
  /** The API version served. */
  readonly apiVersion: string;
  /** Stops the server, closing keep-alive connections; resolves when it no longer listens. */
  close(): Promise<void>;
}

/** The default size limit of a request's URL and headers, and of its body (each on its own). */
export const DEFAULT_MAX_REQUEST_BYTES = 4 * 1024 * 1024;

function resolveQps(overrides: Partial<Record<ApiAction, number>> | undefined): Record<ApiAction, number> {
  const qps = {} as Record<ApiAction, number>;
  for (const [action, operation] of Object.entries(OPERATIONS) as [ApiAction, (typeof OPERATIONS)[ApiAction]][]) {
    const value = overrides?.[action] ?? operation.defaultQps;
    if (!Number.isInteger(value) || value < 1)
      throw new EmulatorConfigError(`qps.${action} must be a whole number of at least 1; got ${value}.`);
    qps[action] = value;
  }
  for (const action of Object.keys(overrides ?? {})) {
    if (!Object.hasOwn(OPERATIONS, action))
      throw new EmulatorConfigError(`qps.${action}: no such operation (known: ${Object.keys(OPERATIONS).join(', ')}).`);
  }
  return qps;
}

function resolveTimestampWindows(overrides: Partial<Record<SignatureAlgorithm, number>> | undefined): Record<SignatureAlgorithm, number> {
  const windows = { ...DEFAULT_TIMESTAMP_WINDOWS_MS, ...overrides };
  for (const [algorithm, windowMs] of Object.entries(windows)) {
    if (!Number.isInteger(windowMs) || windowMs < 1000)
      throw new EmulatorConfigError(
        `timestampWindowsMs.${algorithm} must be a whole number of milliseconds, at least 1000; got ${windowMs}.`,
      );
  }
  return windows;
}

function resolveCasters(options: EmulatorOptions): CasterConfig[] {
  if (options.casters && options.castersFile) throw new EmulatorConfigError('Give casters or castersFile, not both.');
  if (options.castersFile) return loadCastersFile(options.castersFile);
  if (options.casters) return validateCasters(options.casters, 'options.casters');
  return [structuredClone({ ...DEMO_STUDIO })];
}

function resolveFaults(options: EmulatorOptions): { spec: FaultSpec; seed: number } | undefined {
  if (options.seed !== undefined && !(Number.isInteger(options.seed) && options.seed >= 0 && options.seed < 2 ** 32)) {
    throw new EmulatorConfigError(`The fault seed must be an integer from 0 to 4294967295; got ${options.seed}.`);
  }
  if (options.faults === undefined) return undefined;
  const spec = typeof options.faults === 'string' ? parseFaultSpec(options.faults) : validateFaultSpec(options.faults);
  return { spec, seed: options.seed ?? randomSeed() };
}

function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/** Starts the ApsaraVideo Live API emulator; rejects with an EmulatorConfigError when its configuration is bad. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const now = options.now ?? Date.now;
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 8787;
  const credentials = new CredentialStore(
    [...(options.credentials ?? defaultCredentials(options.env ?? process.env)), ...(options.extraCredentials ?? [])],
    options.accountId ?? DEFAULT_ACCOUNT_ID,
  );
  const casters = resolveCasters(options);
  const faults = resolveFaults(options);
  const qps = resolveQps(options.qps);
  const timestampWindowsMs = resolveTimestampWindows(options.timestampWindowsMs);
  for (const [name, value] of [
    ['maxBodyBytes', options.maxBodyBytes],
    ['maxHeaderBytes', options.maxHeaderBytes],
  ] as const) {
    if (value !== undefined && !(Number.isInteger(value) && value >= 1))
      throw new EmulatorConfigError(`${name} must be a whole number of bytes, at least 1; got ${value}.`);
  }
  const itemIdsShape = options.itemIdsShape ?? 'wrapped';
  if (itemIdsShape !== 'wrapped' && itemIdsShape !== 'flat')
    throw new EmulatorConfigError(`itemIdsShape must be "wrapped" or "flat"; got "${String(itemIdsShape)}".`);
  // Opened last among the checks: it may create the data file, which a later configuration error should not leave behind.
  const state = StateStore.open(options.dataFile, now);
  const requestLog = new RequestLog(options.requestLogSize ?? 500);
  const knownSecrets = new Set(
    credentials
      .list()
      .flatMap((credential) => [credential.accessKeySecret, ...(credential.securityToken ? [credential.securityToken] : [])]),
  );

  const server = createEmulatorServer({
    api: {
      auth: { credentials, nonces: new NonceCache(nonceRetentionMs(timestampWindowsMs)), timestampWindowsMs },
      rateLimiter: new SlidingWindowRateLimiter(1000),
      qps,
      state,
      casters: new CasterDirectory(casters),
      itemIdsShape,
      now,
      // The default report is a log line: no auth_key value or secret in it, whatever the error quotes.
      onInternalError:
        options.onInternalError ??
        ((error) =>
          console.error(
            `[emulator] internal error: ${redactText(error instanceof Error ? (error.stack ?? error.message) : String(error), knownSecrets)}`,
          )),
    },
    inspection: { state, requestLog },
    requestLog,
    faults: faults ? new FaultInjector(faults.spec, faults.seed) : undefined,
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_REQUEST_BYTES,
    maxHeaderBytes: options.maxHeaderBytes ?? DEFAULT_MAX_REQUEST_BYTES,
    knownSecrets,
  });
  const address = await listen(server, host, port);

  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost(host)}:${address.port}`,
    port: address.port,
    host,
    credentials: credentials.list(),
    casters,
    faults,
    dataFile: options.dataFile,
    apiVersion: API_VERSION,
    close() {
      closing ??= closeServer(server);
      return closing;
    },
  };
}
