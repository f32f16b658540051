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

/** An end of the inputs not yet handed out: `front` hands out the lowest indices, `back` the highest. */
export type End = 'front' | 'back';

/** The pace measured at one end of a job. */
export interface EndPace {
  /** Average run time of one packet taken from this end, in ms; undefined before any ran. */
  avgMs: number | undefined;
  /** Packets in the last chunk taken from this end; 0 before any. */
  lastChunk: number;
}

/**
 * One `pmap` call inside the pool: its inputs, which of them are still to run, its results, and
 * its promise. Hands out chunks (contiguous runs of indices, or one index alone when it is run
 * again after a thread died under it) from either end of the inputs not yet handed out, and takes
 * their outcomes; settles once every input has a result, at the first failure, or at its time
 * limit. Every result is taken once: an outcome for a packet already answered, or after the job
 * settled, is ignored.
 *
 * Each end keeps its own cost per packet: where cost varies with the index (the last inputs
 * heaviest, say), the two ends of one job can differ many times over.
 */
export class PoolJob {
  readonly promise: Promise<unknown[]>;
  readonly total: number;
  private readonly results: unknown[];
  private readonly answered: Uint8Array;
  private readonly attempts = new Map<number, number>();
  /** Packets to run again, each alone (their thread died, or user errors are retried). */
  private readonly again: number[] = [];
  /** Packets `next` up to `end` (exclusive) have not been handed out. */
  private next = 0;
  private end: number;
  private done = 0;
  private resolve!: (results: unknown[]) => void;
  private reject!: (error: Error) => void;
  private timer: NodeJS.Timeout | undefined;
  settled = false;
  /** The front's pace is seeded from the last job of the same function; the back's is measured. */
  readonly pace: Record<End, EndPace>;
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
    this.end = inputs.length;
    this.pace = { front: { avgMs, lastChunk: 0 }, back: { avgMs: undefined, lastChunk: 0 } };
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

  /**
   * Run time of the packets not yet handed out, in ms, at the pace of the dearer end (the cheap
   * end of a job whose cost grows with the index would make it look nearly done); undefined
   * before any chunk ran.
   */
  get leftMs(): number | undefined {
    const { front, back } = this.pace;
    if (front.avgMs === undefined && back.avgMs === undefined) return undefined;
    return this.left * Math.max(front.avgMs ?? 0, back.avgMs ?? 0);
  }

  /** True while some packet has not been handed out. */
  get hasWork(): boolean {
    return !this.settled && (this.again.length > 0 || this.next < this.end);
  }

  /** Packets not yet handed out. */
  get left(): number {
    return this.again.length + this.end - this.next;
  }

  /**
   * Up to `size` contiguous packets from end `from` (a back chunk is the highest indices, still in
   * input order); a packet run again comes alone, first. Empty when there is nothing.
   */
  take(size: number, from: End = 'front'): number[] {
    if (this.settled) return [];
    const alone = this.again.shift();
    if (alone !== undefined) return [alone];
    const n = Math.min(this.end - this.next, Math.max(1, size));
    const first = from === 'front' ? this.next : this.end - n;
    const chunk: number[] = new Array<number>(n);
    for (let k = 0; k < n; k++) chunk[k] = first + k;
    if (from === 'front') this.next += n;
    else this.end -= n;
    this.pace[from].lastChunk = n;
    return chunk;
  }

  /** The outcome of a chunk from `runner`, taken from end `from`; user errors fail the job unless retried. */
  ran(chunk: readonly number[], outcome: BatchOutcome, runner: Runner, from: End = 'front'): void {
    if (chunk.length > 0) {
      this.ranMs += outcome.ms;
      this.ranPackets += chunk.length;
      const perPacket = outcome.ms / chunk.length;
      const pace = this.pace[from];
      pace.avgMs = pace.avgMs === undefined ? perPacket : 0.5 * pace.avgMs + 0.5 * perPacket;
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
