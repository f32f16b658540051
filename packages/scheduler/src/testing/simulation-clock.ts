import { SimulatedClock } from '@armada/actors/testkit';
import type { TimerHandle } from '@armada/actors';
import { MinHeap } from './min-heap.js';

interface Timer {
  readonly at: number;
  readonly seq: number;
  readonly fn: () => void;
  cancelled: boolean;
}

/**
 * A {@link SimulatedClock} that also knows when its next timer is due, so a driver can jump
 * straight to the next thing that happens instead of stepping through empty milliseconds.
 *
 * Same contract as `SimulatedClock` (timers fire in deadline order, ties in creation order, a
 * macrotask turn between timers), with its timers in a heap: a large simulated fleet has a timer
 * per agent and machine, and finding the next one must not cost a scan of them all.
 */
export class SimulationClock extends SimulatedClock {
  #time: number;
  #seq = 0;
  #live = 0;
  readonly #timers = new MinHeap<Timer>((a, b) => a.at < b.at || (a.at === b.at && a.seq < b.seq));

  constructor(start = 0) {
    super(start);
    this.#time = start;
  }

  override now(): number {
    return this.#time;
  }

  override setTimeout(fn: () => void, ms: number): TimerHandle {
    const timer: Timer = { at: this.#time + Math.max(0, ms), seq: this.#seq++, fn, cancelled: false };
    this.#timers.push(timer);
    this.#live++;
    return timer;
  }

  override clearTimeout(handle: TimerHandle): void {
    const timer = handle as Timer;
    if (timer.cancelled) return;
    timer.cancelled = true;
    this.#live--;
  }

  override get pending(): number {
    return this.#live;
  }

  override async advance(ms: number): Promise<void> {
    const until = this.#time + ms;
    for (;;) {
      await new Promise<void>((r) => setImmediate(r));
      const next = this.#top();
      if (next === undefined || next.at > until) break;
      this.#timers.pop();
      this.#time = Math.max(this.#time, next.at);
      next.cancelled = true;
      this.#live--;
      next.fn();
    }
    this.#time = until;
    await new Promise<void>((r) => setImmediate(r));
  }

  /** When the earliest pending timer is due; undefined when none is pending. */
  nextTimerAt(): number | undefined {
    return this.#top()?.at;
  }

  /** The earliest timer not cancelled; cancelled ones are dropped on the way. */
  #top(): Timer | undefined {
    for (;;) {
      const t = this.#timers.peek();
      if (t === undefined || !t.cancelled) return t;
      this.#timers.pop();
    }
  }
}
