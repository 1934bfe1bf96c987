import { addCasterEpisodeGroup } from './add-caster-episode-group';
import { addCasterEpisodeGroupContent } from './add-caster-episode-group-content';
import { deleteCasterEpisodeGroup } from './delete-caster-episode-group';
import { describeCasterConfig } from './describe-caster-config';
import { listPlaylist } from './list-playlist';
import { listPlaylistItems } from './list-playlist-items';
import type { ApiAction, Operation } from './types';

export type { ApiAction, ItemIdsShape, Operation, OperationContext } from './types';

/** Every emulated operation by its Action name. */
export const OPERATIONS: Readonly<Record<ApiAction, Operation>> = {
  DescribeCasterConfig: describeCasterConfig,
  AddCasterEpisodeGroup: addCasterEpisodeGroup,
  AddCasterEpisodeGroupContent: addCasterEpisodeGroupContent,
  DeleteCasterEpisodeGroup: deleteCasterEpisodeGroup,
  ListPlaylist: listPlaylist,
  ListPlaylistItems: listPlaylistItems,
};

/** The operation for an Action, or undefined (Action names are case-sensitive, as on the gateway). */
export function findOperation(action: string | undefined): Operation | undefined {
  return action !== undefined && Object.hasOwn(OPERATIONS, action) ? OPERATIONS[action as ApiAction] : undefined;
}
