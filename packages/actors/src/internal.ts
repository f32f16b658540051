/**
 * `@armada/actors/internal`: for sibling Armada packages only. Pieces of the runtime that are not
 * part of the public API; they may change without notice in any release.
 */
export { Kind, isWireEnvelope, isWireReply, type WireEnvelope, type WireReply } from './wire.js';
export { Mailbox } from './mailbox.js';
export { RestartBudget } from './supervision.js';
export { CBOR_TAGS, WideBigInt, wideBigInt } from './cbor-serializer.js';
export { randomNodeId, formatAddress, checkActorName } from './ids.js';
