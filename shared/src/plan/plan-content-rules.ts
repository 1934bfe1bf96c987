/**
 * The rules the schema cannot say, checked on whatever parts of the input already have the right type: what the
 * API can sign and the air can play. Each string is scanned once (text-scan.ts). Messages name the field and
 * the rule and times or sizes the rule computed, never the input's value.
 */
import type { FieldErrors, Plan, PlanItem, PlanRules, PlanWarning } from './plan';
import { PLAN_LIMITS } from './plan-limits';
import { formatUtcSeconds, latestStartTimeMs, readStartTime, START_TIME_MAX_YEARS_AHEAD, type StartTimeReading } from './start-time';
import { isWellFormedText, MAX_ENCODED_CHARS_PER_UNIT, scanName, scanText } from './text-scan';
import { checkUrlAuthority } from './url-authority';
import { readUrlSignature } from './url-signature';

/** The message of the StartTime-in-the-past rule; requireValidPlan tells a late retry apart by it. */
export const START_TIME_IN_PAST_MESSAGE = 'is in the past (beyond START_TIME_GRACE_S); a carousel cannot start before it is scheduled';

/** A signed URL must still be valid this long after StartTime: no clock-skew tolerance is documented. */
const SIGNATURE_MARGIN_MS = 60_000;

// Ten calendar years are never shorter than 3650 days: a StartTime before that needs no calendar arithmetic.
const TEN_YEARS_AT_LEAST_MS = START_TIME_MAX_YEARS_AHEAD * 365 * 86_400_000;

const SIGNATURE_KINDS = {
  A: 'its URL signature (type A)',
  B: 'its URL signature (type B)',
  C: 'its URL signature (type C)',
} as const;

/** What the content rules found. */
export interface ContentFindings {
  readonly fieldErrors: FieldErrors;
  readonly warnings: PlanWarning[];
  startTimeInPast: boolean;
}

/** Checks the input's strings, URLs, StartTime range, URL signatures and encoded size. */
export function checkPlanContent(
  input: Record<string, unknown>,
  startTime: StartTimeReading | undefined,
  rules: PlanRules,
  nowMs: number,
  schemaErrors: FieldErrors,
): ContentFindings {
  const findings: ContentFindings = { fieldErrors: {}, warnings: [], startTimeInPast: false };
  const startMs = startTime?.ok ? startTime.epochMs : undefined;
  const context: RuleContext = {
    findings,
    rules,
    startMs,
    repeatsForever: input['RepeatNum'] === -1,
    schemaErrors,
  };
  if (startMs !== undefined) checkStartTimeRange(context, startMs, nowMs);
  checkUrl(context, 'CallbackUrl', undefined, input['CallbackUrl'], PLAN_LIMITS.callbackUrlMaxChars, false);
  checkUrl(context, 'SideOutputUrl', undefined, input['SideOutputUrl'], PLAN_LIMITS.callbackUrlMaxChars, true);
  const items = input['Items'];
  if (Array.isArray(items) && items.length <= PLAN_LIMITS.itemsMaxCount) {
    for (let index = 0; index < items.length; index += 1) checkItem(context, items[index], index);
  }
  // The exact size is only needed when the plan may not fit, and then only for the message: a bound from the
  // string lengths alone (no character read) clears every plan far from the limit.
  if (formBytes(input, upperBoundEncodedChars) > PLAN_LIMITS.planFormMaxBytes) {
    const encodedBytes = formBytes(input, exactEncodedChars);
    if (encodedBytes > PLAN_LIMITS.planFormMaxBytes) {
      addTo(
        findings.fieldErrors,
        'Items',
        `with the rest of the plan make ${encodedBytes} bytes once form-encoded; at most ${PLAN_LIMITS.planFormMaxBytes} fit in one AddCasterEpisodeGroup (shorten names or URLs, or split the plan)`,
      );
    }
  }
  return findings;
}

/**
 * What the plan's parameters add to the form body, each `name=value&` with `measure` giving a value's encoded
 * characters. The strings counted are those the rules look at: right type, not far over their length limit.
 */
