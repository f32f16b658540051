import { expect } from 'chai';
import fc from 'fast-check';
import { groupSize, timedGroupSize, transitAllowance, windowSize } from '../../src/master/group-size.js';

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

  it('adds the packets on the wire to far machines to the window, still at most maxInFlight', () => {
    expect(windowSize(16, 1, 4, 100_000, 16)).to.equal(80);
    expect(windowSize(16, 1, 4, 70, 16)).to.equal(70);
    // Two far machines x 4 agents, 40 ms away, at 20.5 ms a packet: 2 packets each on the wire.
    const fleet = [
      { agents: 4, rttMs: 0.2 },
      { agents: 4, rttMs: 0.3 },
      { agents: 4, rttMs: 40 },
      { agents: 4, rttMs: 40 },
    ];
    expect(transitAllowance(fleet, 20.5)).to.equal(4 + 4 + 8 + 8);
    expect(transitAllowance(fleet, undefined)).to.equal(0);
    expect(transitAllowance([{ agents: 4, rttMs: undefined }, { agents: 2, rttMs: 0 }], 1)).to.equal(0);
    fc.assert(
      fc.property(fc.array(fc.record({ agents: fc.integer({ min: 1, max: 64 }), rttMs: fc.option(fc.double({ min: 0, max: 1000, noNaN: true }), { nil: undefined }) })), fc.double({ min: 1e-3, max: 1e4, noNaN: true }), (machines, avgMs) => {
        const extra = transitAllowance(machines, avgMs);
        expect(extra).to.be.at.least(0);
        // Slower packets need fewer on the wire.
        expect(transitAllowance(machines, avgMs * 2)).to.be.at.most(extra);
      }),
    );
  });
});
