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

  it('chooses an agent of the machine that answered first, even a busier one', () => {
    const candidates = [
      candidate('fast/a', 'fast', { answerRank: 1, outstanding: 0 }),
      candidate('first/a', 'first', { answerRank: 0, outstanding: 3 }),
      candidate('first/b', 'first', { answerRank: 0, outstanding: 1 }),
      candidate('silent/a', 'silent', { outstanding: 0 }),
    ];
    expect(new LowLatencyPlacement().choose(candidates)).to.equal(candidates[2]);
  });

  it('breaks ties between the first machine’s agents by their order in the list', () => {
    const candidates = [
      candidate('other/a', 'other', { answerRank: 1 }),
      candidate('first/a', 'first', { answerRank: 0, outstanding: 2 }),
      candidate('first/b', 'first', { answerRank: 0, outstanding: 2 }),
    ];
    expect(new LowLatencyPlacement().choose(candidates)).to.equal(candidates[1]);
  });

  it('spreads the first machine’s work over its agents as their outstanding counts grow', () => {
    const strategy = new LowLatencyPlacement();
    const outstanding = [0, 0, 0];
    for (let i = 0; i < 9; i++) {
      const candidates = outstanding.map((n, j) => candidate(`first/${j}`, 'first', { answerRank: 0, outstanding: n }));
      outstanding[candidates.indexOf(strategy.choose(candidates))]! += 1;
    }
    expect(outstanding).to.deep.equal([3, 3, 3]);
  });

  it('uses the lowest rank present when the first machine’s agents are not candidates', () => {
    const candidates = [candidate('third/a', 'third', { answerRank: 2 }), candidate('second/a', 'second', { answerRank: 1, outstanding: 5 })];
    expect(new LowLatencyPlacement().choose(candidates)).to.equal(candidates[1]);
  });

  it('falls back to the least loaded candidate when nobody answered', () => {
    const candidates = [candidate('a', 'm1', { outstanding: 2 }), candidate('b', 'm2', { outstanding: 1 }), candidate('c', 'm3', { outstanding: 1 })];
    expect(new LowLatencyPlacement().choose(candidates)).to.equal(candidates[1]);
  });

  it('falls back on round-trip time among equally loaded candidates, measured before unmeasured', () => {
    const strategy = new LowLatencyPlacement();
    const measured = [candidate('a', 'm1'), candidate('b', 'm2', { rttMs: 12 }), candidate('c', 'm3', { rttMs: 3 }), candidate('d', 'm4', { outstanding: 1, rttMs: 1 })];
    expect(strategy.choose(measured)).to.equal(measured[2]);
    const unmeasured = [candidate('a', 'm1'), candidate('b', 'm2')];
    expect(strategy.choose(unmeasured)).to.equal(unmeasured[0]);
  });

  it('always chooses among the candidates with the lowest answer rank when any has one', () => {
    fc.assert(
      fc.property(candidatesArb, (candidates) => {
        const chosen = new LowLatencyPlacement().choose(candidates);
        const ranks = candidates.flatMap((c) => (c.answerRank === undefined ? [] : [c.answerRank]));
        if (ranks.length > 0) expect(chosen.answerRank).to.equal(Math.min(...ranks));
        const peers = ranks.length > 0 ? candidates.filter((c) => c.answerRank === chosen.answerRank) : candidates;
        expect(chosen.outstanding).to.equal(Math.min(...peers.map((c) => c.outstanding)));
      }),
      { numRuns: 300 },
    );
  });
});
