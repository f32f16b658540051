import type { MachineId } from '../ids.js';

/** Tunables of one Agent, merged over {@link AGENT_DEFAULTS} by its Machine. */
export interface AgentSettings {
  /** The machine this agent belongs to. */
  readonly machine: MachineId;
  /** Whether this agent asks peers for work when idle. Victims give only stealable jobs' packets. */
  readonly stealing: boolean;
  /** Aim for chunks handed to the worker to take about this long, in milliseconds. */
  readonly targetChunkMs: number;
  /** Never hand the worker more packets at once. */
  readonly maxChunk: number;
  /**
   * Results of successive chunks are sent in one message, at the latest this long after the first
   * of them, and at once when the agent runs out of work.
   */
  readonly resultFlushMs: number;
  /** A steal request not answered within this time counts as empty. */
  readonly stealTimeoutMs: number;
  /** Longest pause between empty steal rounds while a job runs (idle agents park instead). */
  readonly maxStealBackoffMs: number;
  /**
   * Peers of other machines asked per steal round, besides hinted victims; the agent's own
   * machine's peers are all asked, as that costs no network.
   */
  readonly maxRemotePerRound: number;
  /** Unacknowledged results are sent again, at the next heartbeat or idle report, once this old. */
  readonly resultResendMs: number;
  /**
   * A packet lent to a thief and not released by its master within this time (the steal's
   * messages were lost) is queued here again; the master keeps one result if both run it.
   */
  readonly lentLeaseMs: number;
  /** An agent that runs out of work tells its masters what it holds (`agent-idle`), at most this often. */
  readonly idleReportMs: number;
  /**
   * Tail copies (see the agent protocol): asked for work by a thief that found nothing queued in
   * its last round, give it a copy of a chunk the worker holds (waiting behind the running one, or
   * running) when, at both agents' measured pace and counting the thief's own work left, the thief
   * would finish it first; and, as a thief, ask for such copies. The master keeps the first
   * result. Shortens the tail behind slow workers. With `false` the agent neither lends nor takes
   * copies, so the packets it holds, and those it runs, run twice only when a message or a machine
   * was lost.
   */
  readonly lendCopies: boolean;
}

/** The defaults agent settings are merged over. */
export const AGENT_DEFAULTS = {
  stealing: true,
  targetChunkMs: 2,
  maxChunk: 1024,
  resultFlushMs: 10,
  stealTimeoutMs: 1000,
  maxStealBackoffMs: 200,
  maxRemotePerRound: 8,
  resultResendMs: 300,
  lentLeaseMs: 3000,
  idleReportMs: 100,
  lendCopies: true,
} as const satisfies Partial<AgentSettings>;
