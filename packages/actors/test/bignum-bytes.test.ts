import { expect } from 'chai';
import fc from 'fast-check';
import { bignumBytes, bignumFromBytes, bignumRoutes } from '../src/bignum-bytes.js';

const magnitudes = fc.oneof(fc.bigInt({ min: 0n, max: (1n << 64n) + 10n }), fc.bigInt({ min: 0n, max: 1n << 20_000n }), fc.nat(64).map((k) => 1n << BigInt(k * 64)));

describe('bignum bytes', () => {
  it('uses V8\'s digits on this Node.js (the format check at load passed)', () => {
    expect(bignumRoutes.usesV8).to.equal(true);
  });

  it('writes exactly the minimal big-endian bytes the hex route writes, for every magnitude but 0', () => {
    fc.assert(
      fc.property(magnitudes.filter((v) => v > 0n), (v) => {
        expect(bignumRoutes.v8Bytes(v).equals(bignumRoutes.hexBytes(v))).to.equal(true);
        expect(bignumBytes(v)[0]).to.not.equal(0);
      }),
    );
  });

  it('reads back every magnitude, from its own bytes and from bytes with leading zeros', () => {
    fc.assert(
      fc.property(magnitudes, fc.nat(9), (v, zeros) => {
        const bytes = bignumBytes(v);
        expect(bignumFromBytes(bytes)).to.equal(v);
        const padded = Buffer.concat([Buffer.alloc(zeros), bytes]);
        expect(bignumFromBytes(padded)).to.equal(v);
        expect(bignumRoutes.hexValue(padded)).to.equal(v);
      }),
    );
  });

  it('reads a view into a larger buffer without looking outside it', () => {
    const whole = Buffer.from([0xff, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff]);
    expect(bignumFromBytes(whole.subarray(1, 10))).to.equal(1n << 64n);
    expect(bignumFromBytes(new Uint8Array(0))).to.equal(0n);
  });
});
