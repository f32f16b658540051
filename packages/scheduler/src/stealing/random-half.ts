import type { StealPeer, StealPolicy } from './steal-policy.js';

/**
 * DLisp's work stealing: an idle agent asks a peer chosen uniformly at random, and the victim
 * gives away half of what it can spare, rounded up.
 *
 * `victim` returns a peer for every non-empty list (undefined only for an empty one) and ignores
 * `attempt`: back-off between empty answers is the agent's business, on its clock. `amount` is
 * `ceil(stealable / 2)`, so a victim with one stealable packet gives it away and one with none
 * gives nothing. Randomness is injected (`random`, returning values in [0, 1)) so tests can be
 * deterministic.
 */
export class RandomHalfPolicy implements StealPolicy {
  constructor(private readonly random: () => number = Math.random) {}

  /** A uniformly random peer of `peers`. */
  victim(peers: readonly StealPeer[], _attempt: number): StealPeer | undefined {
    if (peers.length === 0) return undefined;
    return peers[Math.min(peers.length - 1, Math.floor(this.random() * peers.length))];
  }

  /** Half of `stealable`, rounded up; 0 when there is nothing to steal. */
  amount(stealable: number, _queued: number): number {
    return stealable > 0 ? Math.ceil(stealable / 2) : 0;
  }
}
