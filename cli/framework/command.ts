import type { CliIo } from '../cli-io';

/** A flag a command accepts: `--name VALUE` (or `--name=VALUE`) when it takes a value, plain `--name` when boolean. */
export interface FlagDeclaration {
  readonly name: string;
  readonly takes: 'value' | 'boolean';
  /** How the value is shown in usage, e.g. `FILE`; only for flags that take a value. */
  readonly valueName?: string;
  readonly summary: string;
}

/** The positional arguments a command takes: how usage shows them and how many are allowed. */
export interface PositionalDeclaration {
  readonly usage: string;
  readonly min: number;
  readonly max: number;
}

/** A command line after parsing, checked against the command's declaration. */
export interface ParsedCommandLine {
  readonly positionals: readonly string[];
  /** By flag name without dashes: the value for value flags, `true` for boolean flags that were given. */
  readonly flags: Readonly<Record<string, string | true>>;
}

/** One `caster-carousel <name>` command, declared so that parsing, usage and help are generic. */
export interface CommandDeclaration {
  readonly name: string;
  /** One line for the command list of `caster-carousel --help`. */
  readonly summary: string;
  readonly positionals: PositionalDeclaration;
  readonly flags: readonly FlagDeclaration[];
  /** Commands that sign requests also accept the global `--profile NAME`. */
  readonly sendsRequests: boolean;
  /**
   * What a refused plan or usage means for this command, as error reports say it: `nothing was sent` unless the
   * command never sends (check: `submit would refuse it`).
   */
  readonly refusal?: string;
  /** Extra lines for `caster-carousel <name> --help`, after the flags. */
  readonly details?: string;
  /** Runs the command and returns its exit code; throws CasterCarouselError subclasses for reportable failures. */
  run(parsed: ParsedCommandLine, io: CliIo): Promise<number>;
}

/** The flag every command that signs requests accepts, choosing a credentials profile by name. */
export const PROFILE_FLAG: FlagDeclaration = {
  name: 'profile',
  takes: 'value',
  valueName: 'NAME',
  summary: 'use this profile of ~/.aliyun/config.json or ~/.alibabacloud/credentials',
};

/** Every flag a command accepts, its own and the global ones. */
export function flagsOf(command: CommandDeclaration): readonly FlagDeclaration[] {
  return command.sendsRequests ? [...command.flags, PROFILE_FLAG] : command.flags;
}

/** The value of a value flag, or undefined when it was not given. */
export function flagValue(parsed: ParsedCommandLine, name: string): string | undefined {
  const value = parsed.flags[name];
  return typeof value === 'string' ? value : undefined;
}

/** True when a boolean flag was given. */
export function flagGiven(parsed: ParsedCommandLine, name: string): boolean {
  return parsed.flags[name] !== undefined;
}
