import { PayloadTooLargeError, TransportClosedError } from './errors.js';
import type { NodeId } from './ids.js';
import type { InMemoryNetwork } from './in-memory-network.js';
import type { Transport, TransportHandlers } from './transport.js';

/** Tunables of {@link InMemoryTransport}. */
export interface InMemoryTransportOptions {
  /** Largest message accepted, in bytes. Default 64 MiB, as the NATS transport. */
  maxMessageBytes?: number;
}

const DEFAULTS = { maxMessageBytes: 64 * 1024 * 1024 } as const;

/**
 * The embedded default transport: nodes in one process exchange encoded bytes through an
 * {@link InMemoryNetwork}. Messages are still serialised, so what works here works over NATS.
 */
export class InMemoryTransport implements Transport {
  readonly maxMessageBytes: number;
  private self: NodeId | undefined;
  private closed = false;

  constructor(private readonly network: InMemoryNetwork, options: InMemoryTransportOptions = {}) {
    this.maxMessageBytes = options.maxMessageBytes ?? DEFAULTS.maxMessageBytes;
  }

  async start(node: NodeId, handlers: TransportHandlers): Promise<void> {
    if (this.closed) throw new TransportClosedError();
    this.network.join(node, handlers);
    this.self = node;
  }

  send(to: NodeId, data: Uint8Array, correlationId?: string): void {
    const from = this.check(data);
    queueMicrotask(() => {
      const target = this.network.handlers(to);
      if (target !== undefined) target.onMessage(data);
      else if (correlationId !== undefined) this.network.handlers(from)?.onUndeliverable(correlationId);
    });
  }

  reply(to: NodeId, correlationId: string, data: Uint8Array): void {
    this.check(data);
    queueMicrotask(() => this.network.handlers(to)?.onReply(correlationId, data));
  }

  broadcast(data: Uint8Array): void {
    this.check(data);
    queueMicrotask(() => {
      for (const handlers of this.network.everyone()) handlers.onMessage(data);
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.self !== undefined) this.network.leave(this.self);
  }

  private check(data: Uint8Array): NodeId {
    if (this.closed || this.self === undefined) throw new TransportClosedError(this.closed ? 'transport is closed' : 'transport is not started');
    if (data.byteLength > this.maxMessageBytes) throw new PayloadTooLargeError(data.byteLength, this.maxMessageBytes);
    return this.self;
  }
}
