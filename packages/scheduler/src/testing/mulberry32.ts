/**
 * A seeded source of randomness: Mulberry32, a 32-bit generator that is small, fast and good
 * enough for simulation (not for cryptography). The same seed gives the same sequence on every
 * run and platform, so a failing simulation reproduces from its seed.
 *
 * Returns a function with the contract of `Math.random`: each call gives the next number in
 * [0, 1). Only the low 32 bits of `seed` count (`seed >>> 0`).
 */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
