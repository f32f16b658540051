import type { Clock, TimerHandle } from './clock.js';

/** Something that expires: {@link Deadlines} sets `deadline` and `done`; the owner reads them. */
export interface Timed {
  readonly timeoutMs: number;
  /** When it expires, in the clock's milliseconds; set by {@link Deadlines.add}. */
  deadline: number;
  /** Removed or expired; a done item is never expired (again). */
  done: boolean;
}

/** The items of one timeout, in insertion (= deadline) order, with the settled ones left in place. */
interface Group<T> {
  items: (T | undefined)[];
  head: number;
  /** Items not yet done. */
  live: number;
}

/** Past this many slots, a group's array is compacted when at most half of it is live. */
const COMPACT_AT = 1024;

/**
 * Deadlines of pending requests, on one clock timer instead of one timer per request. Items are
 * grouped by their timeout, so each group is already in deadline order and expiring is a walk
 * from its head. Removing marks the item done; done items at a group's head are dropped at once
 * and the others when at most half of the group is live, so add and remove cost O(1) amortised
 * without hashing, and memory stays within twice the live items (plus a constant).
 */
export class Deadlines<T extends Timed> {
  private readonly groups = new Map<number, Group<T>>();
  private timer: TimerHandle | undefined;
  private armedFor = Infinity;

  constructor(
    private readonly clock: Clock,
    private readonly expire: (item: T) => void,
  ) {}

  /** Expires `item` once its `timeoutMs` have passed, unless it is removed first. */
  add(item: T): void {
    const deadline = this.clock.now() + item.timeoutMs;
    item.deadline = deadline;
    item.done = false;
    let group = this.groups.get(item.timeoutMs);
    if (group === undefined) this.groups.set(item.timeoutMs, (group = { items: [], head: 0, live: 0 }));
    group.items.push(item);
    group.live++;
    if (deadline < this.armedFor) this.arm(deadline);
  }

  /** Forgets `item` (a no-op when already done); its timer, if it was the earliest, fires later and finds nothing to do. */
  remove(item: T): void {
    if (item.done) return;
    item.done = true;
    const group = this.groups.get(item.timeoutMs);
    if (group === undefined) return;
    group.live--;
    this.trim(group);
  }

  /** Forgets everything and stops the timer. */
  clear(): void {
    for (const group of this.groups.values()) for (let i = group.head; i < group.items.length; i++) group.items[i]!.done = true;
    this.groups.clear();
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.armedFor = Infinity;
  }

  private trim(group: Group<T>): void {
    const items = group.items;
    while (group.head < items.length && items[group.head]!.done) items[group.head++] = undefined;
    const size = items.length - group.head;
    if (size > COMPACT_AT && size > 2 * group.live) {
      group.items = items.filter((item, i) => i >= group.head && !item!.done);
      group.head = 0;
    } else if (group.head > COMPACT_AT && group.head * 2 > items.length) {
      group.items = items.slice(group.head);
      group.head = 0;
    } else if (group.head === items.length) {
      items.length = 0;
      group.head = 0;
    }
  }

  private arm(deadline: number): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.armedFor = deadline;
    this.timer = this.clock.setTimeout(() => this.fire(), Math.max(0, deadline - this.clock.now()));
  }

  private fire(): void {
    this.timer = undefined;
    this.armedFor = Infinity;
    const now = this.clock.now();
    let next = Infinity;
    for (const [timeoutMs, group] of this.groups) {
      // `expire` may remove other items, and so reshape the group: take the item out first and
      // read the group afresh each time.
      while (group.head < group.items.length) {
        const item = group.items[group.head]!;
        if (!item.done && item.deadline > now) {
          next = Math.min(next, item.deadline);
          break;
        }
        group.items[group.head++] = undefined;
        if (item.done) continue;
        item.done = true;
        group.live--;
        this.expire(item);
      }
      this.trim(group);
      if (group.live === 0 && group.head === group.items.length) this.groups.delete(timeoutMs);
    }
    if (next < this.armedFor) this.arm(next);
  }
}
