import { canonicalJson, deriveClientToken } from './client-token';

/**
 * The ClientToken of a trigger's n-th generation. Generation 1 is the token the trigger has always derived,
 * unchanged, so retries and every token issued before the ledger existed keep their meaning. Each cancel or
 * retirement of the group moves the trigger to the next generation, whose token is
 * `deriveClientToken(canonicalJson(['generation', baseToken, n]))`: 47 ASCII characters, never equal to a
 * generation-1 token (those hash other identities), the same for the same (baseToken, n) forever.
 */
export function tokenForGeneration(baseToken: string, generation: number): string {
  if (!Number.isInteger(generation) || generation < 1) throw new RangeError(`generation must be an integer >= 1, got ${generation}`);
  if (generation === 1) return baseToken;
  return deriveClientToken(canonicalJson(['generation', baseToken, generation]));
}
