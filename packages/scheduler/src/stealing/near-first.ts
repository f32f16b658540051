import type { StealPeer, StealPolicy } from './steal-policy.js';

/**
 * Work stealing that asks the nearest peers first: an idle agent's first attempts go to agents of
 * its own machine (no network hop, an answer in microseconds), as many attempts as it has such
 * peers, each to one of them at random; once those came back empty, a peer chosen uniformly at
 * random among all. A victim gives away half of what it can spare, rounded up, as
 * `RandomHalfPolicy` does.
 *
 * Why: a steal from a machine 20 ms away takes 40 ms before the packets arrive, and while a
 * fleet drains its tail most idle agents have a busy neighbour on their own machine. DLisp's
 * uniformly random victim sends most of those requests over the network (on 4 machines x 4
 * agents, 12 of 15 peers are remote).
 *
 * @deprecated The agent asks its own machine's agents before remote ones whatever the policy (see
 * the steal rounds in the scheduler README), and calls `victim` with all-local or all-remote
 * candidates only, so this policy chooses exactly as `RandomHalfPolicy` does. Kept so code that
 * names it still builds; use `RandomHalfPolicy` (the default).
 *
 * `victim` returns a peer for every non-empty list (undefined only for an empty one): attempts
 * `0 .. locals - 1` go to the thief's own machine's agents, later ones to any peer. Stateless, so
 * the agents of a machine can share one instance. Randomness is injected (`random`, returning
 * values in [0, 1)) so tests can be deterministic.
 */
export class NearFirstPolicy implements StealPolicy {
  /** `machine`: the id of the machine whose agents use this policy. */
  constructor(
    private readonly machine: string,
    private readonly random: () => number = Math.random,
  ) {}

  /** A random agent of the thief's machine for the first attempts of an idle spell, then any peer at random. */
  victim(peers: readonly StealPeer[], attempt: number): StealPeer | undefined {
    if (peers.length === 0) return undefined;
    const locals = peers.filter((p) => p.machine === this.machine);
    const from = attempt >= 0 && attempt < locals.length ? locals : peers;
    return from[Math.min(from.length - 1, Math.floor(this.random() * from.length))];
  }

  /** Half of `stealable`, rounded up; 0 when there is nothing to steal. */
  amount(stealable: number, _queued: number): number {
    return stealable > 0 ? Math.ceil(stealable / 2) : 0;
  }
}
