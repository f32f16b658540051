import type { ActorRef } from './actor-ref.js';
import type { Address } from './ids.js';

/** Turns an address from the wire into a live reference on the decoding system. */
export type RefResolver = (address: Address) => ActorRef<unknown>;

/**
 * Encodes messages for the wire. `encode` throws `SerializationError` for a value it cannot
 * represent; `decode` throws `SerializationError` for bytes it cannot read. `ActorRef`s inside
 * a message must survive the trip and come back bound to the decoding system through `refs`.
 */
export interface Serializer {
  /** Bytes for `value`; throws `SerializationError` when it cannot be represented. */
  encode(value: unknown): Uint8Array;
  /** The value in `bytes`, with refs made live by `refs`; throws `SerializationError` for unreadable bytes. */
  decode(bytes: Uint8Array, refs: RefResolver): unknown;
}
