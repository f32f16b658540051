import fc from 'fast-check';
import { machineId } from '../../src/ids.js';
import type { Candidate, MachineStats } from '../../src/placement/index.js';

const GiB = 1024 * 1024 * 1024;

/** Stats of an idle 8-core machine with 16 GiB, of which `freeMemory` is free. */
export function stats(freeMemory = 8 * GiB): MachineStats {
  return { cores: 8, totalMemory: 16 * GiB, freeMemory, load: 0 };
}

/** A candidate for `agent` on `machine`, idle unless `extra` says otherwise. */
export function candidate(agent: string, machine = 'm1', extra: Partial<Omit<Candidate, 'agent' | 'machine'>> = {}): Candidate {
  return { agent, machine: machineId(machine), stats: stats(), outstanding: 0, ...extra };
}

/** Candidates `a0` … `a{n-1}`, fresh objects on every call. */
export function agents(n: number): Candidate[] {
  return Array.from({ length: n }, (_, i) => candidate(`a${i}`, `m${i % 3}`));
}

/** A deterministic stand-in for Math.random (mulberry32), values in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** How often each agent was chosen. */
export function tally(chosen: readonly Candidate[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const c of chosen) counts.set(c.agent, (counts.get(c.agent) ?? 0) + 1);
  return counts;
}

const freeMemory = fc.oneof(
  // A few shared figures make ties (two machine processes on one host) and near-ties common.
  fc.constantFrom(8 * GiB, 8 * GiB - 1, 8 * GiB - 64 * 1024 * 1024, 8 * GiB - 65 * 1024 * 1024, 0),
  fc.integer({ min: 0, max: 32 * GiB }),
);

/**
 * An arbitrary candidate: agent ids come from a small pool so that successive lists overlap
 * (agents come and go), machines from a smaller one; rank and rtt present or not.
 */
export const candidateArb: fc.Arbitrary<Candidate> = fc.record(
  {
    agent: fc.integer({ min: 0, max: 15 }).map((i) => `node${i % 4}/agent-${i}`),
    machine: fc.integer({ min: 0, max: 4 }).map((i) => machineId(`m${i}`)),
    stats: fc.record({
      cores: fc.integer({ min: 1, max: 64 }),
      totalMemory: fc.integer({ min: 0, max: 64 * GiB }),
      freeMemory,
      load: fc.double({ min: 0, max: 64, noNaN: true }),
    }),
    outstanding: fc.nat({ max: 20 }),
    answerRank: fc.nat({ max: 5 }),
    rttMs: fc.double({ min: 0, max: 500, noNaN: true }),
  },
  { requiredKeys: ['agent', 'machine', 'stats', 'outstanding'] },
);

/** A non-empty list of candidates with distinct agents, as the master builds it. */
export const candidatesArb: fc.Arbitrary<Candidate[]> = fc.uniqueArray(candidateArb, { minLength: 1, maxLength: 12, selector: (c) => c.agent });
