import { expect } from 'chai';
import { JobTimeoutError, TaskTimeoutError } from '../../src/index.js';
import { Simulation } from '../../src/testing/index.js';
import { FAST } from './scenarios.js';

describe('Runaway packets on the simulated cluster', () => {
  it('fails a packet past taskTimeoutMs with TaskTimeoutError and frees its worker for the next job', async () => {
    // Packet 0 would take an hour of simulated time.
    const sim = await Simulation.start({ ...FAST, seed: 5, machines: 1, agentsPerMachine: 1, cost: (x) => (x === 0 ? 3_600_000 : 1) });
    try {
      const started = sim.now;
      const error = await sim.run(sim.cluster.dmap((x: number) => x, [1, 0, 2], { taskTimeoutMs: 100 })).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(TaskTimeoutError);
      expect((error as TaskTimeoutError).index).to.equal(1);
      expect(sim.now - started).to.be.below(1000);
      expect(await sim.run(sim.cluster.dmap((x: number) => x + 1, [1, 2, 3]))).to.deep.equal([2, 3, 4]);
    } finally {
      await sim.close();
    }
  });

  it('stops the running packet when its job times out, so the next job does not wait for it', async () => {
    const sim = await Simulation.start({ ...FAST, seed: 6, machines: 1, agentsPerMachine: 1, cost: (x) => (x === 0 ? 3_600_000 : 1) });
    try {
      const error = await sim.run(sim.cluster.dmap((x: number) => x, [0, 1], { timeoutMs: 200 })).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(JobTimeoutError);
      const started = sim.now;
      expect(await sim.run(sim.cluster.dmap((x: number) => x * 3, [1, 2]))).to.deep.equal([3, 6]);
      expect(sim.now - started).to.be.below(1000);
    } finally {
      await sim.close();
    }
  });
});
