/**
 * What the local host needs from s.yaml to run the functions as FC would: per resource, how many requests an
 * instance takes (`instanceConcurrency`), how many instances may run (`concurrencyConfig.reservedConcurrency`)
 * and the pacing variables (`PACING_SHARE`). Overrides come from options or the host's environment.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { FunctionScaling } from './fc-host';

/** FC's default: one request per instance. */
export const FC_DEFAULT_INSTANCE_CONCURRENCY = 1;
/** The most instances the local host starts for a function whose s.yaml sets no cap (FC allows far more). */
export const LOCAL_MAX_INSTANCES = 16;
/** How the local host scales a function s.yaml does not describe: FC's default, under the local cap. */
export const FC_DEFAULT_SCALING: FunctionScaling = {
  instanceConcurrency: FC_DEFAULT_INSTANCE_CONCURRENCY,
  maxInstances: LOCAL_MAX_INSTANCES,
};
/** The function variables the local host copies from s.yaml (the others point at the cloud). */
const PACING_VARIABLES = ['PACING_SHARE'] as const;

/** One function's deployment settings that shape pacing, as s.yaml declares them. */
export interface FunctionDeployment {
  readonly scaling: FunctionScaling;
  /** Whether s.yaml itself caps the instances (else `maxInstances` is the local cap). */
  readonly cappedInSYaml: boolean;
  /** The pacing variables s.yaml sets for the function. */
  readonly pacingEnv: Readonly<Record<string, string>>;
  /** s.yaml's `timeout` in seconds, when it sets one. */
  readonly timeoutSeconds?: number;
}

/** Reads every fc3 resource of an s.yaml file, keyed by resource name (`http`, `timer`, `event`). */
export function readFunctionDeployments(sYamlPath: string): Record<string, FunctionDeployment> {
  const file = parse(readFileSync(sYamlPath, 'utf8')) as { resources?: Record<string, { props?: Record<string, unknown> }> };
  const deployments: Record<string, FunctionDeployment> = {};
  for (const [name, resource] of Object.entries(file.resources ?? {})) {
    const props = resource.props ?? {};
    const concurrency = props['instanceConcurrency'];
    const reserved = (props['concurrencyConfig'] as { reservedConcurrency?: unknown } | undefined)?.reservedConcurrency;
    const variables = (props['environmentVariables'] ?? {}) as Record<string, unknown>;
    const pacingEnv: Record<string, string> = {};
    for (const variable of PACING_VARIABLES) {
      const value = variables[variable];
      if (value !== undefined) pacingEnv[variable] = literal(value, `${name}.environmentVariables.${variable}`);
    }
    deployments[name] = {
      scaling: {
        instanceConcurrency:
          concurrency === undefined ? FC_DEFAULT_INSTANCE_CONCURRENCY : positiveInteger(concurrency, `${name}.instanceConcurrency`),
        maxInstances:
          reserved === undefined ? LOCAL_MAX_INSTANCES : positiveInteger(reserved, `${name}.concurrencyConfig.reservedConcurrency`),
      },
      cappedInSYaml: reserved !== undefined,
      pacingEnv,
      ...(props['timeout'] === undefined ? {} : { timeoutSeconds: positiveInteger(props['timeout'], `${name}.timeout`) }),
    };
  }
  return deployments;
}

/**
 * Applies LOCAL_INSTANCE_CONCURRENCY and LOCAL_MAX_INSTANCES from `env` (each function alike), e.g. to try
 * FC's default of one request per instance; a bad value is an error naming the variable.
 */
export function scalingWithOverrides(scaling: FunctionScaling, env: NodeJS.ProcessEnv): FunctionScaling {
  const concurrency = env['LOCAL_INSTANCE_CONCURRENCY'];
  const maxInstances = env['LOCAL_MAX_INSTANCES'];
  return {
    instanceConcurrency: concurrency ? positiveInteger(concurrency, 'LOCAL_INSTANCE_CONCURRENCY') : scaling.instanceConcurrency,
    maxInstances: maxInstances ? positiveInteger(maxInstances, 'LOCAL_MAX_INSTANCES') : scaling.maxInstances,
  };
}

function positiveInteger(value: unknown, where: string): number {
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isInteger(number) || number < 1) throw new Error(`${where} must be a positive integer`);
  return number;
}

function literal(value: unknown, where: string): string {
  if ((typeof value !== 'string' && typeof value !== 'number') || String(value).includes('${')) {
    throw new Error(`${where} must be a literal value for the local host to use it`);
  }
  return String(value);
}
