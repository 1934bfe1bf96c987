import { parseArgs } from 'node:util';
import type { EmulatorOptions } from '../emulator/index';
import { UsageError } from '../shared/src/errors';

/** `npm start -- --help`. */
export const START_USAGE = `Usage: npm start -- [--faults SPEC] [--casters FILE] [--data FILE] [--seed N] [--s-yaml FILE]

The three functions on a local Function Compute host, against the Live API emulator.
  --faults SPEC    faults the emulator injects, e.g. throttle=1 (429), error503=1 (503),
                   latency=3000 with LIVE_TIMEOUT_MS=500 (504); syntax in docs/emulator.md
  --casters FILE   the emulator's studios (JSON, DescribeCasterConfig shape); the first is the functions' CASTER_ID
  --data FILE      keep the emulator's episode groups and ClientToken records in FILE across restarts
  --seed N         seed for --faults (0..4294967295), so a run can be replayed
  --s-yaml FILE    the Serverless Devs file whose timers, allow-lists and scaling the stack runs
                   (default: the repository's s.yaml)
PORT (9000) and EMULATOR_PORT (8787) set the ports; the functions get the rest of your environment
(LIVE_TIMEOUT_MS, LOG_LEVEL, ...), with the emulator's endpoint and the local credentials.
`;

/** What the command line asks of `npm start`. */
export interface StartOptions {
  readonly help: boolean;
  /** Handed to startEmulator: faults, casters file, data file, seed. */
  readonly emulator: Pick<EmulatorOptions, 'faults' | 'castersFile' | 'dataFile' | 'seed'>;
  /** --s-yaml: the s.yaml to run instead of the repository's. */
  readonly sYamlFile?: string;
}

const MAX_SEED = 2 ** 32 - 1;

/** Parses `npm start`'s arguments; anything unknown, repeated or without its value is a UsageError naming it. */
export function parseStartArgs(argv: readonly string[]): StartOptions {
  let values: Record<string, string | boolean | undefined>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: true,
      options: {
        faults: { type: 'string' },
        casters: { type: 'string' },
        data: { type: 'string' },
        seed: { type: 'string' },
        's-yaml': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    // Node's messages name the flag ("Unknown option '--fault'. To specify a positional...", "Option '--seed
    // <value>' argument missing"); the first sentence is the useful part.
    const message = (error as Error).message;
    const unknown = /^Unknown option '([^']+)'/.exec(message);
    const reason = unknown ? `Unknown flag "${unknown[1]}".` : message.split('. ')[0];
    throw new UsageError(`${reason}\n\n${START_USAGE}`, { cause: error });
  }
  if (positionals.length > 0) throw new UsageError(`Unexpected argument "${positionals[0]}".\n\n${START_USAGE}`);
  const text = (name: string): string | undefined => {
    const value = values[name];
    if (value === '') throw new UsageError(`--${name} needs a value.\n\n${START_USAGE}`);
    return typeof value === 'string' ? value : undefined;
  };
  const seedText = text('seed');
  if (seedText !== undefined && (!/^\d{1,10}$/.test(seedText) || Number(seedText) > MAX_SEED)) {
    throw new UsageError(`--seed must be a whole number from 0 to ${MAX_SEED}; got "${seedText}".`);
  }
  const faults = text('faults');
  const castersFile = text('casters');
  const dataFile = text('data');
  const sYamlFile = text('s-yaml');
  return {
    help: values['help'] === true,
    ...(sYamlFile !== undefined ? { sYamlFile } : {}),
    emulator: {
      ...(faults !== undefined ? { faults } : {}),
      ...(castersFile !== undefined ? { castersFile } : {}),
      ...(dataFile !== undefined ? { dataFile } : {}),
      ...(seedText !== undefined ? { seed: Number(seedText) } : {}),
    },
  };
}
