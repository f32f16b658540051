import { expect } from 'chai';
import fc from 'fast-check';
import {
  ActorRef,
  AskTimeoutError,
  CborSerializer,
  RemoteError,
  SerializationError,
  wideBigInt,
  type Address,
  type ActorPath,
  type NodeId,
  type RefOwner,
} from './exports.js';

const owner: RefOwner = {
  tell: () => undefined,
  ask: () => Promise.resolve(undefined),
};
const resolve = (address: Address) => new ActorRef<unknown>(address, owner);

const typedArray = fc.oneof(
  fc.float64Array({ maxLength: 64, noDefaultInfinity: false }),
  fc.float32Array({ maxLength: 64 }),
  fc.int32Array({ maxLength: 64 }),
  fc.int16Array({ maxLength: 64 }),
  fc.uint8Array({ maxLength: 64 }),
  fc.uint16Array({ maxLength: 64 }),
  fc.uint32Array({ maxLength: 64 }),
  fc.bigInt64Array({ maxLength: 16 }),
);
const ref = fc
  .tuple(fc.stringMatching(/^[a-z0-9-]{1,12}$/), fc.stringMatching(/^(\/[a-z0-9$]{1,8}){1,3}$/))
  .map(([node, path]) => resolve({ node: node as NodeId, path: path as ActorPath }));
const leaf = fc.oneof(
  fc.integer(),
  // cbor-x writes -0 as the integer 0, so the sign of a negative zero is not kept (documented).
  fc.double({ noNaN: true }).filter((d) => !Object.is(d, -0)),
  fc.string(),
  fc.boolean(),
  fc.constant(null),
  fc.bigInt({ min: -(2n ** 200n), max: 2n ** 200n }),
  typedArray,
  ref,
);
const { value } = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 5 }),
  object: fc.dictionary(fc.string().filter((k) => k !== '__proto__'), tie('value'), { maxKeys: 5 }),
}));

function normalise(v: unknown): unknown {
  if (v instanceof ActorRef) return { ref: v.toString() };
  if (ArrayBuffer.isView(v)) return { type: v.constructor.name, bytes: [...new Uint8Array(v.buffer, v.byteOffset, v.byteLength)] };
  if (Array.isArray(v)) return v.map(normalise);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, normalise(x)]));
  return v;
}

describe('CborSerializer', () => {
  const serializer = new CborSerializer();

  it('round-trips arbitrary nested values with typed arrays, bigints and refs', () => {
    fc.assert(
      fc.property(value, (v) => {
        const back = serializer.decode(serializer.encode(v), resolve);
        expect(normalise(back)).to.deep.equal(normalise(v));
      }),
      { numRuns: 300 },
    );
  });

  it('writes wrapped bigints of any size as bignums that decode to the same bigint', () => {
    const big = fc.bigInt({ min: -(1n << 4000n), max: 1n << 4000n });
    fc.assert(
      fc.property(fc.array(big, { maxLength: 8 }), (values) => {
        expect(serializer.decode(serializer.encode(values.map(wideBigInt)), resolve)).to.deep.equal(values);
        expect(serializer.decode(serializer.encode(values), resolve)).to.deep.equal(values);
      }),
      { numRuns: 200 },
    );
    expect(wideBigInt(5n)).to.equal(5n);
    expect(wideBigInt('x')).to.equal('x');
  });

  it('keeps the exact typed array class and sends it as binary, not as a JSON object', () => {
    const data = new Float64Array(1024).map((_, i) => i / 3);
    const bytes = serializer.encode(data);
    expect(bytes.byteLength).to.be.lessThan(1024 * 8 + 16);
    const back = serializer.decode(bytes, resolve) as Float64Array;
    expect(back).to.be.instanceOf(Float64Array);
    expect([...back]).to.deep.equal([...data]);
  });

  it('rebuilds refs bound to the decoding side', () => {
    const r = resolve({ node: 'n1' as NodeId, path: '/user/a' as ActorPath });
    const back = serializer.decode(serializer.encode({ to: r }), resolve) as { to: ActorRef<unknown> };
    expect(back.to).to.be.instanceOf(ActorRef);
    expect(back.to.equals(r)).to.equal(true);
  });

  it('carries errors with name, message, code, stack, cause and own fields', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.string(), fc.integer(), (message, code, causeMessage, extra) => {
        const error = Object.assign(new TypeError(message, { cause: new Error(causeMessage) }), { code, extra });
        const back = serializer.decode(serializer.encode(error), resolve) as TypeError & { code: string; extra: number };
        expect(back).to.be.instanceOf(TypeError);
        expect(back.message).to.equal(message);
        expect(back.code).to.equal(code);
        expect(back.extra).to.equal(extra);
        expect(back.stack).to.equal(error.stack);
        expect((back.cause as Error).message).to.equal(causeMessage);
      }),
      { numRuns: 100 },
    );
  });

  it('rebuilds Armada errors as their own class and unknown classes as RemoteError', () => {
    const timeout = serializer.decode(serializer.encode(new AskTimeoutError('armada://n/user/x', 50)), resolve) as AskTimeoutError;
    expect(timeout).to.be.instanceOf(AskTimeoutError);
    expect(timeout.code).to.equal('ERR_ASK_TIMEOUT');
    expect(timeout.retryable).to.equal(true);
    expect(timeout.timeoutMs).to.equal(50);
    class QuotaError extends Error {
      override name = 'QuotaError';
    }
    const unknown = serializer.decode(serializer.encode(new QuotaError('over')), resolve) as Error;
    expect(unknown).to.be.instanceOf(RemoteError);
    expect(unknown.name).to.equal('QuotaError');
    expect(unknown.message).to.equal('over');
  });

  it('throws SerializationError for a value it cannot encode', () => {
    expect(() => serializer.encode({ f: () => 1 })).to.throw(SerializationError);
  });

  it('throws SerializationError for bytes it cannot decode', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 64 }), (bytes) => {
        try {
          serializer.decode(bytes, resolve);
        } catch (error) {
          expect(error).to.be.instanceOf(SerializationError);
        }
      }),
      { numRuns: 500 },
    );
    expect(() => serializer.decode(Uint8Array.of(0x5f, 0x41), resolve)).to.throw(SerializationError);
  });
});
