/** Tunables of a Master, merged over {@link MASTER_DEFAULTS}. */
export interface MasterSettings {
  /** A machine not heard from for this long is declared dead and its packets placed again. */
  readonly deadAfterMs: number;
  /**
   * A machine not heard from for this long gets no new packets (unless every machine is that
   * quiet) while the failure detector makes up its mind. Default half of `deadAfterMs`.
   */
  readonly suspectAfterMs?: number;
  /** How often the failure detector looks, in milliseconds. */
  readonly tickMs: number;
  /** How often the master broadcasts `master-hello`, so machines that missed it find it. */
  readonly helloEveryMs: number;
  /** A health round waits at most this long for answers. */
  readonly healthTimeoutMs: number;
  /**
   * For strategies that ask for a `first-answer` health round (`low-latency`): the round trips of
   * a round that started less than this long ago serve a placement pass without a new round,
   * once every machine answered one. 0 runs a round before every pass.
   */
  readonly healthReuseMs: number;
  /** Aim for groups of packets (one placement each) worth about this much run time. */
  readonly targetGroupMs: number;
  /** Never place more packets in one group. */
  readonly maxGroup: number;
  /** Keep about this many groups in flight per agent. */
  readonly groupsPerAgent: number;
  /**
   * Other machines each machine's agents may steal from (a random sample, refreshed as machines
   * join and leave), so peer lists stay bounded in a large fleet. At most this many + 1 machines:
   * everyone steals from everyone.
   */
  readonly peerMachines: number;
  /**
   * Acknowledgements of results wait up to this long and go to each agent in one message (see
   * `AckBatcher`); keep it well below the agents' `resultResendMs`. 0 acknowledges every results
   * message at once.
   */
  readonly ackDelayMs: number;
  /**
   * When the last job that allows stealing ends, the work hint that tells machines no job runs
   * (so idle agents park) waits this long: a job started meanwhile keeps it as it was, so a
   * program that runs small jobs one after another costs the fleet no hint messages.
   */
  readonly quietHintDelayMs: number;
}

/** The defaults master settings are merged over. */
export const MASTER_DEFAULTS: MasterSettings = {
  deadAfterMs: 3000,
  tickMs: 250,
  helloEveryMs: 5000,
  healthTimeoutMs: 1000,
  healthReuseMs: 50,
  targetGroupMs: 10,
  maxGroup: 1024,
  groupsPerAgent: 4,
  peerMachines: 8,
  ackDelayMs: 20,
  quietHintDelayMs: 50,
};