function formBytes(input: Record<string, unknown>, measure: (value: string) => number): number {
  let bytes = 'RepeatNum'.length + 2 + 6;
  const callbackUrl = input['CallbackUrl'];
  if (typeof callbackUrl === 'string' && callbackUrl.length <= PLAN_LIMITS.callbackUrlMaxChars * 2)
    bytes += 'CallbackUrl'.length + 2 + measure(callbackUrl);
  const sideOutputUrl = input['SideOutputUrl'];
  if (typeof sideOutputUrl === 'string' && sideOutputUrl.length <= PLAN_LIMITS.callbackUrlMaxChars * 2)
    bytes += 'SideOutputUrl'.length + 2 + measure(sideOutputUrl);
  // ASCII-only by the schema's patterns: counted for the size bound only. CasterId is not a parameter of the call.
  const domainName = input['DomainName'];
  if (typeof domainName === 'string') bytes += 'DomainName'.length + 2 + measure(domainName);
  const clientToken = input['ClientToken'];
  if (typeof clientToken === 'string') bytes += 'ClientToken'.length + 2 + measure(clientToken);
  const startTime = input['StartTime'];
  if (typeof startTime === 'string') bytes += 'StartTime'.length + 2 + measure(startTime);
  const items = input['Items'];
  if (!Array.isArray(items) || items.length > PLAN_LIMITS.itemsMaxCount) return bytes;
  for (let index = 0; index < items.length; index += 1) {
    const item: unknown = items[index];
    if (item === null || typeof item !== 'object' || Array.isArray(item)) continue;
    const record = item as Record<string, unknown>;
    // `Item.N.` on the wire.
    const prefixChars = 6 + digitCount(index + 1);
    const name = record['ItemName'];
    if (typeof name === 'string' && name.length <= PLAN_LIMITS.itemNameMaxChars * 2)
      bytes += prefixChars + 'ItemName'.length + 2 + measure(name);
    const vodUrl = record['VodUrl'];
    if (typeof vodUrl === 'string' && vodUrl.length <= PLAN_LIMITS.vodUrlMaxChars * 2)
      bytes += prefixChars + 'VodUrl'.length + 2 + measure(vodUrl);
  }
  return bytes;
}

function upperBoundEncodedChars(value: string): number {
  return value.length * MAX_ENCODED_CHARS_PER_UNIT;
}

function exactEncodedChars(value: string): number {
  return scanText(value, false).encodedLength;
}

/** The warnings of a plan that already passed validation: URL signatures that expire while its group loops, or may. */
export function planWarnings(plan: Plan, rules: PlanRules): PlanWarning[] {
  const startTime = readStartTime(plan.StartTime);
  const findings: ContentFindings = { fieldErrors: {}, warnings: [], startTimeInPast: false };
  const context: RuleContext = {
    findings,
    rules,
    startMs: startTime.ok ? startTime.epochMs : undefined,
    repeatsForever: plan.RepeatNum === -1,
    schemaErrors: {},
  };
  if (plan.SideOutputUrl !== undefined) checkSignature(context, 'SideOutputUrl', undefined, plan.SideOutputUrl);
  for (let index = 0; index < plan.Items.length; index += 1)
    checkSignature(context, 'VodUrl', index, (plan.Items[index] as PlanItem).VodUrl);
  return findings.warnings;
}

interface RuleContext {
  readonly findings: ContentFindings;
  readonly rules: PlanRules;
  readonly startMs: number | undefined;
  readonly repeatsForever: boolean;
  /** The schema's findings: a URL the schema refused is not taken apart further. */
  readonly schemaErrors: FieldErrors;
}

function checkStartTimeRange(context: RuleContext, startMs: number, nowMs: number): void {
  if (startMs < nowMs - context.rules.startTimeGraceS * 1000) {
    addTo(context.findings.fieldErrors, 'StartTime', START_TIME_IN_PAST_MESSAGE);
    context.findings.startTimeInPast = true;
  } else if (startMs > nowMs + TEN_YEARS_AT_LEAST_MS && startMs > latestStartTimeMs(nowMs)) {
    addTo(context.findings.fieldErrors, 'StartTime', `must be at most ${START_TIME_MAX_YEARS_AHEAD} years ahead`);
  }
}

