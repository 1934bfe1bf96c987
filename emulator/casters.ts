import { readFileSync } from 'node:fs';
import { EmulatorConfigError } from './config-error';

/**
 * A production studio, in the DescribeCasterConfig response shape (without RequestId). Only CasterId is
 * required; CallbackUrl and DomainName are what AddCasterEpisodeGroup must quote back, SideOutputUrl is the
 * default standby URL. Any further fields of the real response may be given and are returned as they are.
 */
export interface CasterConfig {
  readonly CasterId: string;
  readonly CasterName?: string;
  readonly CallbackUrl?: string;
  readonly DomainName?: string;
  readonly SideOutputUrl?: string;
  readonly [field: string]: unknown;
}

// Field types from the SDK model (DescribeCasterConfigResponseBody): a wrong type here would let a client
// pass against the emulator and fail against the service.
const STRING_FIELDS = [
  'CasterName',
  'CallbackUrl',
  'DomainName',
  'SideOutputUrl',
  'SideOutputUrlList',
  'AutoSwitchUrgentOn',
  'AutoSwitchUrgentConfig',
  'ProgramName',
  'UrgentImageId',
  'UrgentImageUrl',
  'UrgentLiveStreamUrl',
  'UrgentMaterialId',
];
const NUMBER_FIELDS = ['ChannelEnable', 'Delay', 'ProgramEffect'];

/** Checks a list of studios (from a file or from options); errors name the source, the index and the field. */
export function validateCasters(value: unknown, source: string): CasterConfig[] {
  if (!Array.isArray(value))
    throw new EmulatorConfigError(`${source}: expected a JSON array of studios in the DescribeCasterConfig shape.`);
  if (value.length === 0) throw new EmulatorConfigError(`${source}: the list of studios is empty.`);
  const seen = new Set<string>();
  return value.map((entry: unknown, index) => {
    const where = `${source}: studio [${index}]`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry))
      throw new EmulatorConfigError(`${where} is not a JSON object.`);
    const studio = entry as Record<string, unknown>;
    if (typeof studio['CasterId'] !== 'string' || studio['CasterId'] === '')
      throw new EmulatorConfigError(`${where}: CasterId must be a non-empty string.`);
    const casterId = studio['CasterId'];
    if (seen.has(casterId)) throw new EmulatorConfigError(`${where}: CasterId ${casterId} appears twice.`);
    seen.add(casterId);
    for (const field of STRING_FIELDS) {
      if (studio[field] !== undefined && typeof studio[field] !== 'string')
        throw new EmulatorConfigError(`${where}: ${field} must be a string.`);
    }
    for (const field of NUMBER_FIELDS) {
      if (studio[field] !== undefined && typeof studio[field] !== 'number')
        throw new EmulatorConfigError(`${where}: ${field} must be a number.`);
    }
    // RequestId belongs to each answer, not to the studio.
    const { RequestId: _ignored, ...config } = studio;
    return structuredClone(config) as CasterConfig;
  });
}

/** Reads and checks a `--casters` file. */
export function loadCastersFile(path: string): CasterConfig[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new EmulatorConfigError(`Cannot read casters file ${path}: ${(error as Error).message}`, { cause: error });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new EmulatorConfigError(`Casters file ${path} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  return validateCasters(parsed, `Casters file ${path}`);
}

/** Why a CallbackUrl/DomainName pair did not match a studio, or the studio it matched. */
type StudioMatch = { readonly studio: CasterConfig } | { readonly mismatch: 'CallbackUrl' | 'DomainName' };

/** The known studios, looked up the two ways the API needs. */
export class CasterDirectory {
  private readonly byId = new Map<string, CasterConfig>();

  constructor(readonly studios: readonly CasterConfig[]) {
    for (const studio of studios) this.byId.set(studio.CasterId, studio);
  }

  /** The studio with this CasterId. */
  findById(casterId: string): CasterConfig | undefined {
    return this.byId.get(casterId);
  }

  /**
   * The studio an AddCasterEpisodeGroup targets. The API has no CasterId parameter: the studio is named by the
   * CallbackUrl and DomainName that DescribeCasterConfig returned. The emulator wants the CallbackUrl back
   * verbatim (auth_key included) and the domain case-insensitively; how loosely the service compares is UNCONFIRMED.
   */
  matchCallback(callbackUrl: string, domainName: string): StudioMatch {
    const candidates = this.studios.filter(
      (studio) => studio.CallbackUrl !== undefined && studio.CallbackUrl !== '' && studio.CallbackUrl === callbackUrl,
    );
    if (candidates.length === 0) return { mismatch: 'CallbackUrl' };
    const studio = candidates.find((candidate) => (candidate.DomainName ?? '').toLowerCase() === domainName.toLowerCase());
    return studio ? { studio } : { mismatch: 'DomainName' };
  }
}
