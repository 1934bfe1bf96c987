/**
 * The rules the schema cannot say, checked on whatever parts of the input already have the right type: what the
 * API can sign and the air can play. Each string is scanned once (text-scan.ts). Messages name the field and
 * the rule and times or sizes the rule computed, never the input's value.
 */
import type { FieldErrors, Plan, PlanRules, PlanWarning } from './plan';
import { PLAN_LIMITS } from './plan-limits';
import { formatUtcSeconds, latestStartTimeMs, readStartTime, START_TIME_MAX_YEARS_AHEAD, type StartTimeReading } from './start-time';
import { scanText } from './text-scan';
import { checkUrlAuthority } from './url-authority';
import { readUrlSignature } from './url-signature';

/** The message of the StartTime-in-the-past rule; requireValidPlan tells a late retry apart by it. */
export const START_TIME_IN_PAST_MESSAGE = 'is in the past (beyond START_TIME_GRACE_S); a carousel cannot start before it is scheduled';

/** A signed URL must still be valid this long after StartTime: no clock-skew tolerance is documented. */
const SIGNATURE_MARGIN_MS = 60_000;

const URL_FIELDS = ['CallbackUrl', 'SideOutputUrl'] as const;
const SIGNED_URL_FIELDS = new Set(['SideOutputUrl']);

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
    encodedBytes: 0,
    schemaErrors,
  };
  if (startMs !== undefined) checkStartTimeRange(context, startMs, nowMs);
  for (const field of URL_FIELDS)
    checkUrl(context, field, undefined, input[field], PLAN_LIMITS.callbackUrlMaxChars, SIGNED_URL_FIELDS.has(field));
  // ASCII-only by the schema's patterns: counted for the size bound only. CasterId is not a parameter of the call.
  for (const field of ['DomainName', 'ClientToken', 'StartTime'] as const) {
    const value = input[field];
    if (typeof value === 'string') context.encodedBytes += field.length + 2 + scanText(value, false).encodedLength;
  }
  context.encodedBytes += 'RepeatNum'.length + 2 + 6;
  const items = input['Items'];
  if (Array.isArray(items) && items.length <= PLAN_LIMITS.itemsMaxCount) {
    items.forEach((item, index) => checkItem(context, item, index));
  }
  if (context.encodedBytes > PLAN_LIMITS.planFormMaxBytes) {
    addTo(
      findings.fieldErrors,
      'Items',
      `with the rest of the plan make ${context.encodedBytes} bytes once form-encoded; at most ${PLAN_LIMITS.planFormMaxBytes} fit in one AddCasterEpisodeGroup (shorten names or URLs, or split the plan)`,
    );
  }
  return findings;
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
    encodedBytes: 0,
    schemaErrors: {},
  };
  if (plan.SideOutputUrl !== undefined) checkSignature(context, 'SideOutputUrl', undefined, plan.SideOutputUrl);
  plan.Items.forEach((item, index) => checkSignature(context, 'VodUrl', index, item.VodUrl));
  return findings.warnings;
}

interface RuleContext {
  readonly findings: ContentFindings;
  readonly rules: PlanRules;
  readonly startMs: number | undefined;
  readonly repeatsForever: boolean;
  /** The schema's findings: a URL the schema refused is not taken apart further. */
  readonly schemaErrors: FieldErrors;
  encodedBytes: number;
}

function checkStartTimeRange(context: RuleContext, startMs: number, nowMs: number): void {
  if (startMs < nowMs - context.rules.startTimeGraceS * 1000) {
    addTo(context.findings.fieldErrors, 'StartTime', START_TIME_IN_PAST_MESSAGE);
    context.findings.startTimeInPast = true;
  } else if (startMs > latestStartTimeMs(nowMs)) {
    addTo(context.findings.fieldErrors, 'StartTime', `must be at most ${START_TIME_MAX_YEARS_AHEAD} years ahead`);
  }
}

function checkItem(context: RuleContext, item: unknown, index: number): void {
  if (item === null || typeof item !== 'object' || Array.isArray(item)) return;
  const record = item as Record<string, unknown>;
  // `Item.N.` on the wire; paths are only spelled out when there is something to report.
  const prefixChars = 6 + digitCount(index + 1);
  const name = record['ItemName'];
  if (typeof name === 'string' && name.length <= PLAN_LIMITS.itemNameMaxChars * 2) {
    const scan = scanText(name, true);
    if (!scan.wellFormed)
      addTo(context.findings.fieldErrors, `Items[${index}].ItemName`, 'must be well-formed Unicode (it has a lone surrogate)');
    if (scan.hasControlCharacter) {
      addTo(
        context.findings.fieldErrors,
        `Items[${index}].ItemName`,
        'must not contain control characters (C0, DEL, C1, CR, LF) or bidi controls',
      );
    }
    context.encodedBytes += prefixChars + 'ItemName'.length + 2 + scan.encodedLength;
  }
  checkUrl(context, 'VodUrl', index, record['VodUrl'], PLAN_LIMITS.vodUrlMaxChars, true, prefixChars + 'VodUrl'.length);
}

function checkUrl(
  context: RuleContext,
  field: string,
  index: number | undefined,
  value: unknown,
  maxChars: number,
  signatureMatters: boolean,
  paramNameChars = field.length,
): void {
  if (typeof value !== 'string' || value.length > maxChars * 2) return;
  const { fieldErrors } = context.findings;
  const scan = scanText(value, false);
  context.encodedBytes += paramNameChars + 2 + scan.encodedLength;
  if (!scan.wellFormed) addTo(fieldErrors, fieldPath(field, index), 'must be well-formed Unicode (it has a lone surrogate)');
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
  // Messages are only built when there is something to say: a valid plan pays for none of them.
  const kind = () => `its URL signature (type ${signature.type})`;
  if (authKeyValidityS === undefined) {
    // The domain's validity is unknown: a time before StartTime looks expired, but only a person can tell.
    if (signature.signedAtMs < startMs + SIGNATURE_MARGIN_MS) {
      warn(
        context,
        fieldPath(field, index),
        `${kind()} carries the time ${formatUtcSeconds(signature.signedAtMs)}, before StartTime: it fails on air if the domain's validity ends first (set AUTH_KEY_VALIDITY_S to refuse such URLs)`,
      );
    }
    return;
  }
  const expiresAtMs = signature.signedAtMs + authKeyValidityS * 1000;
  if (expiresAtMs < startMs + SIGNATURE_MARGIN_MS) {
    addTo(
      context.findings.fieldErrors,
      fieldPath(field, index),
      `${kind()} expires at ${formatUtcSeconds(expiresAtMs)}, before StartTime (AUTH_KEY_VALIDITY_S ${authKeyValidityS} s)`,
    );
  } else if (context.repeatsForever) {
    warn(
      context,
      fieldPath(field, index),
      `${kind()} expires at ${formatUtcSeconds(expiresAtMs)} while the group loops (RepeatNum -1); playback fails from then`,
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
