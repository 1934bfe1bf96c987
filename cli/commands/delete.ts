import { PlanValidationError } from '../../shared/src/errors';
import { deleteCasterEpisodeGroup } from '../../shared/src/live/operations';
import { type CliIo, EXIT_OK, printJson } from '../cli-io';
import { createLiveContext } from '../live-context';

/** `delete <ProgramId>`: removes a scheduled episode group. */
export async function deleteCommand(args: readonly string[], io: CliIo): Promise<number> {
  const programId = args[0];
  if (!programId || args.length > 1) throw new PlanValidationError({ ProgramId: ['usage: caster-carousel delete <ProgramId>'] });
  const context = createLiveContext(io, { requireCredentials: true });
  try {
    const result = await deleteCasterEpisodeGroup(context.client, programId);
    printJson(io, { ProgramId: programId, RequestId: result.RequestId });
    return EXIT_OK;
  } finally {
    await context.close();
  }
}
