import type { MachineId } from '../ids.js';

/** Hardware and load figures a machine reports with every heartbeat and health check. */
export interface MachineStats {
  /** CPU cores of the machine. */
  readonly cores: number;
  /** Total memory in bytes. */
  readonly totalMemory: number;
  /** Free memory in bytes at the last heartbeat. */
  readonly freeMemory: number;
  /** One-minute load average (0 where the OS has none). */
  readonly load: number;
}

/**
 * One agent a packet group may go to, with what the master knows of it. The master builds the
 * list and keeps only live candidates in it; a strategy only chooses.
 */
export interface Candidate {
  /** The agent's address as text (`node/path`); unique in the cluster. */
  readonly agent: string;
  /** The machine the agent runs on. */
  readonly machine: MachineId;
  /** The machine's latest stats: from its heartbeat, or from the health round of this placement. */
  readonly stats: MachineStats;
  /** Packets this master placed on the agent that have no result yet. */
  readonly outstanding: number;
  /**
   * For strategies that ask for a health round: the order in which the machine answered, 0 for
   * the first. Undefined when the machine did not answer in time, no round was run, or the pass
   * used the round trips of a recent round (`MasterSettings.healthReuseMs`).
   */
  readonly answerRank?: number;
  /**
   * For strategies that ask for a health round: the machine's health-check round trip in
   * milliseconds, from this round or, for a machine that has not answered it (yet), the master's
   * smoothed figure from earlier ones. Undefined until the machine answered one.
   */
  readonly rttMs?: number;
}

/** What a strategy needs the master to do before it chooses. */
export const HealthRound = {
  /** Nothing: heartbeat stats are enough. */
  None: 'none',
  /** Health-check every machine and choose once the first one answers. */
  FirstAnswer: 'first-answer',
  /** Health-check every machine and choose once all answered (or the round timed out). */
  AllAnswers: 'all-answers',
} as const;
export type HealthRound = (typeof HealthRound)[keyof typeof HealthRound];

/**
 * Chooses the agent for the next group of packets. `choose` is called with a non-empty list of
 * live candidates and returns one of them (the same object). Strategies may keep their own state
 * (a round-robin cursor), so each master gets its own instance.
 *
 * The master passes the same frozen array again for as long as the candidate set is unchanged;
 * only the candidates' live figures (`outstanding`, `stats`) change meanwhile, read when read. A
 * strategy may keep that array to recognise it and skip work that depends only on who the
 * candidates are, which keeps placement in a large fleet from costing O(candidates) per packet.
 */
export interface PlacementStrategy {
  /** The name the strategy is selected by (`round-robin`, ...). */
  readonly name: string;
  /** Whether the master runs a health round before each choice. Default `none`. */
  readonly healthRound?: HealthRound;
  /** Returns one of `candidates` (never empty, all alive); called once per packet, must be fast and must not throw. */
  choose(candidates: readonly Candidate[]): Candidate;
}

/**
 * Makes a fresh strategy instance. `random` (`() => [0, 1)`) is the randomness of the master that
 * asks (`Math.random` unless its node was given a seeded one): a strategy that draws from it
 * replays with a simulation's seed.
 */
export type PlacementStrategyFactory = (random: () => number) => PlacementStrategy;
