import { type CliIo, EXIT_INVALID_INPUT, EXIT_OK } from './cli-io';
import { COMMANDS } from './commands/registry';
import type { CommandDeclaration } from './framework/command';
import { commandHelp, programHelp } from './framework/help-text';
import { asksForHelp, parseCommandLine } from './framework/parse-command-line';
import { reportError } from './report-error';
import { CLI_VERSION } from './version';

/** Runs one CLI invocation and returns its exit code; never throws. Help and version read nothing and send nothing. */
export async function runCli(argv: readonly string[], io: CliIo, commands: readonly CommandDeclaration[] = COMMANDS): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined) {
    io.stderr(programHelp(commands));
    return EXIT_INVALID_INPUT;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' ? commands.find((command) => command.name === args[0]) : undefined;
    io.stdout(topic ? commandHelp(topic) : programHelp(commands));
    return EXIT_OK;
  }
  if (name === '--version' || name === '-V') {
    io.stdout(`${CLI_VERSION}\n`);
    return EXIT_OK;
  }
  const command = commands.find((candidate) => candidate.name === name);
  if (!command) {
    io.stderr(`caster-carousel: unknown command ${JSON.stringify(name).slice(0, 60)}\n\n${programHelp(commands)}`);
    return EXIT_INVALID_INPUT;
  }
  if (asksForHelp(args)) {
    io.stdout(commandHelp(command));
    return EXIT_OK;
  }
  try {
    return await command.run(parseCommandLine(command, args), io);
  } catch (error) {
    return reportError(io, error, command, args);
  }
}
