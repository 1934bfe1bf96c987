/**
 * Plan validation: the build-time-compiled schema (plan.schema.json) plus the one rule JSON Schema cannot say,
 * that StartTime names an instant that exists. Errors are keyed by field path and built only from the schema's
 * own parameters, never from the input's values: VodUrl, CallbackUrl and SideOutputUrl carry `auth_key` secrets.
 *
 * @example
 * const result = validatePlan(JSON.parse(body));
 * if (!result.ok) console.error(describeFieldErrors(result.fieldErrors));
 */
import type { ErrorObject } from 'ajv';
import validatePlanSchema from './generated/plan-schema-validator.cjs';
import type { FieldErrors, Plan, PlanValidation } from './plan';

const ROOT_PATH = '(root)';
const START_TIME_MESSAGE = 'must be exactly yyyy-MM-ddTHH:mm:ssZ in UTC';

// A pattern's failure means something different per field, and ajv's own text would quote the regex.
const PATTERN_MESSAGES: Readonly<Record<string, string>> = {
  CasterId: 'must contain only letters, digits, "_", "-" and "*"',
  CallbackUrl: 'must be an http(s) URL with a host, without whitespace, control characters or user info',
  DomainName: 'must be a hostname of letters, digits, hyphens and dots',
  SideOutputUrl: 'must be an rtmp, rtmps, http or https URL with a host, without whitespace, control characters or user info',
  StartTime: START_TIME_MESSAGE,
  VodUrl: 'must be an http(s) URL whose path ends in .mp4, .flv or .ts',
  ClientToken: 'must contain only printable ASCII characters (0x21-0x7E)',
  Slot: 'must contain only letters, digits, ".", "_", ":" and "-"',
};

const TYPE_NAMES: Readonly<Record<string, string>> = {
  object: 'an object',
  array: 'an array',
  string: 'a string',
  integer: 'an integer',
};

// Property names come from the input too; only echo ones that cannot smuggle a secret or a terminal escape.
const ECHOABLE_PROPERTY_NAME = /^[A-Za-z0-9_.$-]{1,64}$/;

const START_TIME_PARTS = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z$/;

/** Checks untrusted input against the plan format; returns the plan itself (not a copy) or messages per field path. */
export function validatePlan(input: unknown): PlanValidation {
  const fieldErrors: FieldErrors = {};
  if (!validatePlanSchema(input)) {
    for (const error of validatePlanSchema.errors ?? []) addAjvError(fieldErrors, error);
  }
  const startTime = isObject(input) ? input.StartTime : undefined;
  if (typeof startTime === 'string' && isImpossibleDateTime(startTime)) {
    addMessage(fieldErrors, 'StartTime', 'is not a real calendar date/time');
  }
  if (Object.keys(fieldErrors).length > 0) return { ok: false, fieldErrors };
  return { ok: true, plan: input as Plan };
}

/** Renders field errors one `path: message` line each, for a terminal or a log line. */
export function describeFieldErrors(fieldErrors: FieldErrors): string {
  return Object.entries(fieldErrors)
    .flatMap(([path, messages]) => messages.map((message) => `${path}: ${message}`))
    .join('\n');
}

/** True when a string has the `yyyy-MM-ddTHH:mm:ssZ` shape but names no real instant (Feb 30, hour 24, second 60). */
function isImpossibleDateTime(text: string): boolean {
  // Wrong shapes are the schema's to report (or to skip, past a size guard); this rule is only about the values.
  const match = START_TIME_PARTS.exec(text);
  if (!match) return false;
  const [year, month, day, hours, minutes, seconds] = match.slice(1).map(Number) as [number, number, number, number, number, number];
  // Date.UTC maps years 0-99 to 1900-1999; setUTCFullYear does not, so every four-digit year round-trips.
  const date = new Date(Date.UTC(2000, 0, 1));
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hours, minutes, seconds, 0);
  // Date normalises overflow (Feb 30 becomes Mar 2), so any change in a component means it did not exist.
  return !(
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day &&
    date.getUTCHours() === hours &&
    date.getUTCMinutes() === minutes &&
    date.getUTCSeconds() === seconds
  );
}

/** Files one ajv error under its field path with a plain-words message, skipping ajv's summary errors. */
function addAjvError(fieldErrors: FieldErrors, error: ErrorObject): void {
  const path = toFieldPath(error.instancePath);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'if':
      // "must match then schema" only repeats the errors already reported from inside the guarded schema.
      return;
    case 'required':
      return addMessage(fieldErrors, joinPath(path, String(params.missingProperty)), 'is required');
    case 'additionalProperties':
      return addMessage(fieldErrors, path, describeUnknownProperty(String(params.additionalProperty)));
    case 'type':
      return addMessage(fieldErrors, path, `must be ${TYPE_NAMES[String(params.type)] ?? `of type ${String(params.type)}`}`);
    case 'pattern':
      return addMessage(fieldErrors, path, PATTERN_MESSAGES[lastSegment(path)] ?? 'has an invalid format');
    default:
      return addMessage(fieldErrors, path, describeLimit(error.keyword, params.limit));
  }
}

/** The message for a size or range rule; `limit` is the schema's number, never the input's. */
function describeLimit(keyword: string, limit: unknown): string {
  switch (keyword) {
    case 'minLength':
      return limit === 1 ? 'must not be empty' : `must be at least ${String(limit)} characters`;
    case 'maxLength':
      return `must be at most ${String(limit)} characters`;
    case 'minItems':
      return `must have at least ${String(limit)} item${limit === 1 ? '' : 's'}`;
    case 'maxItems':
      return `must have at most ${String(limit)} items`;
    case 'maxProperties':
      return `must have at most ${String(limit)} properties`;
    case 'minimum':
      return `must be an integer >= ${String(limit)}`;
    case 'maximum':
      return `must be an integer <= ${String(limit)}`;
    default:
      return `breaks the schema rule "${keyword}"`;
  }
}

/** Names an unknown property only when its name is short and harmless to print. */
function describeUnknownProperty(name: string): string {
  return ECHOABLE_PROPERTY_NAME.test(name) ? `unknown property "${name}"` : 'has an unknown property (name not shown)';
}

/** Turns a JSON pointer like `/Items/2/VodUrl` into `Items[2].VodUrl`, and `` into `(root)`. */
function toFieldPath(instancePath: string): string {
  if (instancePath === '') return ROOT_PATH;
  return instancePath
    .slice(1)
    .split('/')
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((path, segment) => (/^\d+$/.test(segment) ? `${path}[${segment}]` : joinPath(path, segment)), '');
}

/** Appends a property name to a field path, where the root contributes no prefix. */
function joinPath(path: string, property: string): string {
  return path === '' || path === ROOT_PATH ? property : `${path}.${property}`;
}

/** The property name a field path ends in (`Items[2].VodUrl` gives `VodUrl`). */
function lastSegment(path: string): string {
  return path.slice(path.lastIndexOf('.') + 1);
}

/** Adds a message to a path unless that exact message is already there. */
function addMessage(fieldErrors: FieldErrors, path: string, message: string): void {
  const messages = (fieldErrors[path] ??= []);
  if (!messages.includes(message)) messages.push(message);
}

/** True for a plain JSON-like object (not null, not an array). */
function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
