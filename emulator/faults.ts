import { EmulatorConfigError } from './config-error';
import { mulberry32 } from './prng';

/**
 * The injected failures a request can get instead of its real answer. All but `lost` stop the request
 * before the operation runs; `lost` lets the operation run (and its changes persist), then drops the
 * connection without an answer, as when a response is lost on the way back.
 */
export type FaultKind = 'throttle' | 'error500' | 'error503' | 'reset' | 'lost';

/** Extra delay before answering: a uniform whole number of ms in [minMs, maxMs], applied with `probability`. */
export interface LatencyFault {
  readonly minMs: number;
  readonly maxMs: number;
  readonly probability: number;
}

/** Probabilities (0..1, summing to at most 1) of each injected failure, plus optional latency. */
export interface FaultSpec {
  readonly throttle?: number;
  readonly error500?: number;
  readonly error503?: number;
  readonly reset?: number;
  /** The operation runs, then the answer is lost (connection dropped): what a ClientToken retry must survive. */
  readonly lost?: number;
  readonly latency?: LatencyFault;
}

/** What happens to one API request: at most one failure, and a delay (0 when none). */
export interface FaultDecision {
  readonly kind: FaultKind | undefined;
  readonly latencyMs: number;
}

// Order matters: each kind takes the next slice of [0, 1) of the failure draw. `lost` comes last, so adding
// it leaves the slices (and so a seed's faults) of the other kinds as they were.
const KINDS: readonly FaultKind[] = ['throttle', 'error500', 'error503', 'reset', 'lost'];
const SPEC_HELP = 'expected e.g. "throttle=0.1,error500=0.05,error503=0.05,reset=0.02,lost=0.05,latency=20-200@0.3"';

function parseProbability(text: string, part: string): number {
  if (!/^(?:0(?:\.\d+)?|1(?:\.0+)?|\.\d+)$/.test(text)) {
    throw new EmulatorConfigError(`Invalid fault "${part}": the probability must be a number from 0 to 1.`);
  }
  return Number(text);
}

function parseMs(text: string, part: string): number {
  if (!/^\d{1,7}$/.test(text))
    throw new EmulatorConfigError(`Invalid fault "${part}": latency must be whole milliseconds, e.g. latency=20-200@0.3.`);
  return Number(text);
}

function parseLatency(value: string, part: string): LatencyFault {
  // MIN-MAX@P, MIN-MAX (always), MS@P or MS.
  const match = /^([^@-]+)(?:-([^@]+))?(?:@(.+))?$/.exec(value);
  if (!match) throw new EmulatorConfigError(`Invalid fault "${part}": expected latency=MIN-MAX@PROBABILITY, e.g. latency=20-200@0.3.`);
  const minMs = parseMs(match[1]!, part);
  const maxMs = match[2] === undefined ? minMs : parseMs(match[2], part);
  const probability = match[3] === undefined ? 1 : parseProbability(match[3], part);
  if (maxMs < minMs) throw new EmulatorConfigError(`Invalid fault "${part}": the latency range ${minMs}-${maxMs} ends before it starts.`);
  return { minMs, maxMs, probability };
}

/** Parses a `--faults` spec such as `throttle=0.1,lost=0.05,latency=20-200@0.3`; errors name the bad part. */
export function parseFaultSpec(spec: string): FaultSpec {
  if (spec.trim() === '') throw new EmulatorConfigError(`Invalid --faults spec: it is empty; ${SPEC_HELP}.`);
  const result: { -readonly [K in keyof FaultSpec]: FaultSpec[K] } = {};
  for (const rawPart of spec.split(',')) {
    const part = rawPart.trim();
    const eq = part.indexOf('=');
    if (eq <= 0) throw new EmulatorConfigError(`Invalid fault "${part}": expected name=value; ${SPEC_HELP}.`);
    const name = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (name in result) throw new EmulatorConfigError(`Invalid fault "${part}": "${name}" is given twice.`);
    if (name === 'latency') result.latency = parseLatency(value, part);
    else if ((KINDS as readonly string[]).includes(name)) result[name as FaultKind] = parseProbability(value, part);
    else throw new EmulatorConfigError(`Invalid fault "${part}": unknown fault "${name}" (known: ${[...KINDS, 'latency'].join(', ')}).`);
  }
  return validateFaultSpec(result);
}

