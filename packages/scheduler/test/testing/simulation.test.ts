import { expect } from 'chai';
import { InvalidArgumentError } from '@armada/actors';
import { ClusterClosedError, NoMachinesError } from '../../src/errors.js';
import { Simulation, SimulationStalledError, SimulationTimeoutError } from '../../src/testing/index.js';
import { FAST, range } from './scenarios.js';

describe('Simulation', () => {
  let sims: Simulation[] = [];
  const start = async (...args: Parameters<typeof Simulation.start>) => {
    const sim = await Simulation.start(...args);
    sims.push(sim);
    return sim;
  };
  afterEach(async () => {
    await Promise.all(sims.map((s) => s.close()));
    sims = [];
  });

  it('starts the machines with fixed ids and returns once the master knows them all', async () => {
    const sim = await start({ machines: 3, agentsPerMachine: 2 });
    expect(sim.machines).to.deep.equal(['machine-0', 'machine-1', 'machine-2']);
    const view = await sim.run(sim.cluster.view());
    expect(view.machines.map((m) => m.id)).to.have.members([...sim.machines]);
    expect(view.machines.every((m) => m.agents.length === 2)).to.equal(true);
  });

  it('runs a dmap to the end on simulated time, and counts the messages', async () => {
    const sim = await start({ machines: 2, cost: () => 10 });
    const before = sim.now;
    expect(await sim.run(sim.cluster.dmap((x: number) => x + 1, range(8)))).to.deep.equal(range(8).map((x) => x + 1));
    expect(sim.now - before).to.be.at.least(20); // 80 ms of work on four agents
    expect(sim.network.stats.delivered).to.be.above(0);
  });

  it('waits for machines under run: resolves for those there, and rejects with NoMachinesError on simulated time', async () => {
    const sim = await start({ machines: 2 });
    await sim.run(sim.cluster.waitForMachines(2));
    const before = sim.now;
    const error = await sim.run(sim.cluster.waitForMachines(3, 1000)).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(NoMachinesError);
    expect(sim.now - before).to.be.within(1000, 1001);
  });

  it('reproduces the same run from the same seed, and another run from another', async () => {
    const trace = async (seed: number) => {
      const sim = await start({ ...FAST, seed, machines: 3, maxDelayMs: 8, cost: (x) => ((x as number) % 3) + 1 });
      const steps: string[] = [];
      sim.crash(1, 15);
      await sim.run(sim.cluster.dmap((x: number) => x, range(40), { progress: (done) => steps.push(`${done}@${sim.now.toFixed(6)}`) }));
      return { steps, end: sim.now, stats: sim.network.stats };
    };
    const first = await trace(7);
    expect(await trace(7)).to.deep.equal(first);
    expect(await trace(8)).to.not.deep.equal(first);
  });

  it('gives up with SimulationTimeoutError after maxSimulatedMs of simulated time, quickly in real time', async () => {
    const sim = await start({ cost: () => 1e9 });
    const job = sim.cluster.dmap((x: number) => x, range(3));
    const started = performance.now();
    const error = await sim.run(job, { maxSimulatedMs: 5000 }).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(SimulationTimeoutError);
    expect((error as Error).message).to.match(/did not settle within 5000 simulated ms/);
    expect(performance.now() - started).to.be.below(5000);
    await sim.close();
    // The job is still settled by the close, and the rejection was observed by run.
    expect(await job.catch((e: unknown) => e)).to.be.instanceOf(ClusterClosedError);
  });

  it('reports a stall when nothing is left to happen', async () => {
    const sim = await start();
    await sim.close();
    expect(await sim.run(new Promise(() => undefined)).catch((e: unknown) => e)).to.be.instanceOf(SimulationStalledError);
  });

  it('crashes a machine now or later; the master then declares it dead', async () => {
    const sim = await start({ ...FAST, machines: 3 });
    sim.crash(2, 50);
    expect(sim.live()).to.have.length(3);
    await sim.advance(50);
    expect(sim.live()).to.deep.equal(['machine-0', 'machine-1']);
    sim.crash(2); // again: nothing happens
    await sim.advance(FAST.master.deadAfterMs + 3 * FAST.master.tickMs);
    const view = await sim.run(sim.cluster.view());
    expect(view.machines.map((m) => m.id)).to.have.members(['machine-0', 'machine-1']);
    expect(() => sim.crash(3)).to.throw(InvalidArgumentError);
  });

  it('moves time with advance, heartbeats included', async () => {
    const sim = await start({ ...FAST });
    const before = sim.now;
    await sim.advance(500);
    expect(sim.now).to.equal(before + 500);
    const view = await sim.run(sim.cluster.view());
    expect(Math.max(...view.machines.map((m) => m.lastHeardMs))).to.be.below(FAST.machine.heartbeatMs * 2);
  });

  it('refuses a second driver while one runs, and bad options', async () => {
    const sim = await start();
    const first = sim.advance(100);
    expect(await sim.advance(1).catch((e: unknown) => e)).to.be.instanceOf(InvalidArgumentError);
    await first;
    for (const bad of [{ machines: 0 }, { agentsPerMachine: 1.5 }, { maxDelayMs: -1 }, { settleTurns: 0 }]) {
      expect(await Simulation.start(bad).catch((e: unknown) => e), JSON.stringify(bad)).to.be.instanceOf(InvalidArgumentError);
    }
  });
});
