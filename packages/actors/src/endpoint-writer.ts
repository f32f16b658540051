import type { NodeId } from './ids.js';
import type { Logger } from './logger.js';
import type { Serializer } from './serializer.js';
import type { Transport } from './transport.js';
import type { WireEnvelope, WireReply } from './wire.js';

/**
 * The outbound half of the wire: encodes envelopes and replies and hands the bytes to the
 * transport. Delivery is the transport's: at most once, in order per pair of nodes.
 */
export class EndpointWriter {
  constructor(
    private readonly transport: Transport,
    private readonly serializer: Serializer,
    private readonly log: Logger,
  ) {}

  /**
   * Sends `envelope` to `to`; with a correlation id, a node nobody serves is reported back through
   * the transport's `onUndeliverable`. Throws `SerializationError`, `PayloadTooLargeError` or
   * `TransportClosedError`, having sent nothing.
   */
  send(to: NodeId, envelope: WireEnvelope, correlationId?: string): void {
    this.transport.send(to, this.serializer.encode(envelope), correlationId);
  }

  /** Like {@link send}, for system messages nobody waits for: a failure is logged, not thrown. */
  sendQuietly(to: NodeId, envelope: WireEnvelope): void {
    try {
      this.send(to, envelope);
    } catch (error) {
      this.log.warn('system message not sent', { to, error });
    }
  }

  /** Sends `envelope` to every node, this one included. Throws like {@link send}. */
  broadcast(envelope: WireEnvelope): void {
    this.transport.broadcast(this.serializer.encode(envelope));
  }

  /** Answers the ask `id` of node `to` with `message` (a tell to its reply ref). Throws like {@link send}. */
  answer(to: NodeId, id: string, message: unknown): void {
    this.transport.reply(to, id, this.encodeReply(true, message));
  }

  /**
   * Settles the ask `id` of node `to` with `value` (a reply) or `value` as the error. Never throws:
   * a reply that cannot be encoded or sent is replaced by the error saying why, so the asker
   * learns it at once instead of timing out; if even that fails, it is logged.
   */
  reply(to: NodeId, id: string, ok: boolean, value: unknown): void {
    let data: Uint8Array;
    try {
      data = this.encodeReply(ok, value);
    } catch (error) {
      data = this.encodeReply(false, error);
    }
    try {
      this.transport.reply(to, id, data);
    } catch (error) {
      try {
        this.transport.reply(to, id, this.encodeReply(false, error));
      } catch (again) {
        this.log.warn('reply not sent', { to, error: again });
      }
    }
  }

  private encodeReply(ok: boolean, value: unknown): Uint8Array {
    const reply: WireReply = [ok ? 1 : 0, value];
    return this.serializer.encode(reply);
  }
}
