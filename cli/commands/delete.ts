import { cancelGroup } from '../../shared/src/schedule/cancel-groups';
import { type CliIo, EXIT_OK, printJson } from '../cli-io';
import { type CommandDeclaration, flagValue, type ParsedCommandLine } from '../framework/command';
import { createLiveContext } from '../live-context';

/** `delete <ProgramId>`: removes a scheduled episode group, and marks it cancelled in the ledger. */
export const deleteCommand: CommandDeclaration = {
  name: 'delete',
  summary: 'delete a scheduled episode group (DeleteCasterEpisodeGroup); the ledger marks it cancelled',
  positionals: { usage: '<ProgramId>', min: 1, max: 1 },
  flags: [],
  sendsRequests: true,
  async run(parsed: ParsedCommandLine, io: CliIo): Promise<number> {
    const programId = parsed.positionals[0]!;
    const context = await createLiveContext(io, { requireCredentials: true, profile: flagValue(parsed, 'profile') });
    try {
      const outcome = await cancelGroup(programId, context.dependencies);
      printJson(io, {
        ProgramId: programId,
        RequestId: outcome.RequestId ?? '-',
        State: outcome.State,
        ...(outcome.AlreadyGone ? { AlreadyGone: true } : {}),
        ...(outcome.AlreadyDone ? { AlreadyDone: true } : {}),
      });
      return EXIT_OK;
    } finally {
      await context.close();
    }
  },
};
