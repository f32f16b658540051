import { NoCandidatesError } from '../errors.js';
import { HealthRound, type Candidate, type PlacementStrategy } from './placement-strategy.js';

/**
 * DLisp's RoundRobin mode: a randomised circular queue of agents.
 *
 * The strategy keeps a circular order of the agent ids it has seen. Each `choose` takes the next
 * agent in that order that is among the candidates, and moves the cursor past it. An agent seen
 * for the first time is inserted at a uniformly random place in the order (which also makes the
 * first order a uniform shuffle); an agent missing from the candidates is skipped and dropped from
 * the order when the cursor passes it, so if it comes back it joins again at a random place.
 *
 * Guarantee: while the candidate set stays the same, every candidate is chosen once in each run
 * of n calls (n the number of candidates), so over k·n calls each is chosen exactly k times and
 * at any moment the counts differ by at most one.
 *
 * Randomness is injected (`random`, returning values in [0, 1)) so tests can be deterministic.
 */
export class RoundRobinPlacement implements PlacementStrategy {
  /** Always `round-robin`. */
  readonly name = 'round-robin';
  /** Heartbeat stats are not used, so no health round. */
  readonly healthRound = HealthRound.None;
  // ring[head] is the next agent to consider; choosing an agent moves head past it.
  private readonly ring: string[] = [];
  private head = 0;
  private readonly inRing = new Set<string>();
  /** The live candidates by agent, for the list in `seen`. */
  private live = new Map<string, Candidate>();
  /** The last list seen, if frozen: the same list again needs no look at its members. */
  private seen: readonly Candidate[] | undefined;

  constructor(private readonly random: () => number = Math.random) {}

  /**
   * Returns the next live candidate in the circular order (the same object as in `candidates`).
   * O(1) amortised when called again with the same frozen list, as the master does while the
   * candidate set stays the same; O(candidates) for a new list.
   */
  choose(candidates: readonly Candidate[]): Candidate {
    if (candidates !== this.seen) {
      this.live = new Map();
      for (const c of candidates) {
        if (!this.live.has(c.agent)) this.live.set(c.agent, c);
        if (!this.inRing.has(c.agent)) this.join(c.agent);
      }
      // Only a frozen list is sure to hold the same candidates when it comes again.
      this.seen = Object.isFrozen(candidates) ? candidates : undefined;
    }
    // Every live agent is in the ring now, so this loop ends within one turn of it.
    for (;;) {
      if (this.ring.length === 0) throw new NoCandidatesError('RoundRobinPlacement.choose needs at least one candidate');
      const agent = this.ring[this.head]!;
      const candidate = this.live.get(agent);
      if (candidate === undefined) {
        this.ring.splice(this.head, 1);
        this.inRing.delete(agent);
        if (this.head >= this.ring.length) this.head = 0;
        continue;
      }
      this.head = (this.head + 1) % this.ring.length;
      return candidate;
    }
  }

  private join(agent: string): void {
    // Offset i means i other agents are chosen before the newcomer: ring.length + 1 equally likely places.
    const offset = Math.min(this.ring.length, Math.floor(this.random() * (this.ring.length + 1)));
    const at = this.head + offset;
    if (at <= this.ring.length) {
      this.ring.splice(at, 0, agent);
    } else {
      // Past the end of the array, i.e. before the head in the circle: the head moves up by one.
      this.ring.splice(at - this.ring.length, 0, agent);
      this.head++;
    }
    this.inRing.add(agent);
  }
}
