import { formatAddress, type Address } from './ids.js';

/** Options of {@link ActorRef.ask}. */
export interface AskOptions {
  /** How long to wait for the reply; defaults to the system's `askTimeoutMs` (5 s). */
  timeoutMs?: number;
}

/** @internal What a ref needs from the system that made it. */
export interface RefOwner {
  tell(target: Address, message: unknown, sender: ActorRef<unknown> | undefined): void;
  ask(target: Address, message: unknown, options: AskOptions | undefined): Promise<unknown>;
}

/**
 * The only way to reach an actor, local or remote alike. A ref is a value: it serialises to its
 * address and comes back live on the node that decodes it. Two refs are equal when their
 * addresses are.
 *
 * @typeParam M - the messages the actor accepts.
 */
export class ActorRef<M> {
  /** @internal */
  constructor(
    /** Where the actor lives: its node and path. Stable for the ref's lifetime. */
    readonly address: Address,
    private readonly owner: RefOwner,
  ) {}

  /**
   * Sends `message` and returns at once. Never throws: what cannot be delivered (unknown actor,
   * full mailbox, unencodable message, closed transport) becomes a dead letter. Messages from one
   * sender to one actor arrive in the order they were told.
   */
  tell(message: M, sender?: ActorRef<unknown>): void {
    this.owner.tell(this.address, message, sender);
  }

  /**
   * Sends `message` and waits for one reply: the value the actor's `receive` returns (or what it
   * tells `context.sender`). Pass a function to build the message around a typed `replyTo` ref.
   * Rejects with `AskTimeoutError`, `NoRespondersError`, `ActorNotFoundError`,
   * `SerializationError`, `PayloadTooLargeError`, `TransportClosedError`, or the error the actor
   * threw while handling it.
   */
  ask<R = unknown>(message: M | ((replyTo: ActorRef<R>) => M), options?: AskOptions): Promise<R> {
    return this.owner.ask(this.address, message, options) as Promise<R>;
  }

  /** True when `other` points at the same actor. */
  equals(other: ActorRef<unknown> | undefined): boolean {
    return other !== undefined && other.address.node === this.address.node && other.address.path === this.address.path;
  }

  /** The address as `armada://node/path`, for logs and errors. */
  toString(): string {
    return formatAddress(this.address);
  }

  /** Same as {@link ActorRef.toString}; a ref crosses the wire through the serializer, not JSON. */
  toJSON(): string {
    return this.toString();
  }
}
