import { expect } from 'chai';
import fc from 'fast-check';
import type { RecordingLogger } from '@armada/actors/testkit';
import type { DrainReport } from '../../src/index.js';
import { Simulation } from '../../src/testing/index.js';
import { progressLog, range, scenarioArb, simulationOptions } from './scenarios.js';

/**
 * A machine drained at a random moment of a dmap, under random delays, steals, modes and slow
 * workers: every result comes back once and in order with `maxRetries: 0` (a packet charged a
 * retry would fail the job), no machine is taken for dead, and the drained one leaves the view.
 */
let midRun = 0;
const drainMidRun = fc.asyncProperty(scenarioArb, fc.nat(), fc.integer({ min: 0, max: 40 }), async (scenario, pick, atMs) => {
  // Enough work (each packet at least 1 ms) that the drain falls inside the run most of the time.
  const s = { ...scenario, n: 150 + scenario.n * 4, costs: scenario.costs.map((c) => c + 1) };
  const sim = await Simulation.start(simulationOptions(s));
  try {
    const machine = pick % s.machines;
    let report: DrainReport | undefined;
    let doneAtDrain: number | undefined;
    let done = 0;
    const drained = sim.drain(machine, atMs).then((r) => (report = r));
    sim.clock.setTimeout(() => (doneAtDrain = done), atMs);
    const log = progressLog(s.n);
    const progress = (d: number) => {
      done = d;
      log.progress(d);
    };
    const out = await sim.run(sim.cluster.dmap((x: number) => x * 2, range(s.n), { mode: s.mode, progress, maxRetries: 0 }), {
      maxSimulatedMs: 30_000,
    });
    expect(out).to.deep.equal(range(s.n).map((x) => x * 2));
    log.check();
    await sim.run(drained, { maxSimulatedMs: 30_000 });
    expect(report!.unanswered).to.equal(0);
    expect(report!.emptied).to.equal(true);
    expect((sim.logger as RecordingLogger).count('warn', 'machine declared dead')).to.equal(0);
    const view = await sim.run(sim.cluster.view());
    expect(view.machines.map((m) => m.id)).to.not.include(sim.machines[machine]);
    if (doneAtDrain !== undefined && doneAtDrain < s.n) midRun++;
  } finally {
    await sim.close();
  }
});

describe('drain under simulation', function () {
  this.timeout(60_000);

  it('loses nothing and charges no retry when a machine drains mid-run', async () => {
    midRun = 0;
    await fc.assert(drainMidRun, { numRuns: 30 });
    // The property says nothing if the drains all came after the runs.
    expect(midRun).to.be.greaterThan(15);
  });
});
