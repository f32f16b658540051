import type { Clock, TimerHandle } from './clock.js';

/**
 * Deadlines of pending requests, on one clock timer instead of one timer per request. Requests
 * are grouped by their timeout, so each group is already in deadline order and expiring is a walk
 * from its head; removing a settled request is one map delete.
 */
export class Deadlines {
  /** timeoutMs → (id → deadline), each map in insertion (= deadline) order. */
  private readonly groups = new Map<number, Map<string, number>>();
  private timer: TimerHandle | undefined;
  private armedFor = Infinity;

  constructor(
    private readonly clock: Clock,
    private readonly expire: (id: string, timeoutMs: number) => void,
  ) {}

  /** Expires `id` once `timeoutMs` have passed, unless it is removed first. */
  add(id: string, timeoutMs: number): void {
    const deadline = this.clock.now() + timeoutMs;
    let group = this.groups.get(timeoutMs);
    if (group === undefined) this.groups.set(timeoutMs, (group = new Map()));
    group.set(id, deadline);
    if (deadline < this.armedFor) this.arm(deadline);
  }

  /** Forgets `id`; its timer, if it was the earliest, fires later and finds nothing to do. */
  remove(id: string, timeoutMs: number): void {
    this.groups.get(timeoutMs)?.delete(id);
  }

  /** Forgets everything and stops the timer. */
  clear(): void {
    this.groups.clear();
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.armedFor = Infinity;
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
      for (const [id, deadline] of group) {
        if (deadline > now) {
          next = Math.min(next, deadline);
          break;
        }
        group.delete(id);
        this.expire(id, timeoutMs);
      }
      if (group.size === 0) this.groups.delete(timeoutMs);
    }
    if (next < this.armedFor) this.arm(next);
  }
}
