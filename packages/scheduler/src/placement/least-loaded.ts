import { NoCandidatesError } from '../errors.js';
import type { Candidate } from './placement-strategy.js';

/**
 * The candidate with the fewest outstanding packets. `tieBreak` orders equals (negative puts `a`
 * first); whatever it leaves tied goes to the earliest in the list. Throws `NoCandidatesError` for an
 * empty list, which the strategy contract rules out. Shared by the built-in strategies; not part
 * of the public API.
 */
export function leastLoaded(candidates: readonly Candidate[], tieBreak?: (a: Candidate, b: Candidate) => number): Candidate {
  let best: Candidate | undefined;
  for (const c of candidates) {
    const better = best === undefined || c.outstanding < best.outstanding || (c.outstanding === best.outstanding && (tieBreak?.(c, best) ?? 0) < 0);
    if (better) best = c;
  }
  if (best === undefined) throw new NoCandidatesError();
  return best;
}
