import { UsageError } from '../../shared/src/errors';
import { type CommandDeclaration, flagsOf, type ParsedCommandLine } from './command';

/** True when the arguments ask for help (`--help` or `-h` before any `--`), whatever else they hold. */
export function asksForHelp(args: readonly string[]): boolean {
  for (const arg of args) {
    if (arg === '--') return false;
    if (arg === '--help' || arg === '-h') return true;
  }
  return false;
}

/** Parses a command's arguments against its declaration; any mistake is a UsageError worded for the user. */
export function parseCommandLine(command: CommandDeclaration, args: readonly string[]): ParsedCommandLine {
  const declared = new Map(flagsOf(command).map((flag) => [flag.name, flag]));
  const positionals: string[] = [];
  const flags: Record<string, string | true> = {};
  let onlyPositionals = false;
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index]!;
    // `-` alone is a positional (standard input); after `--` everything is.
    if (onlyPositionals || arg === '-' || !arg.startsWith('-')) {
      positionals.push(arg);
      continue;
    }
    if (arg === '--') {
      onlyPositionals = true;
      continue;
    }
    const match = /^--([^=]+)(?:=(.*))?$/s.exec(arg);
    const flag = match ? declared.get(match[1]!) : undefined;
    if (!match || !flag) throw new UsageError(`unknown option ${printable(arg.split('=')[0]!)}`);
    if (flags[flag.name] !== undefined) throw new UsageError(`--${flag.name} is given twice`);
    const inlineValue = match[2];
    if (flag.takes === 'boolean') {
      if (inlineValue !== undefined) throw new UsageError(`--${flag.name} takes no value`);
      flags[flag.name] = true;
      continue;
    }
    const value = inlineValue ?? args[index + 1];
    if (value === undefined || (inlineValue === undefined && value.startsWith('--'))) {
      throw new UsageError(`--${flag.name} needs a value (${flag.valueName ?? 'VALUE'})`);
    }
    if (value === '') throw new UsageError(`--${flag.name} must not be empty`);
    if (inlineValue === undefined) index += 1;
    flags[flag.name] = value;
  }
  checkPositionalCount(command, positionals);
  return { positionals, flags };
}

function checkPositionalCount(command: CommandDeclaration, positionals: readonly string[]): void {
  const { min, max, usage } = command.positionals;
  if (positionals.length < min) throw new UsageError(`missing ${usage}`);
  if (positionals.length > max) {
    const extra = positionals.slice(max).map(printable).join(' ');
    throw new UsageError(max === 0 ? `takes no arguments, got ${extra}` : `too many arguments: ${extra}`);
  }
}

// Arguments are echoed in usage errors; keep them short and on one line.
function printable(text: string): string {
  const oneLine = JSON.stringify(text);
  return oneLine.length > 60 ? `${oneLine.slice(0, 57)}..."` : oneLine;
}
