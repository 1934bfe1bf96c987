import type { Logger } from '../logging/logger';
import type { Credentials } from '../signing/credentials';
import type { CallOptions, LiveClient } from './live-client';
import {
  addCasterEpisodeGroup,
  type CasterConfig,
  deleteCasterEpisodeGroup,
  describeCasterConfig,
  type EpisodeGroupRequest,
  type EpisodeGroupResult,
  listPlaylist,
  type PlaylistPage,
} from './operations';

/** What every Live call made for one invocation (an FC invocation, a CLI command) signs with, stops at and logs to. */
export interface Invocation {
  /**
   * An FC invocation's STS keys (they rotate), or the CLI's resolved credentials. Undefined only where there are
   * none: every call then fails with InvalidConfiguration before anything is sent, rather than signing with others.
   */
  readonly credentials: Credentials | undefined;
  /** Epoch ms past which no attempt starts and no backoff sleeps; undefined for none (the CLI). */
  readonly deadlineAtMs: number | undefined;
  readonly logger: Logger;
}

/**
 * The Live operations of one invocation. Each call takes the invocation's credentials, deadline and logger from
 * here, so no call can be written without them (a delete that forgot the invocation's credentials once signed
 * with none on Function Compute, where the client has no keys of its own).
 */
export interface LiveSession extends Invocation {
  readonly regionId: string;
  describeCasterConfig(casterId: string): Promise<CasterConfig>;
  addEpisodeGroup(request: EpisodeGroupRequest, logFields?: Record<string, unknown>): Promise<EpisodeGroupResult>;
  deleteEpisodeGroup(programId: string): Promise<{ RequestId: string }>;
  /** ListPlaylist filtered by one ProgramId (10 QPS, its own budget). */
  listPlaylist(programId: string): Promise<PlaylistPage>;
}

/** Opens a session of one invocation on the instance's client. */
export function openLiveSession(client: LiveClient, invocation: Invocation): LiveSession {
  const options = (logFields: Record<string, unknown>): CallOptions => ({
    credentials: invocation.credentials,
    logger: invocation.logger,
    logFields,
    ...(invocation.deadlineAtMs === undefined ? {} : { deadlineAtMs: invocation.deadlineAtMs }),
  });
  return {
    ...invocation,
    regionId: client.regionId,
    describeCasterConfig: (casterId) => describeCasterConfig(client, casterId, options({ caster: casterId })),
    addEpisodeGroup: (request, logFields = {}) =>
      addCasterEpisodeGroup(client, request, options({ ClientToken: request.ClientToken, ...logFields })),
    deleteEpisodeGroup: (programId) => deleteCasterEpisodeGroup(client, programId, options({ ProgramId: programId })),
    listPlaylist: (programId) => listPlaylist(client, programId, options({ ProgramId: programId })),
  };
}
