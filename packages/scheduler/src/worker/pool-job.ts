import { JobTimeoutError, RetriesExhaustedError, TaskError, WorkerCrashedError } from '../errors.js';
import type { FunctionDef } from '../functions/function-def.js';
import type { BatchOutcome } from './executor.js';

/** What one `pmap` call asks of the pool. */
export interface PoolJobOptions {
  readonly maxRetries: number;
  readonly retryErrors: boolean;
  readonly timeoutMs: number | undefined;
  readonly progress: ((done: number, total: number | undefined) => void) | undefined;
}

/** Where a chunk ran, for error messages: a pool thread or the calling thread. */
export type Runner = string;

/**
 * One `pmap` call inside the pool: its inputs, which of them are still to run, its results, and
 * its promise. Hands out chunks (contiguous runs of indices, or one index alone when it is run
 * again after a thread died under it) and takes their outcomes; settles once every input has a
 * result, at the first failure, or at its time limit. Every result is taken once: an outcome for
 * a packet already answered, or after the job settled, is ignored.
 */
export class PoolJob {
  readonly promise: Promise<unknown[]>;
  readonly total: number;
  private readonly results: unknown[];
  private readonly answered: Uint8Array;
  private readonly attempts = new Map<number, number>();
  /** Packets to run again, each alone (their thread died, or user errors are retried). */
  private readonly again: number[] = [];
  private next = 0;
  private done = 0;
  private resolve!: (results: unknown[]) => void;
  private reject!: (error: Error) => void;
  private timer: NodeJS.Timeout | undefined;
  settled = false;
  /** Average run time of one packet, in ms; seeded from the last job of the same function. */
  avgMs: number | undefined;
  lastChunk = 0;
  /** Run time and packets of every chunk so far: the job's mean cost per packet, the seed of the next job. */
  private ranMs = 0;
  private ranPackets = 0;

  constructor(
    readonly def: FunctionDef,
    readonly inputs: readonly unknown[],
    readonly options: PoolJobOptions,
    avgMs: number | undefined,
    onTimeout: (job: PoolJob) => void,
  ) {
    this.total = inputs.length;
    this.results = new Array<unknown>(inputs.length);
    this.answered = new Uint8Array(inputs.length);
    this.avgMs = avgMs;
    this.promise = new Promise<unknown[]>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    if (options.timeoutMs !== undefined) {
      this.timer = setTimeout(() => {
        this.fail(new JobTimeoutError(options.timeoutMs!, this.done, this.total));
        onTimeout(this);
      }, options.timeoutMs);
    }
    if (this.total === 0) this.finish();
  }

  /** Mean run time of one packet over the whole job so far (the last chunks alone may be far off it); undefined before any ran. */
  get meanMs(): number | undefined {
    return this.ranPackets === 0 ? undefined : this.ranMs / this.ranPackets;
  }

  /** True while some packet has not been handed out. */
  get hasWork(): boolean {
    return !this.settled && (this.again.length > 0 || this.next < this.total);
  }

  /** Packets not yet handed out. */
  get left(): number {
    return this.again.length + this.total - this.next;
  }

  /** Up to `size` packets to run, in input order; a packet run again comes alone. Empty when there is nothing. */
  take(size: number): number[] {
    if (this.settled) return [];
    const alone = this.again.shift();
    if (alone !== undefined) return [alone];
    const end = Math.min(this.total, this.next + Math.max(1, size));
    const chunk: number[] = [];
    for (let i = this.next; i < end; i++) chunk.push(i);
    this.next = end;
    this.lastChunk = chunk.length;
    return chunk;
  }

  /** The outcome of a chunk from `runner`; user errors fail the job unless retried. */
  ran(chunk: readonly number[], outcome: BatchOutcome, runner: Runner): void {
    if (chunk.length > 0) {
      this.ranMs += outcome.ms;
      this.ranPackets += chunk.length;
      const perPacket = outcome.ms / chunk.length;
      this.avgMs = this.avgMs === undefined ? perPacket : 0.5 * this.avgMs + 0.5 * perPacket;
    }
    if (this.settled) return;
    for (let k = 0; k < chunk.length; k++) {
      const index = chunk[k]!;
      const o = outcome.outcomes[k]!;
      if (this.answered[index] === 1) continue;
      if (o.ok) {
        this.results[index] = o.value;
        this.answered[index] = 1;
        this.done++;
        continue;
      }
      const attempts = (this.attempts.get(index) ?? 0) + 1;
      if (this.options.retryErrors && attempts <= this.options.maxRetries) {
        this.attempts.set(index, attempts);
        this.again.push(index);
        continue;
      }
      this.fail(new TaskError(o.error.message, o.error.name, index, 'local', o.error.stack, runner));
      return;
    }
    try {
      this.options.progress?.(this.done, this.total);
    } catch (error) {
      // The caller's own callback threw: the call fails with what it threw.
      this.fail(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    if (this.done === this.total) this.finish();
  }

  /**
   * The thread died with `chunk` on it: every packet runs again alone. Only a packet that was
   * running alone (`running`: the chunk ran, rather than waited behind another) is charged.
   */
  crashed(chunk: readonly number[], error: Error, running: boolean): void {
    if (this.settled) return;
    for (const index of chunk) {
      if (this.answered[index] === 1) continue;
      const attempts = (this.attempts.get(index) ?? 0) + (running && chunk.length === 1 ? 1 : 0);
      this.attempts.set(index, attempts);
      if (attempts > this.options.maxRetries) {
        const cause = error instanceof WorkerCrashedError ? error : new WorkerCrashedError(error.message, error);
        this.fail(new RetriesExhaustedError(index, attempts, cause));
        return;
      }
      this.again.push(index);
    }
  }

  /** Rejects the call (once) and hands out nothing more. */
  fail(error: Error): void {
    if (this.settled) return;
    this.settled = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.reject(error);
  }

  private finish(): void {
    this.settled = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.resolve(this.results);
  }
}
