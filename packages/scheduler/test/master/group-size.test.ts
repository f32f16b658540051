import { expect } from 'chai';
import fc from 'fast-check';
import { groupSize, timedGroupSize, windowSize } from '../../src/master/group-size.js';

const settings = { targetGroupMs: 10, maxGroup: 1024 };

describe('group sizing', () => {
  it('starts at one packet and aims at targetGroupMs of work, within 1..maxGroup', () => {
    expect(timedGroupSize(undefined, settings)).to.equal(1);
    expect(timedGroupSize(1, settings)).to.equal(10);
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1e6, noNaN: true }), (avgMs) => {
        const n = timedGroupSize(avgMs, settings);
        expect(n).to.be.within(1, settings.maxGroup);
      }),
    );
  });

  it('leaves at least two groups per agent of what is left, and never less than one packet', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1024 }), fc.integer({ min: 1, max: 64 }), fc.option(fc.nat(100_000), { nil: undefined }), (timed, agents, left) => {
        const n = groupSize(timed, agents, left);
        expect(n).to.be.within(1, timed);
        if (left !== undefined) expect(n).to.be.at.most(Math.max(1, Math.ceil(left / (agents * 2))));
      }),
    );
  });

  it('keeps at least one packet per agent in flight and at most maxInFlight', () => {
    expect(windowSize(4, 10, 4, 100_000)).to.equal(160);
    expect(windowSize(4, 1, 0, 100_000)).to.equal(4);
    expect(windowSize(4, 1000, 4, 50)).to.equal(50);
  });
});
