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
  // ring[0] is the next agent to consider; choosing an agent moves it to the end.
  private readonly ring: string[] = [];
  private readonly inRing = new Set<string>();

  constructor(private readonly random: () => number = Math.random) {}

  /** Returns the next live candidate in the circular order (the same object as in `candidates`). */
  choose(candidates: readonly Candidate[]): Candidate {
    const live = new Map<string, Candidate>();
    for (const c of candidates) {
      if (!live.has(c.agent)) live.set(c.agent, c);
      if (!this.inRing.has(c.agent)) this.join(c.agent);
    }
    // Every live agent is in the ring now, so this loop ends within one turn of it.
    for (;;) {
      const agent = this.ring.shift();
      if (agent === undefined) throw new NoCandidatesError('RoundRobinPlacement.choose needs at least one candidate');
      const candidate = live.get(agent);
      if (candidate === undefined) {
        this.inRing.delete(agent);
        continue;
      }
      this.ring.push(agent);
      return candidate;
    }
  }

  private join(agent: string): void {
    // Offset i means i other agents are chosen before the newcomer: ring.length + 1 equally likely places.
    const offset = Math.min(this.ring.length, Math.floor(this.random() * (this.ring.length + 1)));
    this.ring.splice(offset, 0, agent);
    this.inRing.add(agent);
  }
}
