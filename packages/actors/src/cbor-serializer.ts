import { Decoder, Encoder, addExtension } from 'cbor-x';
import { ActorRef } from './actor-ref.js';
import { bignumFromBytes, bignumBytes } from './bignum-bytes.js';
import { NOT_SIMPLE, decodeSimpleArray } from './cbor-fast-decode.js';
import { encodeSimpleArray } from './cbor-fast-path.js';
import { ACTOR_ERRORS, RemoteError, SerializationError, type ErrorClass } from './errors.js';
import type { ActorPath, Address, NodeId } from './ids.js';
import type { RefResolver, Serializer } from './serializer.js';

/** CBOR tags in the first-come-first-served range, registered once per process. */
export const CBOR_TAGS = { actorRef: 40_701, error: 40_702 } as const;

type WireError = [name: string, message: string, code: unknown, stack: unknown, cause: unknown, extra: Record<string, unknown> | null];

/** The resolver and error classes of the decode running right now; decoding is synchronous, so one slot each suffices. */
let activeResolver: RefResolver | undefined;
let activeErrors: ReadonlyMap<string, ErrorClass> = new Map();

const STANDARD_ERROR_FIELDS = new Set(['name', 'message', 'stack', 'code', 'cause']);

addExtension({
  Class: ActorRef,
  tag: CBOR_TAGS.actorRef,
  encode(ref: ActorRef<unknown>, encode: (v: unknown) => Uint8Array) {
    return encode([ref.address.node, ref.address.path]);
  },
  decode(data: unknown) {
    if (!Array.isArray(data) || typeof data[0] !== 'string' || typeof data[1] !== 'string') {
      throw new SerializationError('malformed ActorRef on the wire');
    }
    const address: Address = { node: data[0] as NodeId, path: data[1] as ActorPath };
    if (activeResolver === undefined) throw new SerializationError('an ActorRef was decoded outside an actor system');
    return activeResolver(address);
  },
});

addExtension({
  Class: Error,
  tag: CBOR_TAGS.error,
  encode(error: Error, encode: (v: unknown) => Uint8Array) {
    const extra: Record<string, unknown> = {};
    let hasExtra = false;
    for (const key of Object.keys(error)) {
      if (STANDARD_ERROR_FIELDS.has(key)) continue;
      const value = (error as unknown as Record<string, unknown>)[key];
      if (typeof value === 'function' || typeof value === 'symbol') continue;
      extra[key] = value;
      hasExtra = true;
    }
    const e = error as Error & { code?: unknown };
    const wire: WireError = [error.name, error.message, e.code ?? null, error.stack ?? null, error.cause ?? null, hasExtra ? extra : null];
    return encode(wire);
  },
  decode(data: unknown) {
    if (!Array.isArray(data) || typeof data[0] !== 'string' || typeof data[1] !== 'string') {
      throw new SerializationError('malformed Error on the wire');
    }
    return rebuildError(data as WireError);
  },
});

/**
 * A large `bigint` (beyond 64 bits) wrapped so it is written in linear time: cbor-x writes bare
 * bignums a byte at a time, which is quadratic in their size (a 1,000-digit number costs ~80 µs).
 * It is written as the standard CBOR bignum (tag 2 or 3), so it decodes as a plain `bigint`.
 * Wrap with {@link wideBigInt}; bignums of any origin decode in linear time.
 */
export class WideBigInt {
  constructor(readonly value: bigint) {}
}
class NegativeWideBigInt extends WideBigInt {}

/** Wraps `value` for fast encoding when it is a bigint beyond 64 bits; returns anything else unchanged. */
export function wideBigInt<T>(value: T): T | WideBigInt {
  if (typeof value !== 'bigint' || (value < TWO_64 && value > -TWO_64)) return value;
  return value >= 0n ? new WideBigInt(value) : new NegativeWideBigInt(value);
}

const TWO_64 = 1n << 64n;

function bignumValue(bytes: unknown): bigint {
  if (!(bytes instanceof Uint8Array)) throw new SerializationError('malformed bignum on the wire');
  return bignumFromBytes(bytes);
}

// The subclass last: cbor-x tries the most recently added extension first, and matches subclasses.
addExtension({ Class: WideBigInt, tag: 2, encode: (w: WideBigInt, encode: (v: unknown) => Uint8Array) => encode(bignumBytes(w.value)), decode: bignumValue as never });
addExtension({ Class: NegativeWideBigInt, tag: 3, encode: (w: WideBigInt, encode: (v: unknown) => Uint8Array) => encode(bignumBytes(-1n - w.value)), decode: ((bytes: unknown) => -1n - bignumValue(bytes)) as never });

