import { expect } from 'chai';
import { Gluster } from '@armada/scheduler';
import { EXCERPT, chunks, countDistributed, countLocal, readText, sameHistogram, totalWords } from '../src/word-count.js';

describe('word-count example', function () {
  this.timeout(30_000);

  it('splits at line ends without losing text', () => {
    const text = 'a b\nc d e\nf\n'.repeat(50);
    const parts = chunks(text, 7);
    expect(parts.join('')).to.equal(text);
    expect(parts.every((p) => p.endsWith('\n'))).to.equal(true);
  });

  it('counts chunks remotely and merges a histogram identical to the local count', async () => {
    const { text } = readText(EXCERPT);
    const g = await Gluster.start({ machines: 2, agentsPerMachine: 1 });
    try {
      const remote = await countDistributed(g, text, 3, 4096);
      const local = countLocal(text, 3);
      expect(totalWords(local)).to.be.greaterThan(2000);
      expect(sameHistogram(remote, local)).to.equal(true);
      expect(local.get('whale')).to.be.greaterThan(0);
    } finally {
      await g.close();
    }
  });
});
