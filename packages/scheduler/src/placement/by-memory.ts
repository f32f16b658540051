import { InvalidArgumentError } from '@armada/actors';
import { leastLoaded } from './least-loaded.js';
import { HealthRound, type Candidate, type PlacementStrategy } from './placement-strategy.js';

/** Tunables of {@link ByMemoryPlacement}. */
export interface ByMemoryOptions {
  /**
   * Bytes of free memory within which machines count as tied with the one that has the most.
   * Must be a finite number ≥ 0.
   */
  readonly toleranceBytes?: number;
}

/** Defaults of {@link ByMemoryOptions}. */
export const BY_MEMORY_DEFAULTS: Required<ByMemoryOptions> = {
  toleranceBytes: 64 * 1024 * 1024,
};

/**
 * DLisp's ByMemory mode: the machine with the most free memory gets the packets.
 *
 * Asks the master for an `all-answers` health round, so `stats` are fresh. Every candidate whose
 * machine reports free memory within `toleranceBytes` of the largest figure counts as tied, and
 * among the tied candidates it chooses the one with the fewest outstanding packets (the earliest
 * in the list on a tie).
 *
 * Ties are the common case, not an edge: every agent of a machine carries the same stats, and two
 * machine processes on one host report the same free memory. Choosing strictly by memory would
 * send every group to one agent until its figures moved; the outstanding count spreads the groups
 * over all the agents of the roomiest machines instead. The tolerance keeps noise of a few
 * megabytes between heartbeats from deciding.
 *
 * Stateless: the choice depends only on the candidates given.
 */
export class ByMemoryPlacement implements PlacementStrategy {
  /** Always `by-memory`. */
  readonly name = 'by-memory';
  /** The master chooses once every machine answered (or the round timed out). */
  readonly healthRound = HealthRound.AllAnswers;
  private readonly toleranceBytes: number;

  constructor(options: ByMemoryOptions = {}) {
    const toleranceBytes = options.toleranceBytes ?? BY_MEMORY_DEFAULTS.toleranceBytes;
    if (!Number.isFinite(toleranceBytes) || toleranceBytes < 0) {
      throw new InvalidArgumentError(`ByMemoryPlacement toleranceBytes must be a finite number >= 0, got ${toleranceBytes}`);
    }
    this.toleranceBytes = toleranceBytes;
  }

  /** Returns the least loaded candidate among those on the machines with the most free memory. */
  choose(candidates: readonly Candidate[]): Candidate {
    let most = -Infinity;
    for (const c of candidates) {
      if (c.stats.freeMemory > most) most = c.stats.freeMemory;
    }
    const tied = candidates.filter((c) => c.stats.freeMemory >= most - this.toleranceBytes);
    // Empty only when no figure is a number (NaN from a broken report): fall back to load alone.
    return leastLoaded(tied.length > 0 ? tied : candidates);
  }
}
