import { LiveApiError } from '../errors';
import type { PlanItem } from '../plan/plan';
import type { CallOptions, LiveClient } from './live-client';

/** The fields of DescribeCasterConfig that scheduling needs. */
export interface CasterConfig {
  readonly CasterId: string;
  readonly CallbackUrl?: string | undefined;
  readonly DomainName?: string | undefined;
  readonly SideOutputUrl?: string | undefined;
  readonly RequestId?: string | undefined;
}

/** Everything AddCasterEpisodeGroup takes, already resolved against the studio's configuration. */
export interface EpisodeGroupRequest {
  readonly CallbackUrl: string;
  readonly DomainName: string;
  readonly SideOutputUrl?: string | undefined;
  readonly StartTime: string;
  readonly RepeatNum: number;
  readonly Items: readonly PlanItem[];
  readonly ClientToken: string;
}

/** A scheduled episode group, as the API identifies it. */
export interface EpisodeGroupResult {
  readonly ProgramId: string;
  readonly ItemIds: string[];
  readonly RequestId: string;
}

/** Reads a studio's CallbackUrl, DomainName and SideOutputUrl. */
export async function describeCasterConfig(client: LiveClient, casterId: string, options?: CallOptions): Promise<CasterConfig> {
  const body = await client.call('DescribeCasterConfig', { CasterId: casterId }, { httpMethod: 'POST', ...options });
  return {
    CasterId: optionalString(body['CasterId']) ?? casterId,
    CallbackUrl: optionalString(body['CallbackUrl']),
    DomainName: optionalString(body['DomainName']),
    SideOutputUrl: optionalString(body['SideOutputUrl']),
    RequestId: optionalString(body['RequestId']),
  };
}

/** The form parameters of AddCasterEpisodeGroup, items numbered from 1 as `Item.N.ItemName` / `Item.N.VodUrl`. */
export function episodeGroupParams(request: EpisodeGroupRequest): Record<string, string> {
  const params: Record<string, string> = {
    CallbackUrl: request.CallbackUrl,
    ClientToken: request.ClientToken,
    DomainName: request.DomainName,
    RepeatNum: String(request.RepeatNum),
    StartTime: request.StartTime,
  };
  // UNCONFIRMED whether an empty SideOutputUrl differs from an absent one; absent is what "use the default" means.
  if (request.SideOutputUrl) params['SideOutputUrl'] = request.SideOutputUrl;
  for (let index = 0; index < request.Items.length; index += 1) {
    const item = request.Items[index] as PlanItem;
    const names = itemParamNames(index);
    params[names.itemName] = item.ItemName;
    params[names.vodUrl] = item.VodUrl;
  }
  return params;
}

interface ItemParamNames {
  readonly itemName: string;
  readonly vodUrl: string;
}

// Built once per position: a property name made fresh for every plan is hashed and looked up again each time.
// The bound is the most items a valid plan has (PLAN_LIMITS.itemsMaxCount, not imported: it would add the whole
// limits table to the layer).
const ITEM_PARAM_NAMES: ItemParamNames[] = [];
const MAX_REMEMBERED_ITEMS = 100;

/** `Item.N.ItemName` and `Item.N.VodUrl` for the item at a 0-based index. */
function itemParamNames(index: number): ItemParamNames {
  const known = ITEM_PARAM_NAMES[index];
  if (known) return known;
  const names = { itemName: `Item.${index + 1}.ItemName`, vodUrl: `Item.${index + 1}.VodUrl` };
  if (index === ITEM_PARAM_NAMES.length && index < MAX_REMEMBERED_ITEMS) ITEM_PARAM_NAMES.push(names);
  return names;
}

/** Submits an episode list; sent by POST so long lists never hit URL limits. */
export async function addCasterEpisodeGroup(
  client: LiveClient,
  request: EpisodeGroupRequest,
  options?: CallOptions,
): Promise<EpisodeGroupResult> {
  const body = await client.call('AddCasterEpisodeGroup', episodeGroupParams(request), { httpMethod: 'POST', ...options });
  const programId = optionalString(body['ProgramId']);
  if (!programId) {
    throw new LiveApiError({
      action: 'AddCasterEpisodeGroup',
      code: 'InvalidResponse',
      message: 'answer has no ProgramId',
      requestId: optionalString(body['RequestId']),
      httpStatus: 200,
      retryable: false,
    });
  }
  return { ProgramId: programId, ItemIds: parseItemIds(body['ItemIds']), RequestId: optionalString(body['RequestId']) ?? '' };
}

/** Removes an episode group by the ProgramId AddCasterEpisodeGroup returned. */
export async function deleteCasterEpisodeGroup(
  client: LiveClient,
  programId: string,
  options?: CallOptions,
): Promise<{ RequestId: string }> {
  const body = await client.call('DeleteCasterEpisodeGroup', { ProgramId: programId }, { httpMethod: 'POST', ...options });
  return { RequestId: optionalString(body['RequestId']) ?? '' };
}

/** One page of ListPlaylist: the ProgramIds it lists. */
export interface PlaylistPage {
  readonly ProgramIds: string[];
  readonly RequestId: string;
}

/** Lists the playlists with one ProgramId: the way to ask whether the studio still has a group. */
export async function listPlaylist(client: LiveClient, programId: string, options?: CallOptions): Promise<PlaylistPage> {
  const body = await client.call('ListPlaylist', { ProgramId: programId, Page: '1', PageSize: '10' }, { httpMethod: 'POST', ...options });
  return { ProgramIds: programIds(body['ProgramList']), RequestId: optionalString(body['RequestId']) ?? '' };
}

// The SDK model has ProgramList as an array; an XML-to-JSON answer may wrap it as { Program: [...] }.
function programIds(list: unknown): string[] {
  const entries = Array.isArray(list) ? list : list && typeof list === 'object' ? Object.values(list).flat() : [];
  return entries
    .map((entry) => (entry && typeof entry === 'object' ? (entry as { ProgramId?: unknown }).ProgramId : undefined))
    .filter((id): id is string => typeof id === 'string');
}

/**
 * `ItemIds` comes as `{ ItemId: [...] }` in the SDK model and as a flat array in the older documentation
 * sample; a single id may also arrive unwrapped from an XML-to-JSON conversion. All become a flat array.
 */
export function parseItemIds(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((id): id is string => typeof id === 'string');
  if (value && typeof value === 'object' && 'ItemId' in value) return parseItemIds((value as { ItemId: unknown }).ItemId);
  if (typeof value === 'string') return [value];
  return [];
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
