import { PayloadTooLargeError, TransportClosedError, type NodeId, type Transport, type TransportHandlers } from '@armada/actors';
import type { SimulatedNetwork } from './simulated-network.js';

/** Tunables of a {@link SimulatedTransport}. */
export interface SimulatedTransportOptions {
  /** Largest message accepted, in bytes. Default 64 MiB, as the NATS transport. */
  readonly maxMessageBytes?: number;
}

const DEFAULTS = { maxMessageBytes: 64 * 1024 * 1024 } as const;

/**
 * A node's transport on a {@link SimulatedNetwork}: sends are queued with a random delay and
 * arrive only when the simulation delivers them (see the network for the ordering guarantees).
 * Messages are still encoded bytes, so what works here works over NATS.
 *
 * Once its node crashed, sends are dropped without an error, as a dead process cannot notice.
 * After `close` (a clean exit) sends throw `TransportClosedError`, and what it sent before is
 * still delivered.
 */
export class SimulatedTransport implements Transport {
  /** Largest message accepted, in bytes; larger ones throw `PayloadTooLargeError`. */
  readonly maxMessageBytes: number;
  private self: NodeId | undefined;
  private closed = false;

  constructor(
    private readonly network: SimulatedNetwork,
    options: SimulatedTransportOptions = {},
  ) {
    this.maxMessageBytes = options.maxMessageBytes ?? DEFAULTS.maxMessageBytes;
  }

  /** Joins the network as `node`. Throws if the id is on the network already or the transport is closed. */
  async start(node: NodeId, handlers: TransportHandlers): Promise<void> {
    if (this.closed) throw new TransportClosedError();
    this.network.join(node, handlers);
    this.self = node;
  }

  /** Queues an envelope to `to`; a correlated send to a node that is gone when it falls due is reported undeliverable. */
  send(to: NodeId, data: Uint8Array, correlationId?: string): void {
    this.network.post(this.check(data), to, data, correlationId, false);
  }

  /** Queues a reply to `to`, on the same ordered channel as sends to it. */
  reply(to: NodeId, correlationId: string, data: Uint8Array): void {
    this.network.post(this.check(data), to, data, correlationId, true);
  }

  /** Queues `data` to every node on the network now, this one included, each copy with its own delay. */
  broadcast(data: Uint8Array): void {
    this.network.broadcast(this.check(data), data);
  }

  /** Leaves the network; what was sent is still delivered. Idempotent. */
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
