import { type CliIo, EXIT_INVALID_INPUT, EXIT_OK, reportError } from './cli-io';
import { configCommand } from './commands/config';
import { deleteCommand } from './commands/delete';
import { submitCommand } from './commands/submit';
import { createTimelineCommand } from './commands/timeline';

const USAGE = `caster-carousel: schedule carousel playback in ApsaraVideo Live production studios

Usage:
  caster-carousel submit <plan.json | -> [--dry-run]   validate a plan and schedule it (AddCasterEpisodeGroup)
  caster-carousel config <CasterId>                    show a studio's DescribeCasterConfig
  caster-carousel delete <ProgramId>                   delete a scheduled episode group
  caster-carousel timeline [--out FILE] [--all]        the schedule as one HTML page (stdout without --out)
  caster-carousel emulator [--host H] [--port P] [--casters FILE] [--data FILE] [--faults SPEC] [--seed N]
                                                       run the local Live API emulator

Environment: ALIBABA_CLOUD_ACCESS_KEY_ID, ALIBABA_CLOUD_ACCESS_KEY_SECRET, ALIBABA_CLOUD_SECURITY_TOKEN,
LIVE_ENDPOINT, LIVE_REGION_ID, CASTER_ID, LIVE_SIGNATURE_ALGORITHM, LIVE_TIMEOUT_MS, REDIS_URL, LOG_LEVEL.
Exit codes: 0 done, 1 API or network failure, 2 invalid input (nothing sent).
`;

type Command = (args: readonly string[], io: CliIo) => Promise<number>;

/** Runs one CLI invocation and returns its exit code; never throws. */
export async function runCli(argv: readonly string[], io: CliIo, commands: Record<string, Command> = {}): Promise<number> {
  const [name, ...args] = argv;
  const table: Record<string, Command> = {
    submit: submitCommand,
    config: configCommand,
    delete: deleteCommand,
    timeline: createTimelineCommand(),
    ...commands,
  };
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(USAGE);
    return name === undefined ? EXIT_INVALID_INPUT : EXIT_OK;
  }
  const command = table[name];
  if (!command) {
    io.stderr(`Unknown command "${name}".\n\n${USAGE}`);
    return EXIT_INVALID_INPUT;
  }
  try {
    return await command(args, io);
  } catch (error) {
    return reportError(io, error);
  }
}
