import { expect } from 'chai';
import fc from 'fast-check';
import { container } from 'tsyringe';
import { RandomHalfPolicy, type StealPeer, type StealPolicy } from '../../src/stealing/index.js';
import { SchedulerTokens } from '../../src/tokens.js';

function peers(n: number): StealPeer[] {
  return Array.from({ length: n }, (_, i) => ({ agent: `node${i % 2}/agent-${i}`, machine: `m${i % 2}` }));
}

describe('RandomHalfPolicy', () => {
  it('asks the peer the injected random points at', () => {
    const values = [0, 0.5, 0.999, 0.25];
    const policy = new RandomHalfPolicy(() => values.shift()!);
    const four = peers(4);
    expect([0, 1, 2, 3].map((attempt) => policy.victim(four, attempt))).to.deep.equal([four[0], four[2], four[3], four[1]]);
  });

  it('gives every peer the same chance', () => {
    const n = 5;
    let i = 0;
    // Evenly spaced values stand in for a uniform source: each peer must be hit exactly once.
    const policy = new RandomHalfPolicy(() => (i++ + 0.5) / n);
    const five = peers(n);
    const hit = five.map(() => policy.victim(five, 0));
    expect(new Set(hit).size).to.equal(n);
  });

  it('returns a peer of any non-empty list, whatever the random returns', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50 }),
        fc.oneof(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), fc.constant(1)),
        fc.nat(),
        (n, value, attempt) => {
          const list = peers(n);
          expect(list).to.include(new RandomHalfPolicy(() => value).victim(list, attempt));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('asks nobody when there is nobody', () => {
    expect(new RandomHalfPolicy().victim([], 0)).to.equal(undefined);
  });

  it('gives away half of the stealable packets, rounded up', () => {
    const policy = new RandomHalfPolicy();
    expect([0, 1, 2, 3, 4, 9, 10].map((s) => policy.amount(s, s + 1))).to.deep.equal([0, 1, 1, 2, 2, 5, 5]);
    expect(policy.amount(-3, 0)).to.equal(0);
  });

  it('never gives away more than it can, and something whenever it can', () => {
    fc.assert(
      fc.property(fc.nat({ max: 1_000_000 }), fc.nat({ max: 1_000_000 }), (stealable, extra) => {
        const amount = new RandomHalfPolicy().amount(stealable, stealable + extra);
        expect(Number.isInteger(amount)).to.equal(true);
        expect(amount).to.be.within(stealable > 0 ? 1 : 0, stealable);
        expect(amount).to.be.at.least(stealable - amount);
      }),
    );
  });

  it('can be provided to a container under SchedulerTokens.StealPolicy', () => {
    const policy: StealPolicy = new RandomHalfPolicy(() => 0);
    const scope = container.createChildContainer();
    scope.registerInstance(SchedulerTokens.StealPolicy, policy);
    expect(scope.resolve<StealPolicy>(SchedulerTokens.StealPolicy)).to.equal(policy);
    expect(SchedulerTokens.StealPolicy).to.be.a('symbol');
  });
});
