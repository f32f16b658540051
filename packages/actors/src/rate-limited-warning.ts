import type { Logger } from './logger.js';

/** Tunables of a {@link RateLimitedWarning}, merged over {@link RATE_LIMITED_WARNING_DEFAULTS}. */
export interface RateLimitedWarningOptions {
  /** Warnings written one by one per interval. */
  readonly burst?: number;
  /** Length of an interval, in milliseconds. */
  readonly intervalMs?: number;
  /** Runs `fn` after `ms`; default an unref'd `setTimeout`, so a pending summary never keeps the process alive. */
  readonly setTimer?: (fn: () => void, ms: number) => void;
}

export const RATE_LIMITED_WARNING_DEFAULTS = {
  burst: 5,
  intervalMs: 10_000,
  setTimer: (fn: () => void, ms: number) => void setTimeout(fn, ms).unref(),
} as const;

/**
 * One warning that may come in floods (bad input from the network): the first `burst` of an
 * interval are written as they come, the rest are counted and written as one summary line at the
 * end of the interval (`<message>: <n> more in the last <s> s`). So a storm of any size writes at
 * most `burst + 1` lines per interval, and every occurrence is in a line or a count.
 */
export class RateLimitedWarning {
  private readonly burst: number;
  private readonly intervalMs: number;
  private readonly setTimer: (fn: () => void, ms: number) => void;
  private inInterval = 0;
  private suppressed = 0;
  private open = false;

  constructor(
    private readonly log: Logger,
    private readonly message: string,
    options: RateLimitedWarningOptions = {},
  ) {
    const o = { ...RATE_LIMITED_WARNING_DEFAULTS, ...options };
    this.burst = o.burst;
    this.intervalMs = o.intervalMs;
    this.setTimer = o.setTimer;
  }

  /** Writes the warning with `fields`, or counts it for the interval's summary. */
  warn(fields?: Record<string, unknown>): void {
    if (!this.open) {
      this.open = true;
      this.setTimer(() => this.close(), this.intervalMs);
    }
    if (++this.inInterval <= this.burst) this.log.warn(this.message, fields);
    else this.suppressed++;
  }

  private close(): void {
    const suppressed = this.suppressed;
    this.open = false;
    this.inInterval = 0;
    this.suppressed = 0;
    if (suppressed > 0) this.log.warn(`${this.message}: ${suppressed} more in the last ${this.intervalMs / 1000} s`, { count: suppressed });
  }
}
