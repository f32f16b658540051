import { expect } from 'chai';
import { Gluster } from '@armada/scheduler';
import { maxDifference, multiplyDistributed, multiplyLocal, randomMatrix } from '../src/matrix.js';

describe('matrix-multiply example', function () {
  this.timeout(30_000);

  it('assembles C from runDist jobs equal to a local multiply, sending B once per machine', async () => {
    const g = await Gluster.start({ machines: 2, agentsPerMachine: 1 });
    try {
      const n = 96;
      const a = randomMatrix(n, 1);
      const b = randomMatrix(n, 2);
      const c = await multiplyDistributed(g, a, b, n, 12);
      expect(maxDifference(c, multiplyLocal(a, b, n))).to.equal(0);
      const egress = g.cluster.transferStats();
      expect(egress.sharedBytes).to.be.at.most(2 * (n * n * 8 + 16));
    } finally {
      await g.close();
    }
  });
});