/** Checks a fault spec given as an object (known kinds, probabilities in range and summing to at most 1); returns it. */
export function validateFaultSpec(spec: FaultSpec): FaultSpec {
  for (const name of Object.keys(spec)) {
    if (name !== 'latency' && !(KINDS as readonly string[]).includes(name)) {
      throw new EmulatorConfigError(`Invalid fault "${name}": unknown fault (known: ${[...KINDS, 'latency'].join(', ')}).`);
    }
  }
  let total = 0;
  for (const kind of KINDS) {
    const p = spec[kind];
    if (p === undefined) continue;
    if (typeof p !== 'number' || !(p >= 0 && p <= 1))
      throw new EmulatorConfigError(`Invalid fault "${kind}=${String(p)}": the probability must be a number from 0 to 1.`);
    total += p;
  }
  // The failures are exclusive outcomes of one draw, so together they cannot exceed certainty.
  if (total > 1 + 1e-9) throw new EmulatorConfigError(`Invalid faults: ${KINDS.join(' + ')} add up to ${total}, more than 1.`);
  const latency = spec.latency;
  if (latency !== undefined) {
    const { minMs, maxMs, probability } = latency;
    if (!Number.isInteger(minMs) || !Number.isInteger(maxMs) || minMs < 0 || maxMs < minMs) {
      throw new EmulatorConfigError(`Invalid fault "latency": minMs and maxMs must be whole milliseconds with 0 <= minMs <= maxMs.`);
    }
    if (typeof probability !== 'number' || !(probability >= 0 && probability <= 1)) {
      throw new EmulatorConfigError(`Invalid fault "latency": the probability must be a number from 0 to 1.`);
    }
  }
  return spec;
}

/** The spec written back in `--faults` syntax, for the startup banner. */
export function formatFaultSpec(spec: FaultSpec): string {
  const parts: string[] = KINDS.filter((kind) => spec[kind] !== undefined).map((kind) => `${kind}=${spec[kind]}`);
  if (spec.latency) parts.push(`latency=${spec.latency.minMs}-${spec.latency.maxMs}@${spec.latency.probability}`);
  return parts.join(',');
}

/** A random 32-bit seed, for runs where none is given (it is printed so the run can be replayed). */
export function randomSeed(): number {
  return Math.floor(Math.random() * 2 ** 32) >>> 0;
}

/**
 * Draws one fault decision per API request, in arrival order. Every request consumes exactly three draws
 * (failure, latency yes/no, latency amount) whatever the outcome, so the sequence never drifts out of step.
 * The failure kind comes from one draw split into consecutive slices (throttle, error500, error503, reset,
 * lost), so a seed gives the other kinds the same requests whether or not `lost` is configured.
 */
export class FaultInjector {
  private readonly nextUniform: () => number;

  constructor(
    readonly spec: FaultSpec,
    readonly seed: number,
  ) {
    this.nextUniform = mulberry32(seed);
  }

  /** The fault for the next arriving API request. */
  decide(): FaultDecision {
    const failureDraw = this.nextUniform();
    const latencyDraw = this.nextUniform();
    const amountDraw = this.nextUniform();

    let kind: FaultKind | undefined;
    let cumulative = 0;
    for (const candidate of KINDS) {
      cumulative += this.spec[candidate] ?? 0;
      if (failureDraw < cumulative) {
        kind = candidate;
        break;
      }
    }

    const latency = this.spec.latency;
    const latencyMs =
      latency && latencyDraw < latency.probability ? latency.minMs + Math.floor(amountDraw * (latency.maxMs - latency.minMs + 1)) : 0;
    return { kind, latencyMs };
  }
}
