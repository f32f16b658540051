import type { Clock, TimerHandle } from '../clock.js';

interface Timer {
  readonly at: number;
  readonly seq: number;
  readonly fn: () => void;
  cancelled: boolean;
}

/**
 * A clock that moves only when told to. Timers fire in deadline order (ties in creation order)
 * during {@link advance}, so timeouts, heartbeats and back-offs can be tested without waiting.
 */
export class SimulatedClock implements Clock {
  private time: number;
  private seq = 0;
  private timers: Timer[] = [];

  constructor(start = 0) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const timer: Timer = { at: this.time + Math.max(0, ms), seq: this.seq++, fn, cancelled: false };
    this.timers.push(timer);
    return timer;
  }

  clearTimeout(handle: TimerHandle): void {
    (handle as Timer).cancelled = true;
  }

  /** Number of timers still waiting to fire. */
  get pending(): number {
    return this.timers.filter((t) => !t.cancelled).length;
  }

  /**
   * Moves time forward by `ms`, firing every timer that falls due on the way (including timers
   * those timers set). Awaits a macrotask turn between timers so reactions to each can settle.
   */
  async advance(ms: number): Promise<void> {
    const until = this.time + ms;
    for (;;) {
      await new Promise<void>((r) => setImmediate(r));
      const next = this.nextDue(until);
      if (next === undefined) break;
      this.time = Math.max(this.time, next.at);
      next.cancelled = true;
      next.fn();
    }
    this.time = until;
    await new Promise<void>((r) => setImmediate(r));
  }

  private nextDue(until: number): Timer | undefined {
    this.timers = this.timers.filter((t) => !t.cancelled);
    let best: Timer | undefined;
    for (const t of this.timers) {
      if (t.at > until) continue;
      if (best === undefined || t.at < best.at || (t.at === best.at && t.seq < best.seq)) best = t;
    }
    return best;
  }
}
