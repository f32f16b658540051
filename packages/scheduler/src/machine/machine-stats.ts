import os from 'node:os';
import type { MachineStats } from '../placement/placement-strategy.js';

/** A function that reports a machine's stats now. */
export type StatsSource = () => MachineStats;

/** The stats of this host from `node:os`. */
export const osStats: StatsSource = () => ({
  cores: os.availableParallelism(),
  totalMemory: os.totalmem(),
  freeMemory: os.freemem(),
  load: os.loadavg()[0] ?? 0,
});
