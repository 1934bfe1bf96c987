import { type CommandDeclaration, type FlagDeclaration, flagsOf } from './command';

const PROGRAM = 'caster-carousel';

/** Exit codes, as every help text states them. */
export const EXIT_CODES_TEXT = 'Exit codes: 0 done, 1 API or network failure, 2 invalid input or usage (nothing sent).';

function flagSynopsis(flag: FlagDeclaration): string {
  return flag.takes === 'value' ? `--${flag.name} ${flag.valueName ?? 'VALUE'}` : `--${flag.name}`;
}

/** One line: `caster-carousel <name> <positionals> [--flag VALUE]...`. */
export function usageLine(command: CommandDeclaration): string {
  const parts = [PROGRAM, command.name];
  if (command.positionals.usage) parts.push(command.positionals.usage);
  for (const flag of flagsOf(command)) parts.push(`[${flagSynopsis(flag)}]`);
  return parts.join(' ');
}

/** What `caster-carousel <name> --help` prints. */
export function commandHelp(command: CommandDeclaration): string {
  const flags = flagsOf(command);
  const width = Math.max(0, ...flags.map((flag) => flagSynopsis(flag).length));
  const lines = [`Usage: ${usageLine(command)}`, '', command.summary];
  if (flags.length > 0) {
    lines.push('', 'Options:');
    for (const flag of flags) lines.push(`  ${flagSynopsis(flag).padEnd(width)}  ${flag.summary}`);
  }
  if (command.details) lines.push('', command.details.trimEnd());
  lines.push('', EXIT_CODES_TEXT, '');
  return lines.join('\n');
}

/** What `caster-carousel --help` prints: every declared command with its summary. */
export function programHelp(commands: readonly CommandDeclaration[]): string {
  const width = Math.max(...commands.map((command) => command.name.length));
  return [
    `${PROGRAM}: schedule carousel playback in ApsaraVideo Live production studios`,
    '',
    `Usage: ${PROGRAM} <command> [arguments] [options]`,
    `       ${PROGRAM} <command> --help     usage of one command`,
    `       ${PROGRAM} --version`,
    '',
    'Commands:',
    ...commands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`),
    '',
    'Credentials: Alibaba Cloud default chain (environment, ~/.aliyun/config.json, ~/.alibabacloud/credentials, ...);',
    '`--profile NAME` or ALIBABA_CLOUD_PROFILE picks a profile. `caster-carousel whoami` shows which one is used.',
    EXIT_CODES_TEXT,
    '',
  ].join('\n');
}