const NATIVE_ERRORS = new Set<ErrorClass>([Error, TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError]);

/** Rebuilds a real `Error` of the known class, or a `RemoteError` carrying the remote name. */
function rebuildError([name, message, code, stack, cause, extra]: WireError): Error {
  const Known = activeErrors.get(name);
  let error: Error;
  // Only JavaScript's own classes are constructed: other constructors take arguments of their own
  // (a list, a number) and would throw or misbehave when handed the message.
  if (Known !== undefined && NATIVE_ERRORS.has(Known)) {
    error = new (Known as unknown as new (m: string) => Error)(message);
  } else {
    error = new RemoteError(message, { name });
    if (Known !== undefined) Object.setPrototypeOf(error, Known.prototype);
  }
  // Own properties, not the constructor's, so a rebuilt error says exactly what the remote said.
  Object.defineProperty(error, 'message', { value: message, writable: true, configurable: true });
  Object.defineProperty(error, 'name', { value: name, writable: true, configurable: true });
  if (typeof stack === 'string') Object.defineProperty(error, 'stack', { value: stack, writable: true, configurable: true });
  if (code !== null && code !== undefined) Object.defineProperty(error, 'code', { value: code, writable: true, enumerable: true, configurable: true });
  if (cause !== null && cause !== undefined) Object.defineProperty(error, 'cause', { value: cause, writable: true, configurable: true });
  if (extra !== null && typeof extra === 'object') Object.assign(error, extra);
  return error;
}

const CBOR_OPTIONS = { useRecords: false, mapsAsObjects: true, largeBigIntToFloat: false } as const;

/** Options of {@link CborSerializer}. */
export interface CborSerializerOptions {
  /** Error classes to rebuild by name besides {@link ACTOR_ERRORS}. Default none. */
  errors?: readonly ErrorClass[];
}

/**
 * The default wire format: CBOR through cbor-x. Typed arrays travel as binary (RFC 8746 tags),
 * `bigint` as CBOR integers or bignums, `Map`, `Set`, `Date` natively, and two extensions carry
 * `ActorRef` (as its address) and `Error` (name, message, code, stack, cause and own fields).
 * Known loss: cbor-x writes a negative zero as the integer 0, so `-0` arrives as `0`.
 */
export class CborSerializer implements Serializer {
  private readonly encoder = new Encoder(CBOR_OPTIONS);
  /**
   * A decoder of its own: an `Encoder` decoding what it just encoded runs 1.5-5x slower than a
   * separate `Decoder` (measured with cbor-x 1.6 on small objects and an 8 MiB Float64Array).
   */
  private readonly decoder = new Decoder(CBOR_OPTIONS);
  private readonly errors: ReadonlyMap<string, ErrorClass>;

  /**
   * @param options.errors error classes rebuilt as themselves on decode, on top of
   * {@link ACTOR_ERRORS}; an error whose class is not listed arrives as a {@link RemoteError}.
   */
  constructor(options: CborSerializerOptions = {}) {
    this.errors = new Map([...ACTOR_ERRORS, ...(options.errors ?? [])].map((Class) => [Class.name, Class]));
  }

  /** CBOR bytes for `value`; throws `SerializationError` for what cbor-x cannot encode (functions, symbols, cycles). */
  encode(value: unknown): Uint8Array {
    try {
      return encodeSimpleArray(value) ?? this.encoder.encode(value);
    } catch (cause) {
      throw new SerializationError(`cannot encode message: ${(cause as Error)?.message ?? String(cause)}`, cause);
    }
  }

  /** The value in `bytes`; errors come back as their class when it is known to this serializer. Throws `SerializationError`. */
  decode(bytes: Uint8Array, refs: RefResolver): unknown {
    const simple = decodeSimpleArray(bytes);
    if (simple !== NOT_SIMPLE) return simple;
    const previous = activeResolver;
    const previousErrors = activeErrors;
    activeResolver = refs;
    activeErrors = this.errors;
    try {
      return this.decoder.decode(bytes);
    } catch (cause) {
      if (cause instanceof SerializationError) throw cause;
      throw new SerializationError(`cannot decode message: ${(cause as Error)?.message ?? String(cause)}`, cause);
    } finally {
      activeResolver = previous;
      activeErrors = previousErrors;
    }
  }
}
