import { expect } from 'chai';
import fc from 'fast-check';
import { HealthRound, LowLatencyPlacement } from '../../src/placement/index.js';
import { candidate, candidatesArb } from './candidates.js';

describe('LowLatencyPlacement', () => {
  it('is named low-latency and asks for a first-answer health round', () => {
    const strategy = new LowLatencyPlacement();
    expect(strategy.name).to.equal('low-latency');
    expect(strategy.healthRound).to.equal(HealthRound.FirstAnswer);
  });

  it('chooses the least loaded candidate, a far one too, over a busier near one', () => {
    const candidates = [
      candidate('near/a', 'near', { answerRank: 0, rttMs: 0.2, outstanding: 3 }),
      candidate('near/b', 'near', { answerRank: 0, rttMs: 0.2, outstanding: 2 }),
      candidate('far/a', 'far', { rttMs: 40, outstanding: 1 }),
    ];
    expect(new LowLatencyPlacement().choose(candidates)).to.equal(candidates[2]);
  });

  it('chooses the nearest among equally loaded candidates, measured before unmeasured', () => {
    const strategy = new LowLatencyPlacement();
    const measured = [candidate('a', 'm1'), candidate('b', 'm2', { rttMs: 12 }), candidate('c', 'm3', { rttMs: 3 }), candidate('d', 'm4', { outstanding: 1, rttMs: 1 })];
    expect(strategy.choose(measured)).to.equal(measured[2]);
    const unmeasured = [candidate('a', 'm1'), candidate('b', 'm2')];
    expect(strategy.choose(unmeasured)).to.equal(unmeasured[0]);
  });

  it('breaks ties of load and round trip by answer rank, then by order in the list', () => {
    const byRank = [candidate('x/a', 'x', { answerRank: 1, rttMs: 5 }), candidate('y/a', 'y', { answerRank: 0, rttMs: 5 })];
    expect(new LowLatencyPlacement().choose(byRank)).to.equal(byRank[1]);
    const byOrder = [candidate('x/a', 'x', { answerRank: 0, outstanding: 2 }), candidate('x/b', 'x', { answerRank: 0, outstanding: 2 })];
    expect(new LowLatencyPlacement().choose(byOrder)).to.equal(byOrder[0]);
  });

  it('fills empty agents near first, then spreads packets evenly over near and far', () => {
    const strategy = new LowLatencyPlacement();
    const rtt = [0.2, 0.2, 40, 40];
    const outstanding = [0, 0, 0, 0];
    const order: number[] = [];
    for (let i = 0; i < 12; i++) {
      const candidates = outstanding.map((n, j) => candidate(`m${j}/a`, `m${j}`, { rttMs: rtt[j]!, outstanding: n }));
      const at = candidates.indexOf(strategy.choose(candidates));
      order.push(at);
      outstanding[at]! += 1;
    }
    expect(order.slice(0, 4)).to.deep.equal([0, 1, 2, 3]);
    expect(outstanding).to.deep.equal([3, 3, 3, 3]);
  });

  it('always chooses a least loaded candidate, and the nearest of those', () => {
    fc.assert(
      fc.property(candidatesArb, (candidates) => {
        const chosen = new LowLatencyPlacement().choose(candidates);
        const least = Math.min(...candidates.map((c) => c.outstanding));
        expect(chosen.outstanding).to.equal(least);
        const rtts = candidates.filter((c) => c.outstanding === least).map((c) => c.rttMs ?? Infinity);
        expect(chosen.rttMs ?? Infinity).to.equal(Math.min(...rtts));
      }),
      { numRuns: 300 },
    );
  });
});
