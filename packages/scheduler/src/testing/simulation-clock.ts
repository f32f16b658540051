import { SimulatedClock } from '@armada/actors/testkit';
import type { TimerHandle } from '@armada/actors';

/**
 * A {@link SimulatedClock} that also knows when its next timer is due, so a driver can jump
 * straight to the next thing that happens instead of stepping through empty milliseconds.
 */
export class SimulationClock extends SimulatedClock {
  private readonly due = new Map<TimerHandle, number>();

  override setTimeout(fn: () => void, ms: number): TimerHandle {
    const at = this.now() + Math.max(0, ms);
    const handle: TimerHandle = super.setTimeout(() => {
      this.due.delete(handle);
      fn();
    }, ms);
    this.due.set(handle, at);
    return handle;
  }

  override clearTimeout(handle: TimerHandle): void {
    this.due.delete(handle);
    super.clearTimeout(handle);
  }

  /** When the earliest pending timer is due; undefined when none is pending. */
  nextTimerAt(): number | undefined {
    let next: number | undefined;
    for (const at of this.due.values()) if (next === undefined || at < next) next = at;
    return next;
  }
}
