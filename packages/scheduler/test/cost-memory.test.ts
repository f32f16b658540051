import { expect } from 'chai';
import fc from 'fast-check';
import { CostMemory, JobCost } from '../src/cost-memory.js';

describe('JobCost', () => {
  it('starts from the remembered cost, and meets the first measurement halfway in scale', () => {
    const cost = new JobCost(0.3);
    expect(cost.avgMs).to.equal(undefined);
    cost.seed(2);
    expect(cost.avgMs).to.equal(2);
    expect(cost.isMeasured).to.equal(false);
    cost.observe(10, 100); // 0.1 ms per packet: the remembered 2 ms was 20 times too high
    expect(cost.avgMs).to.be.closeTo(Math.sqrt(0.2), 1e-12);
    expect(cost.isMeasured).to.equal(true);
    cost.seed(5); // a late seed does not undo a measurement
    expect(cost.avgMs).to.be.closeTo(Math.sqrt(0.2), 1e-12);
    cost.observe(20, 10); // 2 ms per packet, weighted 0.3
    expect(cost.avgMs).to.be.closeTo(0.7 * Math.sqrt(0.2) + 0.3 * 2, 1e-12);
  });

  it('takes the first measurement as it is when nothing was remembered', () => {
    const cost = new JobCost(0.3);
    cost.seed(undefined);
    cost.observe(3, 2);
    expect(cost.avgMs).to.equal(1.5);
  });

  it('keeps the mean over every packet measured, not the average of the last ones', () => {
    // Packets that grow dearer towards the end, as fac(0..n) does: the moving average ends on the
    // dearest, the mean is what the next job of the function should start from.
    const cost = new JobCost(0.5);
    for (let k = 1; k <= 10; k++) cost.observe(k * 10, 10);
    expect(cost.meanMs).to.be.closeTo(550 / 100, 1e-12);
    expect(cost.avgMs).to.be.greaterThan(8);
  });

  it('ignores measurements that are not finite, negative, or of no packets', () => {
    fc.assert(
      fc.property(fc.oneof(fc.constant(Number.NaN), fc.constant(Infinity), fc.double({ max: -1e-9, noNaN: true })), fc.integer({ min: -3, max: 5 }), (ms, count) => {
        const cost = new JobCost(0.3);
        cost.seed(1);
        cost.observe(ms, count);
        cost.observe(5, 0);
        expect(cost.avgMs).to.equal(1);
        expect(cost.meanMs).to.equal(undefined);
        expect(cost.isMeasured).to.equal(false);
      }),
    );
  });

  it('the mean is the total time over the total packets, whatever the order', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.double({ min: 0, max: 1e4, noNaN: true }), fc.integer({ min: 1, max: 1000 })), { minLength: 1, maxLength: 30 }), (runs) => {
        const cost = new JobCost(0.3);
        for (const [ms, n] of runs) cost.observe(ms, n);
        const total = runs.reduce((s, [ms]) => s + ms, 0);
        const packets = runs.reduce((s, [, n]) => s + n, 0);
        expect(cost.meanMs).to.be.closeTo(total / packets, 1e-9 * Math.max(1, total));
      }),
    );
  });
});

describe('CostMemory', () => {
  it('forgets the least recently remembered function beyond its capacity', () => {
    const memory = new CostMemory(2);
    memory.remember('a', 1);
    memory.remember('b', 2);
    memory.remember('a', 3);
    memory.remember('c', 4);
    expect(memory.get('b')).to.equal(undefined);
    expect([memory.get('a'), memory.get('c')]).to.deep.equal([3, 4]);
  });
});
