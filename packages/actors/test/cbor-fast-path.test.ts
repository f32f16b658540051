import { expect } from 'chai';
import { Encoder } from 'cbor-x';
import fc from 'fast-check';
import { CborSerializer } from '../src/index.js';
import { encodeSimpleArray } from '../src/cbor-fast-path.js';

// The same options as CborSerializer's encoder.
const cborx = new Encoder({ useRecords: false, mapsAsObjects: true, largeBigIntToFloat: false });

const simpleItem = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer({ min: 0, max: 0xffff }),
  fc.string({ maxLength: 300 }),
  fc.uint8Array({ maxLength: 300 }),
);
const anyItem = fc.oneof(simpleItem, fc.integer(), fc.double(), fc.string({ unit: 'binary', maxLength: 20 }), fc.constant(undefined), fc.object({ maxDepth: 1 }));

describe('encodeSimpleArray', () => {
  it('writes exactly the bytes cbor-x writes, or declines', () => {
    fc.assert(
      fc.property(fc.oneof(fc.array(simpleItem, { maxLength: 23 }), fc.array(anyItem, { maxLength: 26 })), (value) => {
        const fast = encodeSimpleArray(value);
        if (fast !== undefined) expect(Buffer.from(fast).equals(cborx.encode(value))).to.equal(true);
      }),
      { numRuns: 300 },
    );
    // Byte strings past 64 KiB take a 4-byte length.
    const large = [1, new Uint8Array(0x10003).fill(7)];
    expect(Buffer.from(encodeSimpleArray(large)!).equals(cborx.encode(large))).to.equal(true);
  });

  it('takes envelopes and replies whose message is bytes, and round-trips them', () => {
    fc.assert(
      fc.property(fc.array(simpleItem, { maxLength: 23 }), (value) => {
        const fast = encodeSimpleArray(value);
        expect(fast).to.not.equal(undefined);
        const back = new CborSerializer().decode(fast!, () => {
          throw new Error('no refs here');
        }) as unknown[];
        expect(back).to.have.length(value.length);
        value.forEach((item, i) => {
          if (item instanceof Uint8Array) expect([...(back[i] as Uint8Array)]).to.deep.equal([...item]);
          else expect(back[i]).to.equal(item);
        });
      }),
      { numRuns: 100 },
    );
  });

  it('declines what it does not write: non-arrays, long arrays, negatives, -0, non-ASCII, Buffers, objects', () => {
    for (const value of [5, 'x', new Uint8Array(2), Array(24).fill(0), [-1], [-0], [1.5], ['é'], [Buffer.from([1])], [{}], [undefined], [2 ** 16]]) {
      expect(encodeSimpleArray(value), String(value)).to.equal(undefined);
    }
  });
});
