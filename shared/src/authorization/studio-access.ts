/**
 * Which studios and streaming domains one deployment may schedule for. AddCasterEpisodeGroup takes no CasterId
 * and RAM scopes it to the domain only, so whoever may invoke the function could otherwise schedule any studio
 * of the account, or point a group at any domain and callback: this is the only per-studio guard.
 *
 * The rule (pure; the schedule core applies it before any request that acts on a studio):
 * - With neither list set, nothing is restricted.
 * - ALLOWED_CASTER_IDS set: the plan's CasterId (or CASTER_ID, which the deployment itself names) must be listed.
 * - The group's DomainName, and the "domain" of its CallbackUrl, which is the URL's host compared exactly in
 *   lowercase (no subdomain matching), must each be in ALLOWED_DOMAINS, or be the studio's own DomainName or
 *   CallbackUrl host from DescribeCasterConfig when the studio is on ALLOWED_CASTER_IDS. With only
 *   ALLOWED_DOMAINS set, every studio may be named but only the listed domains are used.
 */
import { CasterCarouselError } from '../errors';
import type { FieldErrors } from '../plan/plan';

/** The studios and domains a deployment may schedule for; undefined means that list is not restricted. */
export interface StudioAccessLists {
  readonly allowedCasterIds: ReadonlySet<string> | undefined;
  /** Lowercase host names. */
  readonly allowedDomains: ReadonlySet<string> | undefined;
}

/** Where a group would be sent: its DomainName and CallbackUrl. */
export interface GroupDestination {
  readonly DomainName: string;
  readonly CallbackUrl: string;
}

/** A plan names a studio or a domain this deployment may not schedule for; nothing was sent for it. */
export class StudioAccessError extends CasterCarouselError {
  override name = 'StudioAccessError';
  readonly code = 'Forbidden';
  readonly fieldErrors: FieldErrors;
  constructor(fieldErrors: FieldErrors) {
    super('The plan names a studio or domain this function may not schedule for');
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
  const studioCallbackHost = studio?.CallbackUrl ? urlHost(studio.CallbackUrl) : undefined;
  if (studioCallbackHost) ownHosts.add(studioCallbackHost);
  const allowed = (host: string | undefined): boolean =>
    host !== undefined && (lists.allowedDomains?.has(host) === true || ownHosts.has(host));
  const fieldErrors: FieldErrors = {};
  if (!allowed(destination.DomainName.toLowerCase())) {
    fieldErrors['DomainName'] = ["is not a domain this function may schedule for (ALLOWED_DOMAINS or the studio's own)"];
  }
  if (!allowed(urlHost(destination.CallbackUrl))) {
    fieldErrors['CallbackUrl'] = ["must point to a host this function may schedule for (ALLOWED_DOMAINS or the studio's own)"];
  }
  return Object.keys(fieldErrors).length > 0 ? fieldErrors : undefined;
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
