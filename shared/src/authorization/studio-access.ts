/**
 * Which studios and streaming domains one deployment may schedule for. AddCasterEpisodeGroup takes no CasterId
 * and RAM scopes it to the domain only, so whoever may invoke the function could otherwise schedule any studio
 * of the account, or point a group at any domain and callback: this is the only per-studio guard.
 *
 * The rule (pure; the schedule core applies it before any request that acts on a studio):
 * - With neither list set, nothing is restricted.
 * - ALLOWED_CASTER_IDS set: the plan's CasterId (or CASTER_ID, which the deployment itself names) must be listed.
 * - The group's DomainName, and the "domain" of its CallbackUrl and of a SideOutputUrl the plan gives (where the
 *   studio pushes its output: anyone receiving it gets the programme), which is the URL's host compared exactly
 *   in lowercase (no subdomain matching), must each be in ALLOWED_DOMAINS, or be one of the studio's own hosts
 *   from DescribeCasterConfig (its DomainName, its CallbackUrl and SideOutputUrl hosts) when the studio is on
 *   ALLOWED_CASTER_IDS. A SideOutputUrl the plan leaves out is the studio's own. With only ALLOWED_DOMAINS set,
 *   every studio may be named but only the listed domains are used.
 * - What a deployment may not schedule for, it may not list either (GET /schedule): see mayListRecord.
 */
import { CasterCarouselError } from '../errors';
import type { FieldErrors } from '../plan/plan';

/** The studios and domains a deployment may schedule for; undefined means that list is not restricted. */
export interface StudioAccessLists {
  readonly allowedCasterIds: ReadonlySet<string> | undefined;
  /** Lowercase host names. */
  readonly allowedDomains: ReadonlySet<string> | undefined;
}

/** Where a group would be sent: its DomainName and CallbackUrl, and the SideOutputUrl the plan gives, if any. */
export interface GroupDestination {
  readonly DomainName: string;
  readonly CallbackUrl: string;
  readonly SideOutputUrl?: string | undefined;
}

/** A plan names a studio or a domain this deployment may not schedule for; nothing was sent for it. */
export class StudioAccessError extends CasterCarouselError {
  override name = 'StudioAccessError';
  readonly code = 'Forbidden';
  readonly fieldErrors: FieldErrors;
  constructor(fieldErrors: FieldErrors, message = 'The plan names a studio or domain this function may not schedule for') {
    super(message);
    this.fieldErrors = fieldErrors;
  }
}

/** True when either list is set, so destinations must be checked. */
export function isStudioAccessRestricted(lists: StudioAccessLists): boolean {
  return lists.allowedCasterIds !== undefined || lists.allowedDomains !== undefined;
}

/** True when the studio list names `casterId` (or it is the deployment's own CASTER_ID): its own domains count as allowed. */
export function isListedStudio(lists: StudioAccessLists, casterId: string | undefined, defaultCasterId?: string): boolean {
  if (casterId === undefined || lists.allowedCasterIds === undefined) return false;
  return lists.allowedCasterIds.has(casterId) || casterId === defaultCasterId;
}

/** Throws StudioAccessError when the studio list is set and does not allow `casterId`. */
export function authorizeStudio(lists: StudioAccessLists, casterId: string | undefined, defaultCasterId?: string): void {
  if (lists.allowedCasterIds === undefined || casterId === undefined) return;
  if (!isListedStudio(lists, casterId, defaultCasterId)) {
    throw new StudioAccessError({ CasterId: ['is not a studio this function may schedule for (ALLOWED_CASTER_IDS)'] });
  }
}

/** The fields of `destination` that no list allows; `studio` is the listed studio's own configuration, when there is one. */
export function forbiddenDestinationFields(
  lists: StudioAccessLists,
  destination: GroupDestination,
  studio?: Partial<GroupDestination>,
): FieldErrors | undefined {
  if (!isStudioAccessRestricted(lists)) return undefined;
  const ownHosts = new Set<string>();
  if (studio?.DomainName) ownHosts.add(studio.DomainName.toLowerCase());
  for (const url of [studio?.CallbackUrl, studio?.SideOutputUrl]) {
    const host = url ? urlHost(url) : undefined;
    if (host) ownHosts.add(host);
  }
  const allowed = (host: string | undefined): boolean =>
    host !== undefined && (lists.allowedDomains?.has(host) === true || ownHosts.has(host));
  const fieldErrors: FieldErrors = {};
  if (!allowed(destination.DomainName.toLowerCase())) {
    fieldErrors['DomainName'] = ["is not a domain this function may schedule for (ALLOWED_DOMAINS or the studio's own)"];
  }
  if (!allowed(urlHost(destination.CallbackUrl))) {
    fieldErrors['CallbackUrl'] = ["must point to a host this function may schedule for (ALLOWED_DOMAINS or the studio's own)"];
  }
  if (destination.SideOutputUrl !== undefined && !allowed(urlHost(destination.SideOutputUrl))) {
    fieldErrors['SideOutputUrl'] = ["must point to a host this function may schedule for (ALLOWED_DOMAINS or the studio's own)"];
  }
  return Object.keys(fieldErrors).length > 0 ? fieldErrors : undefined;
}

/**
 * True when a record of the ledger (the studio and domain it was scheduled for) is one this deployment could
 * have scheduled, so may show: a listed studio's when ALLOWED_CASTER_IDS is set; one on a listed domain when
 * ALLOWED_DOMAINS is set and the record names no studio (or no studio list is set); any without lists. Records
 * written by others (the CLI, another deployment) for other studios stay out of this deployment's answers.
 */
export function mayListRecord(
  lists: StudioAccessLists,
  record: { readonly CasterId?: string | undefined; readonly DomainName: string },
  defaultCasterId?: string,
): boolean {
  if (!isStudioAccessRestricted(lists)) return true;
  if (lists.allowedCasterIds !== undefined && record.CasterId !== undefined) return isListedStudio(lists, record.CasterId, defaultCasterId);
  return lists.allowedDomains?.has(record.DomainName.toLowerCase()) === true;
}

/** Throws StudioAccessError naming the `caster` query parameter when the studio list is set and does not allow it. */
export function authorizeListing(lists: StudioAccessLists, casterId: string | undefined, defaultCasterId?: string): void {
  if (lists.allowedCasterIds === undefined || casterId === undefined || isListedStudio(lists, casterId, defaultCasterId)) return;
  throw new StudioAccessError(
    { caster: ['is not a studio this function may schedule for (ALLOWED_CASTER_IDS)'] },
    'The query names a studio whose schedule this function may not show',
  );
}

/** The lowercase host of an absolute URL (no port, no brackets kept for IPv6), or undefined when it has none. */
export function urlHost(url: string): string | undefined {
  const start = url.indexOf('://');
  if (start < 0) return undefined;
  const rest = url.slice(start + 3);
  const end = rest.search(/[/?#]/);
  let authority = (end < 0 ? rest : rest.slice(0, end)).toLowerCase();
  const at = authority.lastIndexOf('@');
  if (at >= 0) authority = authority.slice(at + 1);
  if (authority.startsWith('[')) {
    const close = authority.indexOf(']');
    return close < 0 ? undefined : authority.slice(1, close);
  }
  const colon = authority.indexOf(':');
  const host = colon < 0 ? authority : authority.slice(0, colon);
  return host === '' ? undefined : host;
}
