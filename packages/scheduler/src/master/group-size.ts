import type { MasterSettings } from './master-settings.js';

/** Packets worth about `targetGroupMs` of run time at `avgMs` per packet (1 until measured), at most `maxGroup`. */
export function timedGroupSize(avgMs: number | undefined, settings: Pick<MasterSettings, 'targetGroupMs' | 'maxGroup'>): number {
  if (avgMs === undefined) return 1;
  return Math.max(1, Math.min(settings.maxGroup, Math.floor(settings.targetGroupMs / Math.max(avgMs, 1e-4))));
}

/**
 * The timed size, but at least two groups per agent of what is left (`left`, when known), so one
 * group never holds the tail of the work. Always ≥ 1.
 */
export function groupSize(timed: number, agents: number, left: number | undefined): number {
  return left === undefined ? timed : Math.max(1, Math.min(timed, Math.ceil(left / (agents * 2))));
}

/** Packets a job may have in flight: `groupsPerAgent` timed groups per agent, at least one per agent, at most `maxInFlight`. */
export function windowSize(agents: number, timed: number, groupsPerAgent: number, maxInFlight: number): number {
  return Math.min(maxInFlight, Math.max(agents, agents * groupsPerAgent * timed));
}
