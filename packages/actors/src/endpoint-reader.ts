import type { Envelope } from './actor-cell.js';
import type { DeathWatch } from './death-watch.js';
import type { EndpointWriter } from './endpoint-writer.js';
import { SerializationError } from './errors.js';
import type { ActorRef } from './actor-ref.js';
import type { ActorPath, NodeId } from './ids.js';
import type { PendingAsks } from './pending-asks.js';
import type { RefResolver, Serializer } from './serializer.js';
import type { TransportHandlers } from './transport.js';
import { Kind, TEMP_PATH, isWireEnvelope, isWireReply } from './wire.js';

/** @internal Where the {@link EndpointReader} hands what it decoded. */
export interface InboundSink {
  /** An envelope for the actor at `path` of this node; a missing actor is the sink's to report. */
  deliver(path: ActorPath, envelope: Envelope): void;
  /** A broadcast for the actor at `path`, ignored quietly when there is none. */
  deliverBroadcast(path: ActorPath, envelope: Envelope): void;
  /** Bytes that are not a valid envelope or reply: count and report them. */
  dropMalformed(data: Uint8Array, error: unknown): void;
}

/**
 * The inbound half of the wire: the transport's handlers. Decodes what arrives, checks its shape
 * and dispatches it: envelopes to actors or to death watch, replies to the pending asks.
 *
 * Guarantee: never throws into the transport; malformed bytes are dropped through the sink (a
 * malformed reply also fails its ask at once), and the node keeps serving.
 */
export class EndpointReader implements TransportHandlers {
  constructor(
    private readonly serializer: Serializer,
    private readonly resolveRef: RefResolver,
    private readonly pending: PendingAsks,
    private readonly writer: EndpointWriter,
    private readonly deathWatch: DeathWatch,
    private readonly sink: InboundSink,
  ) {}

  onMessage(data: Uint8Array): void {
    let envelope: unknown;
    try {
      envelope = this.serializer.decode(data, this.resolveRef);
    } catch (error) {
      this.sink.dropMalformed(data, error);
      return;
    }
    if (!isWireEnvelope(envelope)) {
      this.sink.dropMalformed(data, new SerializationError('not an envelope'));
      return;
    }
    switch (envelope[0]) {
      case Kind.Tell:
        this.sink.deliver(envelope[1], { message: envelope[2], sender: envelope[3] ?? undefined, reply: undefined });
        return;
      case Kind.Broadcast:
        this.sink.deliverBroadcast(envelope[1], { message: envelope[2], sender: envelope[3] ?? undefined, reply: undefined });
        return;
      case Kind.Ask:
        this.sink.deliver(envelope[1], new RemoteAsk(envelope[2], envelope[3], envelope[4], this.writer, this.resolveRef));
        return;
      case Kind.Watch:
        this.deathWatch.onWatch(envelope[1], envelope[2], envelope[3]);
        return;
      case Kind.Unwatch:
        this.deathWatch.onUnwatch(envelope[1], envelope[2]);
        return;
      case Kind.Terminated:
        this.deathWatch.onTerminated(envelope[1], envelope[2], envelope[3]);
        return;
    }
  }

  onReply(id: string, data: Uint8Array): void {
    const entry = this.pending.get(id);
    if (entry === undefined) return;
    let reply: unknown;
    try {
      reply = this.serializer.decode(data, this.resolveRef);
    } catch (error) {
      this.sink.dropMalformed(data, error);
      this.pending.settleEntry(entry, false, error);
      return;
    }
    if (!isWireReply(reply)) {
      this.sink.dropMalformed(data, new SerializationError('not a reply'));
      this.pending.settleEntry(entry, false, new SerializationError('malformed reply'));
      return;
    }
    this.pending.settleEntry(entry, reply[0] === 1, reply[1]);
  }

  onUndeliverable(id: string): void {
    this.pending.unreachable(id);
  }
}

/**
 * An ask from another node, as a mailbox envelope. Most actors never look at the sender of an
 * ask, so its temporary reply ref is only made when asked for.
 */
class RemoteAsk implements Envelope {
  private replyRef: ActorRef<unknown> | undefined;

  constructor(
    readonly message: unknown,
    private readonly id: string,
    private readonly replyNode: NodeId,
    private readonly writer: EndpointWriter,
    private readonly resolveRef: RefResolver,
  ) {}

  get sender(): ActorRef<unknown> {
    return (this.replyRef ??= this.resolveRef({ node: this.replyNode, path: (TEMP_PATH + this.id) as ActorPath }));
  }

  reply(ok: boolean, value: unknown): void {
    this.writer.reply(this.replyNode, this.id, ok, value);
  }
}
