import { expect } from 'chai';
import { Cluster } from '@armada/scheduler';
import { compareFactorials, fac } from '../src/factorial.js';

describe('factorial example', function () {
  this.timeout(30_000);

  it('computes the same factorials with map, pmap and dmap on an embedded cluster', async () => {
    expect(fac(20n)).to.equal(2432902008176640000n);
    const cluster = await Cluster.start({ machines: 2, agentsPerMachine: 1 });
    try {
      const progress: number[] = [];
      const times = await compareFactorials(cluster, 300, (done) => progress.push(done));
      expect(progress.at(-1)).to.equal(300);
      for (const ms of Object.values(times)) expect(ms).to.be.greaterThan(0);
    } finally {
      await cluster.close();
    }
  });
});
