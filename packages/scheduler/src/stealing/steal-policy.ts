/** A peer agent an idle agent may ask for work. */
export interface StealPeer {
  /** The agent's address as text (`node/path`). */
  readonly agent: string;
  /** The machine the peer agent runs on. */
  readonly machine: string;
}

/**
 * Decides who an idle agent steals from and how much a victim gives away. Both calls are pure
 * choices; the agents do the transfer, which is transactional either way. The agent asks in
 * rounds, each peer at most once a round, in groups: the victims the masters hint at, the peer
 * that last gave work, its own machine's agents, then remote agents (a bounded number); `victim`
 * chooses within the group at hand, so `peers` are all of one machine's side or the other.
 */
export interface StealPolicy {
  /**
   * The peer to ask next, or undefined to ask nobody. `peers` excludes the thief itself and is
   * never empty. `attempt` counts the empty answers since the thief last had work (0 first).
   */
  victim(peers: readonly StealPeer[], attempt: number): StealPeer | undefined;
  /**
   * How many of `stealable` queued packets the victim gives away (taken from the tail of its
   * queue, so the head keeps its FIFO order). Clamped to 0..stealable by the caller.
   */
  amount(stealable: number, queued: number): number;
}
