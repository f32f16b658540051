/** What a full mailbox does with one more message. */
export const OverflowPolicy = {
  /** Refuse the new message: it becomes a dead letter (an ask rejects with `MailboxFullError`). */
  DropNew: 'drop-new',
  /** Make room by dropping the oldest queued message (to dead letters); accept the new one. */
  DropOldest: 'drop-oldest',
} as const;
export type OverflowPolicy = (typeof OverflowPolicy)[keyof typeof OverflowPolicy];

/** Mailbox settings of one actor. */
export interface MailboxOptions {
  /** Most messages queued at once. Default 100,000. */
  capacity?: number;
  /** What happens past `capacity`. Default `drop-new`. */
  overflow?: OverflowPolicy;
}

export const MAILBOX_DEFAULTS: Required<MailboxOptions> = { capacity: 100_000, overflow: OverflowPolicy.DropNew };

/** A FIFO queue with O(1) push and shift. */
export class Mailbox<T> {
  private items: (T | undefined)[] = [];
  private head = 0;

  get size(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head];
    this.items[this.head++] = undefined;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  /** Removes and returns everything queued. */
  drain(): T[] {
    const rest = this.items.slice(this.head) as T[];
    this.items = [];
    this.head = 0;
    return rest;
  }
}
