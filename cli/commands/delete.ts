import { deleteCasterEpisodeGroup } from '../../shared/src/live/operations';
import { type CliIo, EXIT_OK, printJson } from '../cli-io';
import { type CommandDeclaration, flagValue, type ParsedCommandLine } from '../framework/command';
import { createLiveContext } from '../live-context';

/** `delete <ProgramId>`: removes a scheduled episode group. */
export const deleteCommand: CommandDeclaration = {
  name: 'delete',
  summary: 'delete a scheduled episode group (DeleteCasterEpisodeGroup)',
  positionals: { usage: '<ProgramId>', min: 1, max: 1 },
  flags: [],
  sendsRequests: true,
  async run(parsed: ParsedCommandLine, io: CliIo): Promise<number> {
    const programId = parsed.positionals[0]!;
    const context = await createLiveContext(io, { requireCredentials: true, profile: flagValue(parsed, 'profile') });
    try {
      const result = await deleteCasterEpisodeGroup(context.client, programId);
      printJson(io, { ProgramId: programId, RequestId: result.RequestId });
      return EXIT_OK;
    } finally {
      await context.close();
    }
  },
};
