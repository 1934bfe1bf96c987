/**
 * A fleet of local FC instances running the BUILT function bundles (dist/functions/<name>/index.js) with the
 * BUILT layer reachable only through NODE_PATH, each in a child process of its own (local/fc-host.ts), as
 * Function Compute runs them. Every line an instance writes is kept, so tests can read its JSON logs and scan
 * them for secrets.
 *
 * @example
 * const fleet = startFleet([{ name: 'http', instance: 'http-a' }], { env, credentials, onLine });
 * const outcome = await fleet.instances[0].invoke(httpEventBuffer({ body: plan }));
 * await fleet.close();
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type FcFunctionHost, type HostCredentials, startFcFunction } from '../../local/fc-host';

export type { InvocationOutcome } from '../../local/fc-host';

export type FunctionName = 'http' | 'timer' | 'event';

const DIST = fileURLToPath(new URL('../../dist/', import.meta.url));
export const LAYER_NODE_MODULES = `${DIST}layer/nodejs/node_modules`;

/** The folder of a built function bundle (FC's /code). */
export function functionCodeDir(name: FunctionName): string {
  return `${DIST}functions/${name}`;
}

/** Fails with what to do when the bundles are missing, instead of timing out in a child process. */
export function requireBuiltFunctions(): void {
  const missing = (['http', 'timer', 'event'] as const).filter((name) => !existsSync(`${functionCodeDir(name)}/index.js`));
  if (missing.length > 0 || !existsSync(`${LAYER_NODE_MODULES}/caster-carousel-shared/index.js`)) {
    throw new Error(
      `dist/ is incomplete (missing: ${[...missing, 'layer'].join(', ')}): run \`node scripts/build.mjs\` first (npm test does)`,
    );
  }
}

/** One line an instance wrote, with the instance it came from. */
export interface InstanceLine {
  readonly instance: string;
  readonly stream: 'stdout' | 'stderr';
  readonly text: string;
}

export interface FleetInstance extends FcFunctionHost {
  /** A name of the test's choosing, e.g. `http-a`. */
  readonly instance: string;
  readonly functionName: FunctionName;
}

export interface Fleet {
  readonly instances: readonly FleetInstance[];
  /** Every complete line written so far by every instance. */
  readonly lines: readonly InstanceLine[];
  /** The lines that are JSON objects (the project's log lines), parsed. */
  jsonLogs(): (Record<string, unknown> & { instance: string })[];
  close(): Promise<void>;
}

export interface FleetOptions {
  /** The function environment variables (the host's own environment is not passed on, as on FC). */
  readonly env: Readonly<Record<string, string>>;
  /** context.credentials, as FC hands a function with a role. */
  readonly credentials?: HostCredentials;
  /** Seconds; default 60. */
  readonly timeoutSeconds?: number;
  /** Called with every complete line, as it arrives. */
  readonly onLine?: (line: InstanceLine) => void;
}

/** Starts (lazily, on first invocation) one FC instance per entry. */
export function startFleet(
  members: readonly { name: FunctionName; instance: string; env?: Readonly<Record<string, string>>; credentials?: HostCredentials }[],
  options: FleetOptions,
): Fleet {
  requireBuiltFunctions();
  const lines: InstanceLine[] = [];
  const instances = members.map((member): FleetInstance => {
    const partial: Record<'stdout' | 'stderr', string> = { stdout: '', stderr: '' };
    const host = startFcFunction({
      name: `caster-carousel-${member.name}`,
      codeDir: functionCodeDir(member.name),
      layerNodeModulesDir: LAYER_NODE_MODULES,
      env: { ...options.env, ...member.env },
      ...((member.credentials ?? options.credentials) ? { credentials: member.credentials ?? options.credentials } : {}),
      timeoutSeconds: options.timeoutSeconds ?? 60,
      onOutput: (text, stream) => {
        const pieces = (partial[stream] + text).split('\n');
        partial[stream] = pieces.pop() ?? '';
        for (const piece of pieces) {
          if (piece === '') continue;
          const line = { instance: member.instance, stream, text: piece };
          lines.push(line);
          options.onLine?.(line);
        }
      },
    });
    return { ...host, instance: member.instance, functionName: member.name };
  });
  return {
    instances,
    lines,
    jsonLogs: () =>
      lines.flatMap((line) => {
        if (!line.text.startsWith('{')) return [];
        try {
          return [{ ...(JSON.parse(line.text) as Record<string, unknown>), instance: line.instance }];
        } catch {
          return [];
        }
      }),
    close: async () => {
      await Promise.all(instances.map((instance) => instance.close()));
    },
  };
}
