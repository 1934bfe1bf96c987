import type { StudioAccessLists } from '../authorization/studio-access';
import { ConfigurationError } from '../errors';
import { DEFAULT_LIVE_ENDPOINT, DEFAULT_REGION_ID, DEFAULT_TIMEOUT_MS } from '../live/live-client';
import { type LogLevel, parseLogLevel } from '../logging/logger';
import { parsePacingShare } from '../pacing/pacing-share';
import type { PlanRules } from '../plan/plan';
import { DEFAULT_START_TIME_GRACE_S } from '../plan/start-time';
import type { Credentials, SignatureAlgorithm } from '../signing/credentials';

/** Settings read from environment variables, shared by the CLI and the functions. */
export interface Environment {
  readonly endpoint: string;
  readonly regionId: string;
  readonly defaultCasterId: string | undefined;
  readonly signatureAlgorithm: SignatureAlgorithm;
  readonly timeoutMs: number;
  readonly logLevel: LogLevel;
  readonly redisUrl: string | undefined;
  /** Names the account's schedule in Redis (PACING_ACCOUNT); the same everywhere that shares one limit. */
  readonly pacingAccount: string;
  /** The fraction of the account's limits this process paces at on its own (PACING_SHARE, above 0 and at most 1). */
  readonly pacingShare: number;
  /** Credentials from ALIBABA_CLOUD_* variables, when both halves are set. */
  readonly credentials: Credentials | undefined;
  /** START_TIME_GRACE_S and AUTH_KEY_VALIDITY_S. */
  readonly planRules: PlanRules;
  /** ALLOWED_CASTER_IDS and ALLOWED_DOMAINS. */
  readonly studioAccess: StudioAccessLists;
}

/** Reads and checks the environment; a bad value is a ConfigurationError naming the variable. */
export function readEnvironment(env: NodeJS.ProcessEnv = process.env): Environment {
  const algorithm = (env['LIVE_SIGNATURE_ALGORITHM'] ?? 'v1').toLowerCase();
  if (algorithm !== 'v1' && algorithm !== 'acs3') {
    throw new ConfigurationError('LIVE_SIGNATURE_ALGORITHM must be v1 or acs3');
  }
  const timeoutText = env['LIVE_TIMEOUT_MS'];
  const timeoutMs = timeoutText === undefined || timeoutText === '' ? DEFAULT_TIMEOUT_MS : Number(timeoutText);
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) throw new ConfigurationError('LIVE_TIMEOUT_MS must be a positive integer');
  return {
    endpoint: nonEmpty(env['LIVE_ENDPOINT']) ?? DEFAULT_LIVE_ENDPOINT,
    regionId: nonEmpty(env['LIVE_REGION_ID']) ?? DEFAULT_REGION_ID,
    defaultCasterId: nonEmpty(env['CASTER_ID']),
    signatureAlgorithm: algorithm,
    timeoutMs,
    logLevel: parseLogLevel(env['LOG_LEVEL']),
    redisUrl: redisUrlFrom(nonEmpty(env['REDIS_URL'])),
    pacingAccount: nonEmpty(env['PACING_ACCOUNT']) ?? 'default',
    pacingShare: parsePacingShare(env['PACING_SHARE']),
    credentials: credentialsFromEnvironment(env),
    planRules: readPlanRules(env),
    studioAccess: readStudioAccessLists(env),
  };
}

/** START_TIME_GRACE_S (default 60) and AUTH_KEY_VALIDITY_S (unset: the domain's validity is unknown). */
export function readPlanRules(env: NodeJS.ProcessEnv = process.env): PlanRules {
  const graceText = nonEmpty(env['START_TIME_GRACE_S']);
  const startTimeGraceS = graceText === undefined ? DEFAULT_START_TIME_GRACE_S : Number(graceText);
  if (!Number.isInteger(startTimeGraceS) || startTimeGraceS < 0) {
    throw new ConfigurationError('START_TIME_GRACE_S must be a whole number of seconds, 0 or more');
  }
  const validityText = nonEmpty(env['AUTH_KEY_VALIDITY_S']);
  const authKeyValidityS = validityText === undefined ? undefined : Number(validityText);
  if (authKeyValidityS !== undefined && (!Number.isInteger(authKeyValidityS) || authKeyValidityS < 0)) {
    throw new ConfigurationError('AUTH_KEY_VALIDITY_S must be a whole number of seconds, 0 or more');
  }
  return { startTimeGraceS, authKeyValidityS };
}

/** ALLOWED_CASTER_IDS and ALLOWED_DOMAINS as sets (comma lists; blanks ignored; domains compared in lowercase). */
export function readStudioAccessLists(env: NodeJS.ProcessEnv = process.env): StudioAccessLists {
  return {
    allowedCasterIds: commaSet(env['ALLOWED_CASTER_IDS'], (id) => id),
    allowedDomains: commaSet(env['ALLOWED_DOMAINS'], (domain) => domain.toLowerCase()),
  };
}

function commaSet(text: string | undefined, normalise: (entry: string) => string): ReadonlySet<string> | undefined {
  if (nonEmpty(text) === undefined) return undefined;
  const entries = (text ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map(normalise);
  if (entries.length === 0) throw new ConfigurationError('ALLOWED_CASTER_IDS and ALLOWED_DOMAINS must list at least one entry when set');
  return new Set(entries);
}

/** The AccessKey pair (and STS token) from ALIBABA_CLOUD_* variables, or undefined when either half is missing. */
export function credentialsFromEnvironment(env: NodeJS.ProcessEnv = process.env): Credentials | undefined {
  const accessKeyId = nonEmpty(env['ALIBABA_CLOUD_ACCESS_KEY_ID']);
  const accessKeySecret = nonEmpty(env['ALIBABA_CLOUD_ACCESS_KEY_SECRET']);
  if (!accessKeyId || !accessKeySecret) return undefined;
  return { accessKeyId, accessKeySecret, securityToken: nonEmpty(env['ALIBABA_CLOUD_SECURITY_TOKEN']) };
}

/** REDIS_URL, checked: a redis:// or rediss:// URL with a host. Its value is never echoed, as it may hold a password. */
function redisUrlFrom(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(text.trim());
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'redis:' && url.protocol !== 'rediss:') || url.hostname === '') {
    throw new ConfigurationError('REDIS_URL must be a redis:// or rediss:// URL with a host, e.g. redis://127.0.0.1:6379/0');
  }
  return text.trim();
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}
