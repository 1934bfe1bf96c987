import { ApiError } from '../api-error';
import { requiredParam } from './parameters';
import { commaList } from './playlist-params';
import type { Operation } from './types';

/**
 * ListPlaylistItems: the episodes of one of the account's episode groups, in playing order. `Index` is the
 * position in the group counting from 0 (the docs call it the arrangement index and show only `1`:
 * UNCONFIRMED). `ResourceType` is `vod` and `ResourceValue` the VodUrl as submitted (UNCONFIRMED how the
 * service shows a URL episode). `ProgramItemIds` (comma list) keeps only those episodes; ids the group does
 * not hold are skipped. An unknown, deleted or other account's ProgramId is `InvalidProgram.NotFound`, the
 * same answer as DeleteCasterEpisodeGroup's (the docs list no code for it: the emulator's choice).
 */
export const listPlaylistItems: Operation = {
  action: 'ListPlaylistItems',
  defaultQps: 10,
  run({ params, state, accountId }) {
    const programId = requiredParam(params, 'ProgramId');
    const group = state.listGroups().find((candidate) => candidate.AccountId === accountId && candidate.ProgramId === programId);
    if (!group) throw new ApiError('InvalidProgram.NotFound', `The specified program "${programId}" does not exist.`);
    const wanted = new Set(commaList(params['ProgramItemIds']));
    const ProgramItems = group.Items.map((item, index) => ({
      Index: index,
      ProgramId: group.ProgramId,
      ProgramItemId: item.ItemId,
      ProgramItemName: item.ItemName,
      ResourceType: 'vod',
      ResourceValue: item.VodUrl,
    })).filter((item) => wanted.size === 0 || wanted.has(item.ProgramItemId));
    return { ProgramItems, Total: ProgramItems.length };
  },
};
