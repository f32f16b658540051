import { expect } from 'chai';
import fc from 'fast-check';
import { HealthRound, RoundRobinPlacement, type Candidate } from '../../src/placement/index.js';
import { agents, candidate, seededRandom, tally } from './candidates.js';

function chooseMany(strategy: RoundRobinPlacement, candidates: readonly Candidate[], times: number): Candidate[] {
  return Array.from({ length: times }, () => strategy.choose(candidates));
}

describe('RoundRobinPlacement', () => {
  it('is named round-robin and needs no health round', () => {
    const strategy = new RoundRobinPlacement();
    expect(strategy.name).to.equal('round-robin');
    expect(strategy.healthRound).to.equal(HealthRound.None);
  });

  it('chooses every candidate exactly k times over k·n calls', () => {
    for (const [n, k, seed] of [
      [1, 5, 1],
      [3, 4, 2],
      [7, 3, 3],
      [12, 10, 4],
    ] as const) {
      const strategy = new RoundRobinPlacement(seededRandom(seed));
      const counts = tally(chooseMany(strategy, agents(n), k * n));
      expect(counts.size, `n=${n}`).to.equal(n);
      for (const [agent, count] of counts) expect(count, `${agent} with n=${n}`).to.equal(k);
    }
  });

  it('repeats one circular order while the candidates stay the same', () => {
    const strategy = new RoundRobinPlacement(seededRandom(7));
    const round = (): string[] => chooseMany(strategy, agents(6), 6).map((c) => c.agent);
    const first = round();
    expect([...first].sort()).to.deep.equal(['a0', 'a1', 'a2', 'a3', 'a4', 'a5']);
    expect(round()).to.deep.equal(first);
    expect(round()).to.deep.equal(first);
  });

  it('shuffles the first order with the injected random', () => {
    const order = (seed: number): string => chooseMany(new RoundRobinPlacement(seededRandom(seed)), agents(8), 8).map((c) => c.agent).join(' ');
    expect(order(11)).to.equal(order(11));
    const orders = new Set([11, 12, 13, 14, 15].map(order));
    expect(orders.size).to.be.greaterThan(1);
  });

  it('returns the object it was given in this call, not one from an earlier call', () => {
    const strategy = new RoundRobinPlacement(seededRandom(3));
    strategy.choose(agents(3));
    const now = agents(3);
    const chosen = strategy.choose(now);
    expect(now).to.include(chosen);
  });

  it('inserts a new candidate at the place the random points at', () => {
    const values = [0, 0, 0];
    const strategy = new RoundRobinPlacement(() => values.shift() ?? 0);
    // Each newcomer goes in front, so the first order is a2 a1 a0.
    expect(chooseMany(strategy, agents(3), 3).map((c) => c.agent)).to.deep.equal(['a2', 'a1', 'a0']);

    const withNext = [...agents(3), candidate('next')];
    values.push(0);
    expect(strategy.choose(withNext).agent).to.equal('next');

    const withLast = [...withNext, candidate('last')];
    values.push(0.999);
    expect(chooseMany(strategy, withLast, 5).map((c) => c.agent)).to.deep.equal(['a2', 'a1', 'a0', 'next', 'last']);
  });

  it('treats a candidate that joined later as fairly as the others', () => {
    const strategy = new RoundRobinPlacement(seededRandom(21));
    chooseMany(strategy, agents(4), 6);
    const grown = [...agents(4), candidate('late')];
    // After the newcomer's first turn every round of 5 calls chooses each candidate once.
    const untilLate: Candidate[] = [];
    for (let i = 0; i < 5 && untilLate.at(-1)?.agent !== 'late'; i++) untilLate.push(strategy.choose(grown));
    expect(untilLate.at(-1)?.agent).to.equal('late');
    const counts = tally(chooseMany(strategy, grown, 5 * 3));
    expect([...counts.values()]).to.deep.equal([3, 3, 3, 3, 3]);
  });

  it('skips candidates that disappeared and keeps the others fair', () => {
    const strategy = new RoundRobinPlacement(seededRandom(5));
    chooseMany(strategy, agents(5), 2);
    const shrunk = agents(5).filter((c) => c.agent !== 'a1' && c.agent !== 'a3');
    const chosen = chooseMany(strategy, shrunk, 3 * 4);
    expect(chosen.map((c) => c.agent)).to.not.include('a1').and.not.include('a3');
    expect([...tally(chosen).values()]).to.deep.equal([4, 4, 4]);
  });

  it('lets a candidate that left come back and be chosen again', () => {
    const strategy = new RoundRobinPlacement(seededRandom(9));
    chooseMany(strategy, agents(3), 3);
    chooseMany(strategy, agents(2), 4);
    const counts = tally(chooseMany(strategy, agents(3), 3 * 2));
    expect(counts.get('a2')).to.equal(2);
  });

  it('keeps the counts within one of each other at every call while the candidates stay the same', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.nat({ max: 200 }), fc.integer(), (n, calls, seed) => {
        const strategy = new RoundRobinPlacement(seededRandom(seed));
        const counts = new Map<string, number>(agents(n).map((c) => [c.agent, 0]));
        for (let i = 0; i < calls; i++) {
          const chosen = strategy.choose(agents(n));
          counts.set(chosen.agent, counts.get(chosen.agent)! + 1);
          const values = [...counts.values()];
          expect(Math.max(...values) - Math.min(...values)).to.be.at.most(1);
        }
        expect(counts.size).to.equal(n);
      }),
      { numRuns: 200 },
    );
  });
});

describe('RoundRobinPlacement with the master\'s reused list', () => {
  it('chooses as it does with fresh lists when given the same frozen list again', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 60 }), (seed, n, calls) => {
        const fresh = new RoundRobinPlacement(seededRandom(seed));
        const reused = new RoundRobinPlacement(seededRandom(seed));
        const frozen = Object.freeze(agents(n));
        for (let i = 0; i < calls; i++) expect(reused.choose(frozen).agent).to.equal(fresh.choose(agents(n)).agent);
      }),
    );
  });

  it('notices a new frozen list: agents gone are skipped, newcomers join', () => {
    const strategy = new RoundRobinPlacement(seededRandom(4));
    const first = Object.freeze(agents(4));
    chooseMany(strategy, first, 3);
    const second = Object.freeze([...agents(4).slice(1), candidate('new')]);
    const counts = tally(chooseMany(strategy, second, 4 * 5));
    expect([...counts.keys()].sort()).to.deep.equal(['a1', 'a2', 'a3', 'new']);
    expect(chooseMany(strategy, second, 4).every((c) => second.includes(c))).to.equal(true);
  });
});
