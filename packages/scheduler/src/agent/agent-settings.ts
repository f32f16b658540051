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
  /** Longest pause between rounds of empty steal attempts. */
  readonly maxStealBackoffMs: number;
}

/** The defaults agent settings are merged over. */
export const AGENT_DEFAULTS = {
  stealing: true,
  targetChunkMs: 2,
  maxChunk: 1024,
  resultFlushMs: 5,
  stealTimeoutMs: 1000,
  maxStealBackoffMs: 200,
} as const satisfies Partial<AgentSettings>;
