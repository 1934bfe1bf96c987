import type { Credentials } from '../shared/src/signing/credentials';
import { EmulatorConfigError } from './config-error';
import type { CredentialEnv } from './credential-store';
import { DEMO_CREDENTIALS, DEMO_STUDIO } from './demo';
import { formatFaultSpec, parseFaultSpec } from './faults';
import { redactText } from './redact';
import { type EmulatorOptions, type RunningEmulator, startEmulator } from './start';

/** A place to write text: a stream-like object or a plain function. */
type TextSink = { write(text: string): unknown } | ((text: string) => unknown);

/** Where the command writes and what it reads; defaults to the process's. */
interface EmulatorCommandIo {
  readonly stdout?: TextSink;
  readonly stderr?: TextSink;
  /** Environment for the default credentials; default `process.env`. */
  readonly env?: CredentialEnv;
  /** Stops the emulator like SIGINT does (for embedding and tests). */
  readonly signal?: AbortSignal;
}

const USAGE = `Usage: caster-carousel emulator [--host 127.0.0.1] [--port 8787] [--casters FILE] [--data FILE] [--faults SPEC] [--seed N]

A local emulator of the ApsaraVideo Live API (2016-11-01) operations this project uses.
  --host HOST      interface to listen on (default 127.0.0.1)
  --port PORT      port, 0 for any free one (default 8787)
  --casters FILE   JSON array of studios in the DescribeCasterConfig shape (default: one demo studio)
  --data FILE      keep episode groups and ClientToken records in FILE across restarts
  --faults SPEC    inject faults, e.g. throttle=0.1,error500=0.05,error503=0.05,reset=0.02,lost=0.05,latency=20-200@0.3
                   (reset: dropped before the request runs; lost: dropped after it ran, changes kept)
  --seed N         seed for --faults (0..4294967295), so a run can be replayed
Credentials: ALIBABA_CLOUD_ACCESS_KEY_ID / ALIBABA_CLOUD_ACCESS_KEY_SECRET [/ ALIBABA_CLOUD_SECURITY_TOKEN],
else the demo pair ${DEMO_CREDENTIALS.accessKeyId} / ${DEMO_CREDENTIALS.accessKeySecret}.
`;

class UsageError extends Error {}

const VALUE_FLAGS = ['host', 'port', 'casters', 'data', 'faults', 'seed'] as const;
type ValueFlag = (typeof VALUE_FLAGS)[number];

function parseArgs(argv: readonly string[]): Partial<Record<ValueFlag | 'help', string>> {
  const flags: Partial<Record<ValueFlag | 'help', string>> = {};
  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index]!;
    if (arg === '--help' || arg === '-h') {
      flags.help = 'true';
      continue;
    }
    const match = /^--([a-z]+)(?:=(.*))?$/s.exec(arg);
    if (!match || !(VALUE_FLAGS as readonly string[]).includes(match[1]!)) throw new UsageError(`Unknown argument "${arg}".`);
    const name = match[1] as ValueFlag;
    if (name in flags) throw new UsageError(`--${name} is given twice.`);
    let value = match[2];
    if (value === undefined) {
      value = argv[index + 1];
      if (value === undefined || value.startsWith('--')) throw new UsageError(`--${name} needs a value.`);
      index += 1;
    }
    flags[name] = value;
  }
  return flags;
}

function parseInteger(text: string, flag: string, max: number): number {
  if (!/^\d+$/.test(text) || Number(text) > max) throw new UsageError(`--${flag} must be a whole number from 0 to ${max}; got "${text}".`);
  return Number(text);
}

function optionsFrom(flags: Partial<Record<ValueFlag, string>>, env: CredentialEnv): EmulatorOptions {
  if (flags.host === '') throw new UsageError('--host must not be empty.');
  if (flags.faults !== undefined) parseFaultSpec(flags.faults); // Fail on a bad spec before anything starts.
  return {
    env,
    ...(flags.host !== undefined ? { host: flags.host } : {}),
    ...(flags.port !== undefined ? { port: parseInteger(flags.port, 'port', 65535) } : {}),
    ...(flags.casters !== undefined ? { castersFile: flags.casters } : {}),
    ...(flags.data !== undefined ? { dataFile: flags.data } : {}),
    ...(flags.faults !== undefined ? { faults: flags.faults } : {}),
    ...(flags.seed !== undefined ? { seed: parseInteger(flags.seed, 'seed', 2 ** 32 - 1) } : {}),
  };
}

function isDemoPair(credential: Credentials): boolean {
  return credential.accessKeyId === DEMO_CREDENTIALS.accessKeyId && credential.accessKeySecret === DEMO_CREDENTIALS.accessKeySecret;
}

/** Secrets that must never be printed: every AccessKey secret and STS token, except the documented demo secret when the demo pair is in use. */
function secretsOf(credentials: readonly Credentials[]): string[] {
  const demoShown = credentials.some(isDemoPair);
  return credentials
    .flatMap((credential) => [credential.accessKeySecret, ...(credential.securityToken ? [credential.securityToken] : [])])
    .filter((secret) => !(demoShown && secret === DEMO_CREDENTIALS.accessKeySecret));
}

