import { createHash, randomUUID } from 'node:crypto';
import { ApiError, invalidParameter, missingParameter } from '../api-error';
import type { EpisodeGroupRecord } from '../state-store';
import { parseUtcSeconds } from '../timestamp';
import type { OperationContext } from './types';

/** An episode group's business data, after the checks common to AddCasterEpisodeGroup and its Content variant. */
interface EpisodeGroupInput {
  readonly CallbackUrl: string;
  readonly DomainName: string;
  /** As given; empty means "the studio's default" (resolved when the group is stored). */
  readonly SideOutputUrl: string;
  readonly StartTime: string;
  readonly RepeatNum: number;
  readonly Items: readonly { readonly ItemName: string; readonly VodUrl: string }[];
}

/** The business data as read from either form: every field present but RepeatNum, whose value is not checked yet. */
type EpisodeGroupFields = Omit<EpisodeGroupInput, 'RepeatNum'> & { readonly RepeatNum: unknown };

/** How each field is called in error messages: `Item.1.VodUrl` for the flat form, `Content.Items[0].VodUrl` for JSON. */
export interface InputNames {
  readonly CallbackUrl: string;
  readonly DomainName: string;
  readonly StartTime: string;
  readonly RepeatNum: string;
  readonly vodUrl: (index: number) => string;
}

// Java int: the API types RepeatNum as Integer. A documented maximum is UNCONFIRMED, so any int >= -1 passes.
const MAX_INT32 = 2_147_483_647;
const VOD_EXTENSIONS = ['.mp4', '.flv', '.ts'];

/** Checks a ClientToken: printable ASCII, at most 64 characters (the documented rule). */
function checkClientToken(token: string): void {
  if (!/^[\x20-\x7e]+$/.test(token)) throw invalidParameter('ClientToken', 'The token can contain only ASCII characters.');
  if (token.length > 64) throw invalidParameter('ClientToken', `The token cannot exceed 64 characters; it has ${token.length}.`);
}

/**
 * Parses RepeatNum from a parameter (digits) or JSON (a number or a string of digits): an integer >= -1 (0 plays
 * once, -1 loops). Absent, null or empty is MissingParameter.
 */
function parseRepeatNum(value: unknown, name: string): number {
  if (value === undefined || value === null || value === '') throw missingParameter(name);
  if (typeof value !== 'number' && typeof value !== 'string') throw invalidParameter(name, 'It must be an integer.');
  const repeatNum = typeof value === 'number' ? value : /^-?\d{1,10}$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isInteger(repeatNum) || repeatNum < -1 || repeatNum > MAX_INT32) {
    throw invalidParameter(name, `It must be an integer of at least -1 (0: play once, -1: loop); got ${JSON.stringify(value)}.`);
  }
  return repeatNum;
}

/**
 * Checks the values (presence is the caller's job, since the two forms name fields differently; RepeatNum's
 * presence is checked here) in the order ClientToken, RepeatNum, StartTime, VodUrls, then creates the group.
 */
export function addEpisodeGroup(
  context: OperationContext,
  clientToken: string,
  fields: EpisodeGroupFields,
  names: InputNames,
): Record<string, unknown> {
  checkClientToken(clientToken);
  const input: EpisodeGroupInput = { ...fields, RepeatNum: parseRepeatNum(fields.RepeatNum, names.RepeatNum) };
  if (parseUtcSeconds(input.StartTime) === undefined) {
    throw invalidParameter(
      names.StartTime,
      `It must be a UTC time in the yyyy-MM-ddTHH:mm:ssZ format, e.g. 2018-03-06T19:00:00Z; got "${input.StartTime}".`,
    );
  }
  // StartTime in the past is accepted: whether the service refuses it is UNCONFIRMED.
  input.Items.forEach((item, index) => checkVodUrl(item.VodUrl, names.vodUrl(index)));
  return createEpisodeGroup(context, clientToken, input, names);
}

