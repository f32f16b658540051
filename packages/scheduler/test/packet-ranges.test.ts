import { expect } from 'chai';
import fc from 'fast-check';
import { fromRanges, toRanges } from '../src/packet-ranges.js';

describe('packet ranges', () => {
  it('round-trips any set of indices', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(5000)), (indices) => {
        expect([...fromRanges(toRanges(indices))].sort((a, b) => a - b)).to.deep.equal([...new Set(indices)].sort((a, b) => a - b));
      }),
    );
  });

  it('encodes consecutive indices as one run', () => {
    expect(toRanges([5, 3, 4, 9, 10, 4])).to.deep.equal([3, 3, 9, 2]);
  });

  it('skips malformed runs instead of throwing', () => {
    expect([...fromRanges([1, 2, -1, 3, 'x', 1, 7])]).to.deep.equal([1, 2]);
    expect(fromRanges('nonsense').size).to.equal(0);
    expect(fromRanges([0, 1e9], 100).size).to.equal(100);
  });
});
