/** Summary statistics over numeric samples. Inputs are never modified. */

/** Samples sorted ascending (a copy). */
export function sorted(samples: readonly number[]): number[] {
  return [...samples].sort((a, b) => a - b);
}

/**
 * The `p`-th percentile (0..100) with linear interpolation between closest ranks, the same
 * definition as NumPy's default. Throws on an empty input or a `p` outside 0..100.
 */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) throw new RangeError('percentile of an empty sample');
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be within 0..100, got ${p}`);
  return percentileOfSorted(sorted(samples), p);
}

/** Like {@link percentile} for input that is already sorted ascending (not checked). */
export function percentileOfSorted(ascending: ArrayLike<number>, p: number): number {
  const n = ascending.length;
  if (n === 0) throw new RangeError('percentile of an empty sample');
  const rank = (p / 100) * (n - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return ascending[lo]! + (ascending[hi]! - ascending[lo]!) * (rank - lo);
}

/** The median (the mean of the two middle values for an even count). */
export function median(samples: readonly number[]): number {
  return percentile(samples, 50);
}

export function mean(samples: readonly number[]): number {
  if (samples.length === 0) throw new RangeError('mean of an empty sample');
  let sum = 0;
  for (const x of samples) sum += x;
  return sum / samples.length;
}

/** What {@link summarize} reports about one set of samples. */
export interface Summary {
  count: number;
  min: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

/** Count, extremes, mean and the 50th, 90th and 99th percentiles. */
export function summarize(samples: readonly number[]): Summary {
  const s = sorted(samples);
  if (s.length === 0) throw new RangeError('summary of an empty sample');
  return {
    count: s.length,
    min: s[0]!,
    p50: percentileOfSorted(s, 50),
    p90: percentileOfSorted(s, 90),
    p99: percentileOfSorted(s, 99),
    max: s[s.length - 1]!,
    mean: mean(s),
  };
}

/** `value / baseline`, or `null` when there is no usable baseline. */
export function ratio(value: number, baseline: number | null | undefined): number | null {
  if (baseline === null || baseline === undefined || !Number.isFinite(baseline) || baseline === 0) return null;
  return value / baseline;
}

/** Rounds to `digits` decimals, for results files and tables. */
export function round(value: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