function checkItem(context: RuleContext, item: unknown, index: number): void {
  if (item === null || typeof item !== 'object' || Array.isArray(item)) return;
  const record = item as Record<string, unknown>;
  const name = record['ItemName'];
  if (typeof name === 'string' && name.length <= PLAN_LIMITS.itemNameMaxChars * 2) {
    const scan = scanName(name);
    if (!scan.wellFormed)
      addTo(context.findings.fieldErrors, `Items[${index}].ItemName`, 'must be well-formed Unicode (it has a lone surrogate)');
    if (scan.hasControlCharacter) {
      addTo(
        context.findings.fieldErrors,
        `Items[${index}].ItemName`,
        'must not contain control characters (C0, DEL, C1, CR, LF) or bidi controls',
      );
    }
  }
  checkUrl(context, 'VodUrl', index, record['VodUrl'], PLAN_LIMITS.vodUrlMaxChars, true);
}

function checkUrl(
  context: RuleContext,
  field: string,
  index: number | undefined,
  value: unknown,
  maxChars: number,
  signatureMatters: boolean,
): void {
  if (typeof value !== 'string' || value.length > maxChars * 2) return;
  const { fieldErrors } = context.findings;
  if (!isWellFormedText(value)) addTo(fieldErrors, fieldPath(field, index), 'must be well-formed Unicode (it has a lone surrogate)');
  const authority = checkUrlAuthority(value);
  if (authority !== undefined && !context.schemaErrors[fieldPath(field, index)]) {
    addTo(
      fieldErrors,
      fieldPath(field, index),
      authority === 'host'
        ? 'must have a valid host name (letters, digits, hyphens; IDN as xn--) or IP address'
        : 'must have a port from 1 to 65535',
    );
  }
  if (signatureMatters) checkSignature(context, field, index, value);
}

/** `Items[2].VodUrl` for an item's field, the field itself at the top level. */
function fieldPath(field: string, index: number | undefined): string {
  return index === undefined ? field : `Items[${index}].${field}`;
}

function digitCount(value: number): number {
  return value < 10 ? 1 : value < 100 ? 2 : 3;
}

/** Refuses a URL whose signature expires before StartTime (validity known); warns when it may (validity unknown) or when a loop outlives it. */
function checkSignature(context: RuleContext, field: string, index: number | undefined, url: string): void {
  const { startMs } = context;
  if (startMs === undefined) return;
  const signature = readUrlSignature(url);
  if (!signature) return;
  const { authKeyValidityS } = context.rules;
  // Messages are only built when there is something to say.
  const kind = SIGNATURE_KINDS[signature.type];
  if (authKeyValidityS === undefined) {
    // The domain's validity is unknown: a time before StartTime looks expired, but only a person can tell.
    if (signature.signedAtMs < startMs + SIGNATURE_MARGIN_MS) {
      warn(
        context,
        fieldPath(field, index),
        `${kind} carries the time ${formatUtcSeconds(signature.signedAtMs)}, before StartTime: it fails on air if the domain's validity ends first (set AUTH_KEY_VALIDITY_S to refuse such URLs)`,
      );
    }
    return;
  }
  const expiresAtMs = signature.signedAtMs + authKeyValidityS * 1000;
  if (expiresAtMs < startMs + SIGNATURE_MARGIN_MS) {
    addTo(
      context.findings.fieldErrors,
      fieldPath(field, index),
      `${kind} expires at ${formatUtcSeconds(expiresAtMs)}, before StartTime (AUTH_KEY_VALIDITY_S ${authKeyValidityS} s)`,
    );
  } else if (context.repeatsForever) {
    warn(
      context,
      fieldPath(field, index),
      `${kind} expires at ${formatUtcSeconds(expiresAtMs)} while the group loops (RepeatNum -1); playback fails from then`,
    );
  }
}

function warn(context: RuleContext, field: string, message: string): void {
  context.findings.warnings.push({ field, message });
}

function addTo(fieldErrors: FieldErrors, path: string, message: string): void {
  const messages = (fieldErrors[path] ??= []);
  if (!messages.includes(message)) messages.push(message);
}
