import type { AgentSettings } from '../agent/agent-settings.js';

/** DLisp's slow workers: a fraction of a machine's workers take `factor` times as long. */
export interface SlowWorkers {
  /** Share of the agents that are slow, 0..1; rounded to the nearest whole agent. */
  readonly fraction: number;
  /** How many times as long each of their packets takes (≥ 1). */
  readonly factor: number;
}

/** Tunables of a Machine, merged over {@link MACHINE_DEFAULTS}. */
export interface MachineSettings {
  /** A human-readable name, shown in cluster views; need not be unique. */
  readonly name: string;
  /** Agent+Worker pairs; default `os.availableParallelism()`. */
  readonly agents: number;
  /** Heartbeat period, in milliseconds. */
  readonly heartbeatMs: number;
  /** A master whose heartbeat replies stop for this long is forgotten and its packets dropped. */
  readonly masterTimeoutMs: number;
  /** Makes a fraction of the workers slower, to reproduce heterogeneous fleets; default none. */
  readonly slow?: SlowWorkers;
  /** Agent tunables. */
  readonly agent: Partial<Omit<AgentSettings, 'machine'>>;
  /** Heap limit of each worker thread in MiB, so a runaway packet kills only its thread. */
  readonly maxThreadHeapMb?: number;
}

/** The defaults machine settings are merged over. */
export const MACHINE_DEFAULTS = {
  heartbeatMs: 1000,
  masterTimeoutMs: 5000,
  agent: {},
} as const satisfies Partial<MachineSettings>;
