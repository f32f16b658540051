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

/**
 * Packets a job may have in flight: `groupsPerAgent` timed groups per agent, at least one per
 * agent, plus `transit` (see {@link transitAllowance}), at most `maxInFlight`.
 */
export function windowSize(agents: number, timed: number, groupsPerAgent: number, maxInFlight: number, transit = 0): number {
  return Math.min(maxInFlight, Math.max(agents, agents * groupsPerAgent * timed) + transit);
}

/**
 * Extra packets a job may have in flight so far machines do not run dry: a packet placed on an
 * agent `rttMs` away is in flight for a round trip (the assign out, the result back) beside the
 * time it runs, and an agent busy all along finishes about `rttMs / avgMs` packets in that time.
 * Sums `ceil(rttMs / avgMs)` per agent over the machines with a known round trip; 0 until the run
 * time is measured. Always ≥ 0.
 */
export function transitAllowance(machines: Iterable<{ readonly agents: number; readonly rttMs: number | undefined }>, avgMs: number | undefined): number {
  if (avgMs === undefined || !(avgMs > 0)) return 0;
  let extra = 0;
  for (const { agents, rttMs } of machines) {
    if (rttMs !== undefined && rttMs > 0) extra += agents * Math.ceil(rttMs / avgMs);
  }
  return extra;
}
