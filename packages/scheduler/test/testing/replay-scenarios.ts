import { createHash } from 'node:crypto';
import { Mode, PlacementRegistry } from '../../src/placement/registry.js';
import { RandomHalfPolicy } from '../../src/stealing/random-half.js';
import { Simulation, type SimulationOptions } from '../../src/testing/index.js';
import { CountingStealPolicy, FAST, OnlyFirst, range } from './scenarios.js';

/** Everything a run showed: a digest of each delivery (time, link, kind, bytes), the batches, the steals. */
export interface Fingerprint {
  readonly deliveries: readonly string[];
  readonly batches: readonly string[];
  readonly stealRequests: number;
  readonly makespanMs: number;
  readonly results: string;
  readonly lost: number;
  readonly duplicated: number;
}

/**
 * Starts a simulation with `options`, lets `job` run on it, then lets the idle fleet heartbeat
 * for a while, and returns what happened. Every callback keeps its state per run.
 */
export async function record(options: SimulationOptions, job: (sim: Simulation) => Promise<unknown>): Promise<Fingerprint> {
  const deliveries: string[] = [];
  const batches: string[] = [];
  const count = { requests: 0 };
  const sim = await Simulation.start({
    ...options,
    stealPolicy: (random) => new CountingStealPolicy(new RandomHalfPolicy(random), count),
    onDeliver: (d) => deliveries.push(`${d.at} ${d.from}>${d.to}${d.reply ? ' reply' : ''} ${createHash('sha256').update(d.data).digest('hex')}`),
    onBatch: (b) => batches.push(`${b.at} ${b.executor} ${JSON.stringify(b.args)}`),
  });
  try {
    const t0 = sim.now;
    const results = await job(sim);
    const makespanMs = sim.now - t0;
    await sim.advance(200);
    const { lost, duplicated } = sim.network.stats;
    return { deliveries, batches, stealRequests: count.requests, makespanMs, results: JSON.stringify(results), lost, duplicated };
  } finally {
    await sim.close();
  }
}

/** A lossy job placed by round-robin from a registry of the test's own, and the idle fleet after it. */
export function lossyRoundRobin(): Promise<Fingerprint> {
  const options: SimulationOptions = {
    ...FAST,
    seed: 1,
    machines: 2,
    agentsPerMachine: 3,
    minDelayMs: 0.1,
    maxDelayMs: 1,
    lossRate: 0.1,
    duplicateRate: 0.05,
    cost: (x) => 1 + ((x as number) % 5),
    // A registry of the test's own: its built-in round-robin must draw from the seed too.
    placements: new PlacementRegistry().register('only-first', OnlyFirst),
  };
  return record(options, (sim) => sim.run(sim.cluster.dmap((x: number) => x + 1, range(60), { maxRetries: 10 })));
}

/** W3-like: skewed costs and slow workers, loss, a dying thread and a machine crash, two jobs in a row. */
export function w3Like(mode: typeof Mode.LowLatency | typeof Mode.ByMemory): Promise<Fingerprint> {
  let died = 0;
  const options: SimulationOptions = {
    ...FAST,
    seed: 42,
    machines: 3,
    agentsPerMachine: 2,
    lossRate: 0.05,
    duplicateRate: 0.05,
    slow: (i) => (i === 0 ? { fraction: 0.5, factor: 4 } : undefined),
    cost: (x) => ((x as number) % 8 === 0 ? 12 : 2),
    crashWhen: (x) => x === 7 && died++ === 0,
  };
  return record(options, async (sim) => {
    sim.crash(2, 15);
    const one = await sim.run(sim.cluster.dmap((x: number) => x * 2, range(48), { mode, maxRetries: 10 }));
    // A second job of the same function starts from what the first one measured.
    const two = await sim.run(sim.cluster.dmap((x: number) => x * 2, range(48), { mode, maxRetries: 10 }));
    return [one, two];
  });
}

/** A machine drained in the middle of a round-robin job. */
export function drainMidJob(): Promise<Fingerprint> {
  const options: SimulationOptions = { ...FAST, seed: 7, machines: 3, agentsPerMachine: 2, duplicateRate: 0.05, cost: () => 3 };
  return record(options, (sim) => sim.run(Promise.all([sim.cluster.dmap((x: number) => x - 1, range(40)), sim.drain(1, 10, 500)])));
}

/** The scenarios by name, for a run in another thread. */
export const REPLAY_SCENARIOS = {
  'lossy-round-robin': lossyRoundRobin,
  'w3-low-latency': () => w3Like(Mode.LowLatency),
  'w3-by-memory': () => w3Like(Mode.ByMemory),
  'drain-mid-job': drainMidJob,
} as const satisfies Record<string, () => Promise<Fingerprint>>;
