import { expect } from 'chai';
import fc from 'fast-check';
import { RetriesExhaustedError } from '../../src/errors.js';
import type { Candidate } from '../../src/placement/placement-strategy.js';
import { Mode, PlacementRegistry } from '../../src/placement/registry.js';
import { Simulation } from '../../src/testing/index.js';
import { FAST, progressLog, range } from './scenarios.js';

const crashArb = fc
  .record({
    seed: fc.integer(),
    machines: fc.integer({ min: 1, max: 3 }),
    agentsPerMachine: fc.integer({ min: 1, max: 3 }),
    maxDelayMs: fc.integer({ min: 0, max: 8 }),
    mode: fc.constantFrom(Mode.RoundRobin, Mode.LowLatency, Mode.ByMemory),
    n: fc.integer({ min: 1, max: 30 }),
    victim: fc.nat(),
    maxRetries: fc.integer({ min: 0, max: 3 }),
    crashes: fc.integer({ min: 0, max: 6 }),
  })
  .map((s) => ({ ...s, victim: s.victim % s.n }));

describe('dmap with dying worker threads', function () {
  this.timeout(60_000);

  /**
   * A thread that dies under a batch of several packets charges none of them (any could be the
   * culprit; they rerun alone), so a packet whose thread dies `c` times is charged `c - 1` or
   * `c` attempts: `c ≤ maxRetries` must succeed, `c ≥ maxRetries + 2` must fail.
   */
  it('retries a packet whose thread died, up to maxRetries, and then rejects with RetriesExhaustedError', async () => {
    await fc.assert(
      fc.asyncProperty(crashArb, async (s) => {
        let died = 0;
        const sim = await Simulation.start({
          ...FAST,
          seed: s.seed,
          machines: s.machines,
          agentsPerMachine: s.agentsPerMachine,
          maxDelayMs: s.maxDelayMs,
          crashWhen: (x) => x === s.victim && died++ < s.crashes,
        });
        try {
          const log = progressLog(s.n);
          const outcome = await sim
            .run(sim.cluster.dmap((x: number) => x * 2, range(s.n), { mode: s.mode, maxRetries: s.maxRetries, progress: log.progress }))
            .catch((error: unknown) => error as Error);
          if (outcome instanceof Error) {
            expect(s.crashes, `failed with ${String(outcome)}`).to.be.above(s.maxRetries);
            expect(outcome).to.be.instanceOf(RetriesExhaustedError);
            expect(outcome.message).to.contain(`packet ${s.victim} failed ${s.maxRetries === 0 ? 'once' : `${s.maxRetries + 1} times`}`);
            // The message says why the last attempt failed, not only that it did.
            expect(outcome.message).to.contain((outcome as RetriesExhaustedError).cause instanceof Error ? ((outcome as RetriesExhaustedError).cause as Error).message : '');
          } else {
            expect(s.crashes).to.be.below(s.maxRetries + 2);
            expect(outcome).to.deep.equal(range(s.n).map((x) => x * 2));
            log.check();
          }
        } finally {
          await sim.close();
        }
      }),
      { numRuns: 40 },
    );
  });

  it('fails a packet that always kills its thread, after exactly maxRetries + 1 runs alone', async () => {
    const runs: unknown[][] = [];
    const sim = await Simulation.start({
      ...FAST,
      seed: 5,
      machines: 2,
      crashWhen: (x) => x === 3,
      onBatch: ({ args }) => runs.push([...args]),
    });
    try {
      const error = await sim.run(sim.cluster.dmap((x: number) => x * 2, range(10), { maxRetries: 2 })).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(RetriesExhaustedError);
      expect((error as RetriesExhaustedError).cause).to.have.property('name', 'WorkerCrashedError');
      expect(runs.filter((args) => args.length === 1 && args[0] === 3)).to.have.length(3);
    } finally {
      await sim.close();
    }
  });

  it('succeeds when the thread dies once under a packet', async () => {
    let died = 0;
    const sim = await Simulation.start({ ...FAST, seed: 6, machines: 2, crashWhen: (x) => x === 4 && died++ === 0 });
    try {
      expect(await sim.run(sim.cluster.dmap((x: number) => x + 1, range(12)))).to.deep.equal(range(12).map((x) => x + 1));
      expect(died).to.be.at.least(2);
    } finally {
      await sim.close();
    }
  });

  /**
   * Regression: the agent counted thread deaths only in its own copy of a packet, so when the
   * machine died next the master re-placed the packet with only the machine death counted. Agents
   * now report charged retries with their results.
   */
  it('counts thread deaths and machine deaths together against maxRetries (seed 1)', async () => {
    let died = 0;
    let runs = 0;
    const placements = new PlacementRegistry().register('first', () => ({
      name: 'first',
      choose: (candidates: readonly Candidate[]) => candidates.find((c) => c.machine === 'machine-0') ?? candidates[0]!,
    }));
    const sim = await Simulation.start({
      ...FAST,
      seed: 1,
      machines: 2,
      agentsPerMachine: 1,
      maxDelayMs: 1,
      cost: () => 10,
      placements,
      crashWhen: () => died++ === 0,
      onBatch: () => void runs++,
    });
    try {
      sim.crash(0, 15); // while packet 0 runs again after its thread died
      const outcome = await sim.run(sim.cluster.dmap((x: number) => x, [0], { mode: 'first', maxRetries: 1, stealing: false })).catch((e: unknown) => e);
      expect(outcome).to.be.instanceOf(RetriesExhaustedError);
      expect(runs).to.equal(2);
    } finally {
      await sim.close();
    }
  });
});
