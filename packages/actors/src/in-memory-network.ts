import { NodeAlreadyJoinedError } from './errors.js';
import type { NodeId } from './ids.js';
import type { TransportHandlers } from './transport.js';

/**
 * The wire shared by in-memory transports: hand one instance to every `InMemoryTransport` that
 * should see the others. There is no global network, so tests and embedded clusters stay isolated.
 *
 * Delivery is asynchronous (a microtask after the send) and keeps per-pair order.
 */
export class InMemoryNetwork {
  private readonly nodes = new Map<NodeId, TransportHandlers>();

  /** Adds a node. Throws {@link NodeAlreadyJoinedError} if the id is taken. */
  join(node: NodeId, handlers: TransportHandlers): void {
    if (this.nodes.has(node)) throw new NodeAlreadyJoinedError(node);
    this.nodes.set(node, handlers);
  }

  /** Removes a node; messages already on their way to it are dropped. */
  leave(node: NodeId): void {
    this.nodes.delete(node);
  }

  /** The nodes currently on the network. */
  members(): NodeId[] {
    return [...this.nodes.keys()];
  }

  /** @internal The handlers of every node, at delivery time. */
  everyone(): TransportHandlers[] {
    return [...this.nodes.values()];
  }

  /** @internal Looks a node up at delivery time, so a node that left receives nothing. */
  handlers(node: NodeId): TransportHandlers | undefined {
    return this.nodes.get(node);
  }
}
