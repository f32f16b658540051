import { expect } from 'chai';
import { Encoder } from 'cbor-x';
import fc from 'fast-check';
import { NOT_SIMPLE, decodeSimpleArray } from '../src/cbor-fast-decode.js';

// The same options as CborSerializer's encoder.
const cborx = new Encoder({ useRecords: false, mapsAsObjects: true, largeBigIntToFloat: false });

const simpleItem = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer({ min: -(2 ** 32), max: 2 ** 32 - 1 }),
  fc.string({ maxLength: 300 }),
  fc.uint8Array({ maxLength: 300 }),
);
const anyItem = fc.oneof(simpleItem, fc.double(), fc.string({ unit: 'binary', maxLength: 20 }), fc.constant(undefined), fc.object({ maxDepth: 1 }), fc.bigInt());

/** cbor-x's answer, or the error it throws. */
function reference(bytes: Uint8Array): unknown {
  try {
    return cborx.decode(bytes);
  } catch (error) {
    return error;
  }
}

/** Deep equality that tells a Uint8Array from other objects. */
function same(a: unknown, b: unknown): void {
  if (a instanceof Uint8Array) {
    expect(b).to.be.instanceOf(Uint8Array);
    expect((b as Uint8Array).constructor).to.equal(a.constructor);
    expect([...(b as Uint8Array)]).to.deep.equal([...a]);
  } else if (Array.isArray(a)) {
    expect(b).to.be.an('array').with.length(a.length);
    a.forEach((item, i) => same(item, (b as unknown[])[i]));
  } else {
    expect(b).to.equal(a);
  }
}

describe('decodeSimpleArray', () => {
  it('reads simple arrays exactly as cbor-x does', () => {
    fc.assert(
      fc.property(fc.array(simpleItem, { maxLength: 23 }), (value) => {
        const bytes = cborx.encode(value);
        const fast = decodeSimpleArray(bytes);
        expect(fast).to.not.equal(NOT_SIMPLE);
        same(reference(bytes), fast);
      }),
      { numRuns: 300 },
    );
  });

  it('declines, or agrees with cbor-x, on anything else: other values, other shapes, random and cut bytes', () => {
    const encoded = fc.oneof(fc.array(anyItem, { maxLength: 26 }), anyItem).map((v) => new Uint8Array(cborx.encode(v)));
    const mangled = fc.tuple(encoded, fc.nat(), fc.integer({ min: 0, max: 255 })).map(([bytes, at, byte]) => {
      const copy = bytes.slice();
      if (copy.length > 0) copy[at % copy.length] = byte;
      return copy;
    });
    const cut = fc.tuple(encoded, fc.nat()).map(([bytes, n]) => bytes.subarray(0, n % (bytes.length + 1)));
    fc.assert(
      fc.property(fc.oneof(encoded, mangled, cut, fc.uint8Array({ maxLength: 64 })), (bytes) => {
        const fast = decodeSimpleArray(bytes);
        if (fast === NOT_SIMPLE) return;
        const expected = reference(bytes);
        expect(expected).to.not.be.instanceOf(Error);
        same(expected, fast);
      }),
      { numRuns: 2000, seed: 20261203 },
    );
  });

  it('hands back a byte string as a view of the input, as cbor-x does', () => {
    const bytes = cborx.encode([1, Uint8Array.of(9, 8, 7)]);
    const [, view] = decodeSimpleArray(bytes) as [number, Uint8Array];
    expect(view.buffer).to.equal(bytes.buffer);
    expect([...view]).to.deep.equal([9, 8, 7]);
  });

  it('never hands back a remembered string for different bytes at the same position', () => {
    const first = decodeSimpleArray(cborx.encode([1, '/user/echo', 'a1'])) as string[];
    const second = decodeSimpleArray(cborx.encode([1, '/user/ecHo', 'a2'])) as string[];
    const third = decodeSimpleArray(cborx.encode([1, '/user/echo', 'a2x'])) as string[];
    expect(first).to.deep.equal([1, '/user/echo', 'a1']);
    expect(second).to.deep.equal([1, '/user/ecHo', 'a2']);
    expect(third).to.deep.equal([1, '/user/echo', 'a2x']);
  });
});
