/**
 * `node dist/local/start.js` (what `npm start` runs) on free ports, as a test's local FC host: the three
 * functions scaled as s.yaml deploys them, in front of a Live API emulator at its real limits.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RequestLogEntry } from '../../emulator/index';

const root = fileURLToPath(new URL('../../', import.meta.url));
const startScript = join(root, 'dist/local/start.js');

/** Per function, the instances the host runs (GET /_local/instances). */
export type InstancesByFunction = Record<
  'http' | 'timer' | 'event',
  { instances: { instanceId: string; pid: number }[]; instancesStarted: number }
>;

export interface LocalHost {
  readonly baseUrl: string;
  readonly emulatorUrl: string;
  /** What the host and its functions printed (JSON log lines included). */
  output(): string;
  /** The AddCasterEpisodeGroup requests the emulator received, oldest first. */
  addRequests(): Promise<RequestLogEntry[]>;
  instances(): Promise<InstancesByFunction>;
  /** Ctrl-C: sends SIGINT and resolves with the exit code. */
  interrupt(): Promise<number | null>;
  stop(): Promise<void>;
}

/** Starts the local host with extra environment (e.g. REDIS_URL) and flags; builds dist/ first when it is missing. */
export async function startLocalHost(env: Readonly<Record<string, string>> = {}, args: readonly string[] = []): Promise<LocalHost> {
  if (!existsSync(startScript))
    execFileSync(process.execPath, [join(root, 'scripts/build.mjs')], { cwd: root, stdio: 'ignore', timeout: 120_000 });
  const child: ChildProcess = spawn(process.execPath, [startScript, ...args], {
    cwd: root,
    env: { PATH: process.env['PATH'] ?? '', PORT: '0', EMULATOR_PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let printed = '';
  child.stdout?.setEncoding('utf8').on('data', (text: string) => (printed += text));
  child.stderr?.setEncoding('utf8').on('data', (text: string) => (printed += text));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the local host printed no instructions:\n${printed}`)), 20_000);
    child.stdout?.on('data', () => {
      if (!printed.includes('Ctrl-C stops everything')) return;
      clearTimeout(timer);
      resolve();
    });
    child.once('exit', (code) => reject(new Error(`the local host exited with ${code}:\n${printed}`)));
  });
  const baseUrl = /POST (http:\/\/127\.0\.0\.1:\d+)\//.exec(printed)?.[1] ?? '';
  const emulatorUrl = /curl -s (http:\/\/127\.0\.0\.1:\d+)\/_emulator\/episode-groups/.exec(printed)?.[1] ?? '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    baseUrl,
    emulatorUrl,
    output: () => printed,
    addRequests: async () =>
      ((await (await fetch(`${emulatorUrl}/_emulator/requests`)).json()) as { Requests: RequestLogEntry[] }).Requests.filter(
        (entry) => entry.Action === 'AddCasterEpisodeGroup',
      ),
    instances: async () => (await (await fetch(`${baseUrl}/_local/instances`)).json()) as InstancesByFunction,
    interrupt: async () => {
      child.kill('SIGINT');
      return exited;
    },
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}

/** The most entries whose `Time` falls within any one-second span (the emulator counts its limit that way). */
export function mostInOneSecond(entries: readonly RequestLogEntry[]): number {
  const times = entries.map((entry) => Date.parse(entry.Time)).sort((a, b) => a - b);
  let most = 0;
  let first = 0;
  for (let last = 0; last < times.length; last += 1) {
    while ((times[last] as number) - (times[first] as number) >= 1000) first += 1;
    most = Math.max(most, last - first + 1);
  }
  return most;
}
