import { expect } from 'chai';
import fc from 'fast-check';
import { NearFirstPolicy, type StealPeer } from '../../src/stealing/index.js';

/** `n` peers over machines m0, m1, m2 in turn. */
function peers(n: number): StealPeer[] {
  return Array.from({ length: n }, (_, i) => ({ agent: `m${i % 3}/agent-${i}`, machine: `m${i % 3}` }));
}

describe('NearFirstPolicy', () => {
  it('asks agents of its own machine first, as many attempts as there are, then any peer', () => {
    const list = peers(9); // m0 holds 0, 3, 6
    const policy = new NearFirstPolicy('m0', () => 0.999);
    expect([0, 1, 2].map((attempt) => policy.victim(list, attempt)!.machine)).to.deep.equal(['m0', 'm0', 'm0']);
    expect(policy.victim(list, 3)).to.equal(list[8]);
    expect(new NearFirstPolicy('m0', () => 0).victim(list, 3)).to.equal(list[0]);
  });

  it('chooses among its own machine’s agents with the injected random', () => {
    const list = peers(9);
    const values = [0, 0.5, 0.9];
    const policy = new NearFirstPolicy('m1', () => values.shift()!);
    expect([0, 1, 2].map((attempt) => policy.victim(list, attempt))).to.deep.equal([list[1], list[4], list[7]]);
  });

  it('goes to any peer at once when no other agent shares its machine', () => {
    const list = peers(2); // m0/agent-0 and m1/agent-1, the thief on m2
    expect(new NearFirstPolicy('m2', () => 0.6).victim(list, 0)).to.equal(list[1]);
  });

  it('returns a peer of any non-empty list, and nobody for an empty one', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 50 }), fc.constantFrom('m0', 'm1', 'm2', 'elsewhere'), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), fc.nat(), (n, machine, value, attempt) => {
        const list = peers(n);
        const victim = new NearFirstPolicy(machine, () => value).victim(list, attempt);
        expect(list).to.include(victim);
        const locals = list.filter((p) => p.machine === machine).length;
        if (attempt < locals) expect(victim!.machine).to.equal(machine);
      }),
      { numRuns: 300 },
    );
    expect(new NearFirstPolicy('m0').victim([], 0)).to.equal(undefined);
  });

  it('gives away half of the stealable packets, rounded up', () => {
    const policy = new NearFirstPolicy('m0');
    expect([0, 1, 2, 3, 4, 9, 10].map((s) => policy.amount(s, s + 1))).to.deep.equal([0, 1, 1, 2, 2, 5, 5]);
    expect(policy.amount(-3, 0)).to.equal(0);
  });
});
