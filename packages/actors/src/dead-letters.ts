import type { ActorRef } from './actor-ref.js';
import type { Address } from './ids.js';
import type { Logger } from './logger.js';

/** A message that could not be delivered, with the reason. */
export interface DeadLetter {
  /** Where the message was going. */
  readonly recipient: Address;
  /** The message, as it was sent. */
  readonly message: unknown;
  /** Who sent it, when known. */
  readonly sender: ActorRef<unknown> | undefined;
  /** Why it was not delivered (`no actor`, `mailbox full`, ...). */
  readonly reason: string;
}

/** Where undeliverable messages go. Subscribers see every dead letter of the system. */
export class DeadLetters {
  private readonly listeners = new Set<(letter: DeadLetter) => void>();
  private total = 0;

  constructor(private readonly log: Logger) {}

  /** How many dead letters this system has seen. */
  get count(): number {
    return this.total;
  }

  /** Calls `listener` for each dead letter from now on; returns the unsubscribe function. */
  subscribe(listener: (letter: DeadLetter) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** @internal */
  /** Hands `letter` to every subscriber, synchronously; a subscriber that throws is logged and skipped. */
  publish(letter: DeadLetter): void {
    this.total++;
    this.log.debug('dead letter', { to: `${letter.recipient.node}${letter.recipient.path}`, reason: letter.reason });
    for (const listener of this.listeners) {
      try {
        listener(letter);
      } catch (error) {
        this.log.warn('dead-letter listener threw', { error });
      }
    }
  }
}
