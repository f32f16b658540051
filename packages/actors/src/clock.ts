/** An opaque handle returned by {@link Clock.setTimeout}. */
export type TimerHandle = { readonly __timer: true } | object;

/**
 * The source of time for an actor system. Everything that waits (ask timeouts, restart windows,
 * heartbeats) goes through it, so tests can swap in `SimulatedClock` and drive time by hand.
 */
export interface Clock {
  /** Milliseconds since an arbitrary origin; never goes backwards. */
  now(): number;
  /** Calls `fn` once, after at least `ms` milliseconds. */
  setTimeout(fn: () => void, ms: number): TimerHandle;
  /** Cancels a timer; a no-op for a timer that already fired. */
  clearTimeout(handle: TimerHandle): void;
}

/** The real clock: `performance.now()` and Node's timers. */
export class SystemClock implements Clock {
  now(): number {
    return performance.now();
  }
  setTimeout(fn: () => void, ms: number): TimerHandle {
    return setTimeout(fn, ms);
  }
  clearTimeout(handle: TimerHandle): void {
    clearTimeout(handle as NodeJS.Timeout);
  }
}