/** The secrets the environment holds, for error messages written before the emulator has credentials. */
function secretsOfEnv(env: CredentialEnv): string[] {
  return ['ALIBABA_CLOUD_ACCESS_KEY_SECRET', 'ALIBABA_CLOUD_SECURITY_TOKEN'].flatMap((name) => {
    const value = env[name];
    return value ? [value] : [];
  });
}

function banner(emulator: RunningEmulator, showDemoStudio: boolean): string {
  const lines = [`ApsaraVideo Live API emulator (version ${emulator.apiVersion}) listening on ${emulator.url}/`];
  for (const credential of emulator.credentials) {
    // Only the documented demo secret is ever printed; a real-looking secret from the environment is not.
    const secret = isDemoPair(credential)
      ? `AccessKeySecret ${credential.accessKeySecret}  (the documented demo pair)`
      : '(secret not shown)';
    const token = credential.securityToken !== undefined ? ', requires its STS SecurityToken' : '';
    lines.push(`  AccessKeyId ${credential.accessKeyId}  ${secret}${token}`);
  }
  if (showDemoStudio) {
    lines.push(`  Demo studio: CasterId ${DEMO_STUDIO.CasterId}`);
    lines.push(`    CallbackUrl   ${DEMO_STUDIO.CallbackUrl}`);
    lines.push(`    DomainName    ${DEMO_STUDIO.DomainName}`);
    lines.push(`    SideOutputUrl ${DEMO_STUDIO.SideOutputUrl}`);
    lines.push('    (auth_key values are not printed; DescribeCasterConfig returns the full URLs)');
  } else {
    lines.push(`  Studios: ${emulator.casters.map((caster) => caster.CasterId).join(', ')}`);
  }
  if (emulator.faults) lines.push(`  Faults: ${formatFaultSpec(emulator.faults.spec)} (seed ${emulator.faults.seed})`);
  if (emulator.dataFile) lines.push(`  Data file: ${emulator.dataFile}`);
  lines.push(`  Inspect: ${emulator.url}/_emulator/episode-groups  ${emulator.url}/_emulator/requests`);
  lines.push('Press Ctrl+C to stop.');
  // The studio URLs carry auth_key tokens, shown as auth_key=<redacted>; and should any secret turn up in
  // a line (an AccessKeyId equal to a secret, a path), it is redacted too. Done once, over the whole text.
  return redactText(`${lines.join('\n')}\n`, secretsOf(emulator.credentials));
}

function waitForStop(signal: AbortSignal | undefined): Promise<string> {
  return new Promise((resolve) => {
    const finish = (reason: string): void => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      signal?.removeEventListener('abort', onAbort);
      resolve(reason);
    };
    const onInt = (): void => finish('SIGINT');
    const onTerm = (): void => finish('SIGTERM');
    const onAbort = (): void => finish('abort');
    process.once('SIGINT', onInt);
    process.once('SIGTERM', onTerm);
    if (signal?.aborted) finish('abort');
    else signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function writerOf(sink: TextSink): { write(text: string): unknown } {
  return typeof sink === 'function' ? { write: sink } : sink;
}

/**
 * `caster-carousel emulator [...]`: starts the emulator, prints where it listens and with which credentials,
 * and runs until SIGINT/SIGTERM. Returns the exit code: 0 after a clean stop, 2 for bad flags or a bad
 * casters/data file or fault spec, 1 when the server cannot start (e.g. the port is taken).
 */
export async function runEmulatorCommand(argv: readonly string[], io: EmulatorCommandIo = {}): Promise<number> {
  const stdout = writerOf(io.stdout ?? process.stdout);
  const rawStderr = writerOf(io.stderr ?? process.stderr);
  const env = io.env ?? process.env;
  // Error messages may quote a casters or data file (JSON parse errors show an excerpt): no auth_key or secret in them.
  const stderr = { write: (text: string): unknown => rawStderr.write(redactText(text, secretsOfEnv(env))) };
  let options: EmulatorOptions;
  try {
    const flags = parseArgs(argv);
    if (flags.help) {
      stdout.write(USAGE);
      return 0;
    }
    options = optionsFrom(flags, env);
  } catch (error) {
    if (error instanceof UsageError || error instanceof EmulatorConfigError) {
      stderr.write(`caster-carousel emulator: ${error.message}\nRun "caster-carousel emulator --help" for usage.\n`);
      return 2;
    }
    throw error;
  }

  let emulator: RunningEmulator;
  try {
    emulator = await startEmulator(options);
  } catch (error) {
    stderr.write(`caster-carousel emulator: ${(error as Error).message}\n`);
    return error instanceof EmulatorConfigError ? 2 : 1;
  }
  // Listen for signals before announcing the address: a script may stop us as soon as it reads the banner.
  const stopped = waitForStop(io.signal);
  stdout.write(banner(emulator, options.castersFile === undefined));
  const reason = await stopped;
  await emulator.close();
  stdout.write(`Emulator stopped (${reason}).\n`);
  return 0;
}
