import type { NodeId } from './ids.js';

/** What a transport calls when bytes arrive for its node. Called one at a time, in arrival order. */
export interface TransportHandlers {
  /** An envelope sent to this node with {@link Transport.send}. */
  onMessage(data: Uint8Array): void;
  /** A reply sent to this node with {@link Transport.reply}. */
  onReply(correlationId: string, data: Uint8Array): void;
  /**
   * A message sent with a correlation id reached no node (nobody serves the target node).
   * Called at most once per correlation id, soon after the send. The caller knows which node it
   * sent to, so the transport keeps no per-send bookkeeping for this.
   */
  onUndeliverable(correlationId: string): void;
}

/**
 * Moves bytes between nodes. It knows nothing of actors: envelopes, ask correlation and death
 * watch live in the actor core. Every implementation runs the shared conformance suite in
 * `@armada/actors/testkit`.
 *
 * Guarantees: messages from one node to another arrive in the order they were sent, at most once.
 */
export interface Transport {
  /** Largest message, in bytes, that {@link send} and {@link reply} accept. */
  readonly maxMessageBytes: number;
  /** Joins the network as `node`; resolves when messages for it can arrive. */
  start(node: NodeId, handlers: TransportHandlers): Promise<void>;
  /**
   * Sends an envelope to `to`. With a correlation id, a missing target node is reported through
   * {@link TransportHandlers.onUndeliverable}. Throws `PayloadTooLargeError` or
   * `TransportClosedError` synchronously; never blocks.
   */
  send(to: NodeId, data: Uint8Array, correlationId?: string): void;
  /** Sends a reply to the node that asked, tagged with the ask's correlation id. Throws like {@link send}. */
  reply(to: NodeId, correlationId: string, data: Uint8Array): void;
  /**
   * Sends an envelope to every node on the network, this one included, through
   * {@link TransportHandlers.onMessage}. Used for discovery; at most once per node, order kept per
   * sender. Throws like {@link send}.
   */
  broadcast(data: Uint8Array): void;
  /** Flushes what was sent and leaves the network. Idempotent. */
  close(): Promise<void>;
}
