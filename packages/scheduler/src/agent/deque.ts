/**
 * A double-ended queue on a growable ring buffer: O(1) push and shift at both ends, which the
 * agent needs to run from the head and give away from the tail.
 */
export class Deque<T> {
  private items: (T | undefined)[] = new Array(16);
  private head = 0;
  private count = 0;

  get length(): number {
    return this.count;
  }

  push(item: T): void {
    if (this.count === this.items.length) this.grow();
    this.items[(this.head + this.count) & (this.items.length - 1)] = item;
    this.count++;
  }

  unshift(item: T): void {
    if (this.count === this.items.length) this.grow();
    this.head = (this.head - 1) & (this.items.length - 1);
    this.items[this.head] = item;
    this.count++;
  }

  shift(): T | undefined {
    if (this.count === 0) return undefined;
    const item = this.items[this.head];
    this.items[this.head] = undefined;
    this.head = (this.head + 1) & (this.items.length - 1);
    this.count--;
    return item;
  }

  /** The item `i` places from the head (0 is the head). */
  at(i: number): T | undefined {
    return i < 0 || i >= this.count ? undefined : this.items[(this.head + i) & (this.items.length - 1)];
  }

  /** Removes and returns the items for which `take` is true, scanning from the tail, at most `max`; keeps the others in order. */
  takeFromTail(max: number, take: (item: T) => boolean): T[] {
    const taken: T[] = [];
    const kept: T[] = [];
    while (this.count > 0 && taken.length < max) {
      const tail = this.popTail()!;
      if (take(tail)) taken.push(tail);
      else kept.push(tail);
    }
    for (let i = kept.length - 1; i >= 0; i--) this.push(kept[i]!);
    return taken.reverse();
  }

  /** Removes every item for which `drop` is true, keeping the order of the others. */
  remove(drop: (item: T) => boolean): T[] {
    const removed: T[] = [];
    const n = this.count;
    for (let i = 0; i < n; i++) {
      const item = this.shift()!;
      if (drop(item)) removed.push(item);
      else this.push(item);
    }
    return removed;
  }

  *[Symbol.iterator](): IterableIterator<T> {
    for (let i = 0; i < this.count; i++) yield this.at(i)!;
  }

  private popTail(): T | undefined {
    if (this.count === 0) return undefined;
    const i = (this.head + this.count - 1) & (this.items.length - 1);
    const item = this.items[i];
    this.items[i] = undefined;
    this.count--;
    return item;
  }

  private grow(): void {
    const bigger: (T | undefined)[] = new Array(this.items.length * 2);
    for (let i = 0; i < this.count; i++) bigger[i] = this.at(i);
    this.items = bigger;
    this.head = 0;
  }
}
