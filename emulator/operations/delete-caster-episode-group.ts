import { ApiError } from '../api-error';
import { requiredParam } from './parameters';
import type { Operation } from './types';

/** DeleteCasterEpisodeGroup: removes one of the caller's account's episode groups by ProgramId. */
export const deleteCasterEpisodeGroup: Operation = {
  action: 'DeleteCasterEpisodeGroup',
  defaultQps: 4,
  run({ params, state, accountId }) {
    const programId = requiredParam(params, 'ProgramId');
    // UNCONFIRMED code and status for an unknown (or already deleted, or another account's) ProgramId.
    if (!state.deleteGroup(accountId, programId)) {
      throw new ApiError('InvalidProgram.NotFound', `The specified program "${programId}" does not exist.`);
    }
    return {};
  },
};
