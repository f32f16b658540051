import { leastLoaded } from './least-loaded.js';
import { HealthRound, type Candidate, type PlacementStrategy } from './placement-strategy.js';

/**
 * DLisp's LowLatency mode, made to pay off with machines at different distances: each packet
 * goes where it comes back soonest.
 *
 * Asks the master for a `first-answer` health round before each placement pass (a round younger
 * than `healthReuseMs` serves the next passes); the master keeps every machine's measured round
 * trip (the far ones' answers arrive after the pass started and count for the next) and gives it
 * to every candidate as `rttMs`, and it lets as many more packets be in flight as far machines
 * have on the wire (see `transitAllowance`).
 *
 * Chooses the candidate with the fewest outstanding packets; among equals the one with the
 * lowest `rttMs` (one with a figure before one without), then the lowest `answerRank`, then the
 * earliest in the list. Fewest outstanding is "back soonest" because a far agent's outstanding
 * count already holds the packets on the wire to it and back: an agent kept busy finishes a
 * packet placed now after about `outstanding` run times whatever its distance, and the
 * round trip decides only between equals, first of all while the agents are still empty.
 *
 * Giving the first machine to answer every packet of a pass (the earlier rule, DLisp's word for
 * word) left the far half of a fleet idle: 0.57x round-robin in the W9 benchmark.
 *
 * Stateless: the choice depends only on the candidates given.
 */
export class LowLatencyPlacement implements PlacementStrategy {
  /** Always `low-latency`. */
  readonly name = 'low-latency';
  /** A health round before each pass, answered first by the nearest machine; it measures round trips. */
  readonly healthRound = HealthRound.FirstAnswer;

  /** Returns the least loaded candidate, the nearest among equals. */
  choose(candidates: readonly Candidate[]): Candidate {
    return leastLoaded(candidates, nearer);
  }
}

function nearer(a: Candidate, b: Candidate): number {
  return (a.rttMs ?? Infinity) - (b.rttMs ?? Infinity) || (a.answerRank ?? Infinity) - (b.answerRank ?? Infinity);
}
