import { expect } from 'chai';
import { Cluster, map, pmap } from '../src/index.js';

describe('map and pmap', function () {
  this.timeout(30_000);

  it('map runs in process, in order, awaiting async results', async () => {
    const captured = 3;
    expect(await map((x: number) => x + captured, [1, 2])).to.deep.equal([4, 5]);
    expect(await map(async (x: number) => x * 2, new Set([1, 2]))).to.deep.equal([2, 4]);
  });

  it('pmap runs on local worker threads, in order', async () => {
    const xs = Array.from({ length: 1000 }, (_, i) => i);
    expect(await pmap((x: number) => x * 2, xs, { threads: 2 })).to.deep.equal(xs.map((x) => x * 2));
  });

  it('slow workers take k times as long', async () => {
    const cluster = await Cluster.start({ machines: 1, agentsPerMachine: 1, machineSettings: { slow: { fraction: 1, factor: 3 } } });
    try {
      const started = performance.now();
      await cluster.dmap(() => new Promise((r) => setTimeout(r, 30)), [1]);
      expect(performance.now() - started).to.be.at.least(85);
    } finally {
      await cluster.close();
    }
  });
});
