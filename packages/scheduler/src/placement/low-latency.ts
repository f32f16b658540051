import { leastLoaded } from './least-loaded.js';
import { HealthRound, type Candidate, type PlacementStrategy } from './placement-strategy.js';

/**
 * DLisp's LowLatency mode: health-check every machine and give the packets to the first one that
 * answers.
 *
 * Asks the master for a `first-answer` health round. Among the candidates on the machine that
 * answered first (the lowest `answerRank`: 0, unless the master filtered that machine's agents
 * out) it chooses the one with the fewest outstanding packets, the earliest in the list on a tie,
 * so the agents of a fast machine share its work. When no candidate has an `answerRank` (nobody
 * answered in time, or no round was run) it chooses the fewest outstanding over all candidates,
 * then the lowest `rttMs` (a candidate with one before a candidate without), then the earliest.
 *
 * Stateless: the choice depends only on the candidates given.
 */
export class LowLatencyPlacement implements PlacementStrategy {
  /** Always `low-latency`. */
  readonly name = 'low-latency';
  /** The master chooses as soon as the first machine answers. */
  readonly healthRound = HealthRound.FirstAnswer;

  /** Returns a candidate of the first machine to answer, or the least loaded one if none answered. */
  choose(candidates: readonly Candidate[]): Candidate {
    let firstRank = Infinity;
    for (const c of candidates) {
      if (c.answerRank !== undefined && c.answerRank < firstRank) firstRank = c.answerRank;
    }
    const answered = candidates.filter((c) => c.answerRank === firstRank);
    return answered.length > 0 ? leastLoaded(answered) : leastLoaded(candidates, byRtt);
  }
}

function byRtt(a: Candidate, b: Candidate): number {
  return (a.rttMs ?? Infinity) - (b.rttMs ?? Infinity);
}
