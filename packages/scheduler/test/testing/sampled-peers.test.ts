import { expect } from 'chai';
import fc from 'fast-check';
import { Simulation, type SimulationOptions } from '../../src/testing/index.js';
import { progressLog, range } from './scenarios.js';

/** Scaled-down timing as in the lossy-network tests; peer samples of one or two machines. */
function options(seed: number, machines: number, peerMachines: number, slowMachine: number): SimulationOptions {
  return {
    seed,
    machines,
    agentsPerMachine: 2,
    maxDelayMs: 3,
    master: { deadAfterMs: 200, tickMs: 10, healthTimeoutMs: 50, helloEveryMs: 100, peerMachines },
    machine: { heartbeatMs: 20, masterTimeoutMs: 2000, agent: { stealTimeoutMs: 50, maxStealBackoffMs: 20, resultResendMs: 40, lentLeaseMs: 150 } },
    // One slow machine makes the others steal, from whichever peers their samples hold.
    slow: (i) => (i === slowMachine ? { fraction: 1, factor: 6 } : undefined),
    cost: () => 2,
  };
}

describe('peer samples in a fleet larger than the sample', function () {
  this.timeout(120_000);

  it('returns every result once, in order, with stealing on, under loss, duplication and a crash', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          seed: fc.integer(),
          machines: fc.integer({ min: 4, max: 7 }),
          peerMachines: fc.integer({ min: 1, max: 2 }),
          slow: fc.nat(),
          n: fc.integer({ min: 1, max: 80 }),
          lossRate: fc.double({ min: 0, max: 0.1, noNaN: true }),
          duplicateRate: fc.double({ min: 0, max: 0.1, noNaN: true }),
          crash: fc.option(fc.record({ machine: fc.nat(), atMs: fc.integer({ min: 0, max: 60 }) }), { nil: undefined }),
        }),
        async (s) => {
          const sim = await Simulation.start(options(s.seed, s.machines, s.peerMachines, s.slow % s.machines));
          try {
            sim.network.setFaults({ lossRate: s.lossRate, duplicateRate: s.duplicateRate });
            if (s.crash !== undefined) sim.crash(s.crash.machine % s.machines, s.crash.atMs);
            const log = progressLog(s.n);
            const out = await sim.run(sim.cluster.dmap((x: number) => x + 1, range(s.n), { progress: log.progress, maxRetries: 10 }), { maxSimulatedMs: 60_000 });
            expect(out).to.deep.equal(range(s.n).map((x) => x + 1));
            log.check();
          } finally {
            sim.network.setFaults({ lossRate: 0, duplicateRate: 0 });
            await sim.close();
          }
        },
      ),
      { numRuns: 25 },
    );
  });

  it('steals across machines when each machine knows only a sample of the fleet', async () => {
    const sim = await Simulation.start(options(3, 8, 2, 0));
    try {
      const n = 160;
      // Untimed: ships the function everywhere.
      expect(await sim.run(sim.cluster.dmap((x: number) => x, range(n)))).to.deep.equal(range(n));
      const start = sim.now;
      await sim.run(sim.cluster.dmap((x: number) => x, range(n), { stealing: false }));
      const without = sim.now - start;
      // The slow machine's share, stolen by its peers, no longer decides the makespan.
      const from = sim.now;
      await sim.run(sim.cluster.dmap((x: number) => x, range(n)));
      expect(sim.now - from).to.be.lessThan(without);
    } finally {
      await sim.close();
    }
  });
});
