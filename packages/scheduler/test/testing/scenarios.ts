import { expect } from 'chai';
import fc from 'fast-check';
import type { SlowWorkers } from '../../src/machine/machine-settings.js';
import type { Candidate, PlacementStrategy } from '../../src/placement/placement-strategy.js';
import { Mode, type ModeName } from '../../src/placement/registry.js';
import type { StealPeer, StealPolicy } from '../../src/stealing/steal-policy.js';
import type { SimulationOptions } from '../../src/testing/index.js';

const GiB = 1024 ** 3;

/** Failure detection, heartbeats and steal back-off scaled down, so a run stays within a few hundred simulated ms. */
export const FAST = {
  master: { deadAfterMs: 200, tickMs: 10, healthTimeoutMs: 50 },
  machine: { heartbeatMs: 20, masterTimeoutMs: 2000, agent: { stealTimeoutMs: 50, maxStealBackoffMs: 20 } },
} as const satisfies SimulationOptions;

/** One simulated cluster and one `dmap` on it. */
export interface Scenario {
  readonly seed: number;
  readonly machines: number;
  readonly agentsPerMachine: number;
  readonly maxDelayMs: number;
  readonly mode: ModeName;
  /** Slow workers per machine index. */
  readonly slow: ReadonlyArray<SlowWorkers | undefined>;
  /** Free memory per machine index, in GiB, for `by-memory`. */
  readonly freeGiB: readonly number[];
  /** Packet `x` costs `costs[x % costs.length]` ms. */
  readonly costs: readonly number[];
  readonly n: number;
  /** Workers keep a second chunk waiting behind the running one, as threads do (copies can then be lent). */
  readonly queueing?: boolean;
}

export const scenarioArb: fc.Arbitrary<Scenario> = fc.record({
  seed: fc.integer(),
  machines: fc.integer({ min: 2, max: 4 }),
  agentsPerMachine: fc.integer({ min: 1, max: 3 }),
  maxDelayMs: fc.integer({ min: 0, max: 8 }),
  mode: fc.constantFrom(Mode.RoundRobin, Mode.LowLatency, Mode.ByMemory),
  slow: fc.array(fc.option(fc.record({ fraction: fc.constantFrom(0.5, 1), factor: fc.integer({ min: 2, max: 8 }) }), { nil: undefined }), {
    minLength: 4,
    maxLength: 4,
  }),
  freeGiB: fc.array(fc.integer({ min: 1, max: 8 }), { minLength: 4, maxLength: 4 }),
  costs: fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 5 }),
  n: fc.integer({ min: 0, max: 60 }),
  queueing: fc.boolean(),
});

/** The simulation options of a scenario. */
export function simulationOptions(s: Scenario, extra: SimulationOptions = {}): SimulationOptions {
  const costs = s.costs;
  return {
    ...FAST,
    seed: s.seed,
    machines: s.machines,
    agentsPerMachine: s.agentsPerMachine,
    maxDelayMs: s.maxDelayMs,
    slow: (i) => s.slow[i],
    stats: (i) => () => ({ cores: s.agentsPerMachine, totalMemory: 8 * GiB, freeMemory: s.freeGiB[i]! * GiB, load: 0 }),
    cost: (x) => costs[(x as number) % costs.length]!,
    ...(s.queueing === true ? { queueing: true } : {}),
    ...extra,
  };
}

/** Records `progress` calls and checks them: `done` never above `n`, never going back, ending at `n`. */
export function progressLog(n: number): { readonly progress: (done: number) => void; check(): void } {
  const seen: number[] = [];
  return {
    progress: (done) => seen.push(done),
    check() {
      for (const done of seen) expect(done).to.be.at.most(n);
      expect(seen).to.deep.equal([...seen].sort((a, b) => a - b));
      if (n > 0) expect(seen.at(-1)).to.equal(n);
    },
  };
}

export const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

/** Counts steal requests: the agents ask their policy for a victim once per request they send. */
export class CountingStealPolicy implements StealPolicy {
  constructor(
    private readonly inner: StealPolicy,
    private readonly count: { requests: number },
  ) {}

  victim(peers: readonly StealPeer[], attempt: number): StealPeer | undefined {
    this.count.requests++;
    return this.inner.victim(peers, attempt);
  }

  amount(stealable: number, queued: number): number {
    return this.inner.amount(stealable, queued);
  }
}

/** Places every packet on agent 0 of machine 0, so the others get work only by stealing. */
export class OnlyFirst implements PlacementStrategy {
  readonly name = 'only-first';
  choose(candidates: readonly Candidate[]): Candidate {
    return candidates.find((c) => c.machine === 'machine-0' && c.agent.endsWith('agent-0')) ?? candidates[0]!;
  }
}
