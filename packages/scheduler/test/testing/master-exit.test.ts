import { expect } from 'chai';
import type { RecordingLogger } from '@armada/actors/testkit';
import { Simulation } from '../../src/testing/index.js';
import { FAST } from './scenarios.js';

describe('A master that closes normally', () => {
  it('tells its machines, which drop its work without a warning', async () => {
    const sim = await Simulation.start({ ...FAST, seed: 3, machines: 2, cost: (x) => (x === 0 ? 10_000 : 1) });
    try {
      const logger = sim.logger as RecordingLogger;
      const running = sim.cluster.dmap((x: number) => x, [0, 1, 2, 3]);
      running.catch(() => undefined);
      await sim.advance(50);
      await sim.run(sim.cluster.close());
      // Well past the machines' masterTimeoutMs: a master that vanished would have been warned about by now.
      await sim.advance(FAST.machine.masterTimeoutMs * 2);
      expect(logger.count('warn', 'master stopped answering')).to.equal(0);
      expect(logger.records.filter((r) => r.level === 'warn' || r.level === 'error')).to.deep.equal([]);
      expect(logger.count('info', 'master left')).to.equal(2);
    } finally {
      await sim.close();
    }
  });
});
