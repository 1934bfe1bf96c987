/**
 * mulberry32: a tiny seeded PRNG. Not cryptographic, and it does not need to be: fault injection must only be
 * reproducible, so the same seed and the same request sequence give the same faults.
 */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return function nextUniform(): number {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
