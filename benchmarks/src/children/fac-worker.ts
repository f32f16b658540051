/**
 * The task of the `w4-fac` suite, and the Piscina worker file that runs it: `fac(n)` = n! as a
 * BigInt. Self-contained (no captured variables), so `dmap` can ship it as source too.
 */
export default function fac(n: number): bigint {
  let r = 1n;
  for (let i = 2n; i <= BigInt(n); i++) r *= i;
  return r;
}

/** A static share of the inputs: n = first, first + step, ... below end. */
export interface Share {
  first: number;
  step: number;
  end: number;
}

/**
 * Computes `fac(n)` for every n of a static share and returns only how many it computed: the
 * suite's calibration of how much parallel CPU the machine gives right now, without scheduling
 * or moving results. Called through Piscina with `{ name: 'facShare' }`.
 */
export function facShare(share: Share): number {
  let count = 0;
  for (let n = share.first; n < share.end; n += share.step) {
    fac(n);
    count++;
  }
  return count;
}
