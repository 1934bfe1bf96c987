import { parseUtcSeconds } from '../timestamp';
import { commaList, optionalPositiveInteger } from './playlist-params';
import type { Operation } from './types';

// UNCONFIRMED defaults: the docs give 1 and 20 only as examples.
const DEFAULT_PAGE = 1;
const DEFAULT_PAGE_SIZE = 20;

/**
 * ListPlaylist: the account's episode groups answer as playlists, since an episode group's ProgramId is a
 * playlist id (AddCasterEpisodeGroupContent's documentation). Whether the service lists groups made by
 * AddCasterEpisodeGroup is UNCONFIRMED; the emulator lists them. Oldest first; `Total` counts every match,
 * not just the page, so a client can page through. `ProgramId` filters (a comma list is accepted, as the
 * docs speak of "the specified episode lists"); an unknown id simply matches nothing.
 */
export const listPlaylist: Operation = {
  action: 'ListPlaylist',
  defaultQps: 10,
  run({ params, state, accountId, nowMs }) {
    const page = optionalPositiveInteger(params, 'Page', DEFAULT_PAGE);
    const pageSize = optionalPositiveInteger(params, 'PageSize', DEFAULT_PAGE_SIZE);
    const wanted = new Set(commaList(params['ProgramId']));
    const matching = state
      .listGroups()
      .filter((group) => group.AccountId === accountId && (wanted.size === 0 || wanted.has(group.ProgramId)));
    const ProgramList = matching.slice((page - 1) * pageSize, page * pageSize).map((group) => ({
      CasterId: group.CasterId,
      DomainName: group.DomainName,
      ProgramId: group.ProgramId,
      // Episode groups have no name (AddCasterEpisodeGroup takes none): UNCONFIRMED what the service shows.
      ProgramName: '',
      RepeatNumber: group.RepeatNum,
      // 1 (running) from StartTime on, 0 (stopped) before: the emulator's choice, as playback is not emulated.
      Status: (parseUtcSeconds(group.StartTime) ?? Number.POSITIVE_INFINITY) <= nowMs ? 1 : 0,
    }));
    return { ProgramList, Total: matching.length };
  },
};
