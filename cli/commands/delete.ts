import { cancelGroup } from '../../shared/src/schedule/cancel-groups';
import { type CliIo, EXIT_OK, printJson } from '../cli-io';
import { type CommandDeclaration, flagValue, type ParsedCommandLine } from '../framework/command';
import { createLiveContext } from '../live-context';
import { OUTPUT_FLAGS, oneLine, outputStyleOf } from '../output';

/** `delete <ProgramId>`: removes a scheduled episode group, and marks it cancelled in the ledger. */
export const deleteCommand: CommandDeclaration = {
  name: 'delete',
  summary: 'delete a scheduled episode group (DeleteCasterEpisodeGroup); the ledger marks it cancelled',
  positionals: { usage: '<ProgramId>', min: 1, max: 1 },
  flags: [...OUTPUT_FLAGS],
  sendsRequests: true,
  details: [
    'Prints the result as JSON on stdout and says in a sentence on stderr what happened (--json: no sentence).',
    'cancel <ProgramId> does the same with a table, and previews with --dry-run.',
  ].join('\n'),
  async run(parsed: ParsedCommandLine, io: CliIo): Promise<number> {
    const style = outputStyleOf(parsed, io.env);
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
      if (!style.json) {
        const since = outcome.record ? ` since ${style.time(outcome.record.UpdatedAt)}` : '';
        const sentence = outcome.AlreadyDone
          ? `${programId} was already ${outcome.State} (the ledger holds it as ${outcome.State}${since}); nothing was sent.`
          : outcome.AlreadyGone
            ? `${programId}: the studio no longer had it; the ledger now holds it as ${outcome.State}.`
            : `deleted ${programId}; the ledger holds it as ${outcome.State}.`;
        io.stderr(`caster-carousel delete: ${oneLine(sentence)}\n`);
      }
      return EXIT_OK;
    } finally {
      await context.close();
    }
  },
};
