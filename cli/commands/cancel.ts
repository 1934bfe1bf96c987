import { UsageError } from '../../shared/src/errors';
import { isSlotName } from '../../shared/src/ledger/slot-name';
import { cancelGroup } from '../../shared/src/schedule/cancel-groups';
import { studioKeyOf } from '../../shared/src/schedule/lifecycle';
import { type CliIo, EXIT_OK, printJson } from '../cli-io';
import { type CommandDeclaration, flagValue, type ParsedCommandLine } from '../framework/command';
import { createLiveContext, type LiveContext } from '../live-context';

/** `cancel <ProgramId>` or `cancel --slot S [--caster ID]`: deletes groups and marks their records cancelled. */
export const cancelCommand: CommandDeclaration = {
  name: 'cancel',
  summary: 'delete a group (or every live group of a slot) and mark it cancelled in the ledger',
  positionals: { usage: '[<ProgramId>]', min: 0, max: 1 },
  flags: [
    { name: 'slot', takes: 'value', valueName: 'NAME', summary: 'cancel every live group of this slot instead' },
    { name: 'caster', takes: 'value', valueName: 'ID', summary: 'with --slot: only the slot of this studio' },
  ],
  sendsRequests: true,
  details: [
    'Sends DeleteCasterEpisodeGroup, then marks the record cancelled: submitting the same plan again schedules',
    'a new group (a fresh ClientToken generation) instead of answering the deleted ProgramId.',
  ].join('\n'),
  async run(parsed: ParsedCommandLine, io: CliIo): Promise<number> {
    const programId = parsed.positionals[0];
    const slot = flagValue(parsed, 'slot');
    const caster = flagValue(parsed, 'caster');
    if ((programId === undefined) === (slot === undefined)) throw new UsageError('give either a <ProgramId> or --slot NAME');
    if (slot !== undefined && !isSlotName(slot)) throw new UsageError('--slot must be 1 to 64 letters, digits, ".", "_", ":" or "-"');
    if (caster !== undefined && slot === undefined) throw new UsageError('--caster only narrows --slot');
    const context = await createLiveContext(io, { requireCredentials: true, profile: flagValue(parsed, 'profile') });
    try {
      const programIds = programId !== undefined ? [programId] : await liveGroupsOfSlot(context, slot as string, caster);
      const results = [];
      for (const id of programIds) {
        const outcome = await cancelGroup(id, context.dependencies);
        results.push({
          ProgramId: outcome.ProgramId,
          RequestId: outcome.RequestId ?? '-',
          State: outcome.State,
          ...(outcome.AlreadyGone ? { AlreadyGone: true } : {}),
          ...(outcome.AlreadyDone ? { AlreadyDone: true } : {}),
        });
      }
      printJson(io, programId !== undefined ? results[0] : results);
      return EXIT_OK;
    } finally {
      await context.close();
    }
  },
};

async function liveGroupsOfSlot(context: LiveContext, slot: string, caster: string | undefined): Promise<string[]> {
  const { ledger } = context.dependencies;
  if (!ledger) throw new UsageError('--slot needs the ledger, and LEDGER=off turns it off');
  const records = await ledger.readOpen();
  return records
    .filter((record) => record.State === 'scheduled' && record.Slot === slot && (caster === undefined || studioKeyOf(record) === caster))
    .map((record) => record.ProgramId as string);
}