// The docs say only "MP4, FLV, or TS"; judged by the path's extension. Restricting the scheme to http(s)
// is the emulator's assumption (allowed schemes are UNCONFIRMED).
function checkVodUrl(value: string, name: string): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalidParameter(name, 'It must be an absolute http(s) URL of an MP4, FLV or TS file.');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw invalidParameter(name, 'It must be an http(s) URL.');
  const path = url.pathname.toLowerCase();
  if (!VOD_EXTENSIONS.some((extension) => path.endsWith(extension))) {
    throw invalidParameter(name, 'The video file must be in the MP4, FLV, or TS format (.mp4, .flv or .ts).');
  }
}

// Only business data: common parameters (Timestamp, nonce, signature, AccessKeyId) legitimately change on a retry.
function fingerprint(input: EpisodeGroupInput): string {
  const canonical = JSON.stringify([
    input.CallbackUrl,
    input.DomainName,
    input.SideOutputUrl,
    input.StartTime,
    input.RepeatNum,
    input.Items.map((item) => [item.ItemName, item.VodUrl]),
  ]);
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}

function shapeItemIds(itemIds: readonly string[], context: OperationContext): unknown {
  return context.itemIdsShape === 'flat' ? [...itemIds] : { ItemId: [...itemIds] };
}

/**
 * Creates the group, or replays the first answer for a ClientToken already used with the same data.
 * Tokens are per account and shared by AddCasterEpisodeGroup and AddCasterEpisodeGroupContent (both create
 * the same resource; UNCONFIRMED whether the service scopes them per operation).
 */
function createEpisodeGroup(
  context: OperationContext,
  clientToken: string,
  input: EpisodeGroupInput,
  names: InputNames,
): Record<string, unknown> {
  // A token already used with the same data answers first, before the studio is matched: a retry whose studio
  // changed its CallbackUrl meanwhile (an auth_key rotation) still gets its group (UNCONFIRMED on the service;
  // idempotent replay usually precedes validation).
  const print = fingerprint(input);
  const previous = context.state.findIdempotency(context.accountId, clientToken);
  if (previous) {
    if (previous.Fingerprint !== print) {
      throw new ApiError(
        'IdempotentParameterMismatch',
        `The request is retried with updated parameters: ClientToken "${clientToken}" was first used with other parameters.`,
      );
    }
    // Same token, same data: the first answer again (a fresh RequestId, as every HTTP request gets one).
    return { ProgramId: previous.ProgramId, ItemIds: shapeItemIds(previous.ItemIds, context) };
  }

  const match = context.casters.matchCallback(input.CallbackUrl, input.DomainName);
  if ('mismatch' in match) {
    throw match.mismatch === 'CallbackUrl'
      ? invalidParameter(
          names.CallbackUrl,
          'It is not the CallbackUrl of any production studio; use the CallbackUrl that DescribeCasterConfig returns.',
        )
      : invalidParameter(
          names.DomainName,
          'It is not the DomainName of the studio that the CallbackUrl belongs to; use the DomainName that DescribeCasterConfig returns.',
        );
  }

  const receivedAt = new Date(context.nowMs).toISOString();
  const group: EpisodeGroupRecord = {
    ProgramId: randomUUID().toUpperCase(),
    AccountId: context.accountId,
    CasterId: match.studio.CasterId,
    CallbackUrl: input.CallbackUrl,
    DomainName: input.DomainName,
    // "If this parameter is empty, the ingest address ... will be used by default."
    SideOutputUrl: input.SideOutputUrl !== '' ? input.SideOutputUrl : (match.studio.SideOutputUrl ?? ''),
    StartTime: input.StartTime,
    RepeatNum: input.RepeatNum,
    Items: input.Items.map((item) => ({ ItemId: randomUUID(), ItemName: item.ItemName, VodUrl: item.VodUrl })),
    ClientToken: clientToken,
    ReceivedAt: receivedAt,
    AccessKeyId: context.accessKeyId,
    Action: context.action,
  };
  const itemIds = group.Items.map((item) => item.ItemId);
  context.state.addGroup(group, {
    AccountId: context.accountId,
    ClientToken: clientToken,
    Fingerprint: print,
    ProgramId: group.ProgramId,
    ItemIds: itemIds,
    CreatedAt: receivedAt,
  });
  return { ProgramId: group.ProgramId, ItemIds: shapeItemIds(itemIds, context) };
}
