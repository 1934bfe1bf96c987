import type { CasterDirectory } from '../casters';
import type { StateStore } from '../state-store';

/** The operations the emulator serves. */
export type ApiAction =
  | 'DescribeCasterConfig'
  | 'AddCasterEpisodeGroup'
  | 'AddCasterEpisodeGroupContent'
  | 'DeleteCasterEpisodeGroup'
  | 'ListPlaylist'
  | 'ListPlaylistItems';

/**
 * How AddCasterEpisodeGroup's ItemIds are shaped: `wrapped` is the SDK model (`{ItemId: [...]}`), `flat` the
 * older doc sample (`[...]`). Both exist in Alibaba's material, so clients are tested against both.
 */
export type ItemIdsShape = 'wrapped' | 'flat';

/** Everything an operation may use: its (authenticated, admitted) request and the emulator's state. */
export interface OperationContext {
  readonly action: ApiAction;
  readonly params: Readonly<Record<string, string>>;
  readonly accountId: string;
  readonly accessKeyId: string;
  readonly nowMs: number;
  readonly state: StateStore;
  readonly casters: CasterDirectory;
  readonly itemIdsShape: ItemIdsShape;
}

/** One API operation: it validates its own parameters and returns the response fields (RequestId is added for it). */
export interface Operation {
  readonly action: ApiAction;
  /** The documented per-account QPS. */
  readonly defaultQps: number;
  run(context: OperationContext): Record<string, unknown>;
}
