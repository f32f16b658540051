import { ClusterClosedError } from '../errors.js';
import { compileFunction, type CompiledFunction } from '../functions/compile-function.js';
import type { FunctionDef } from '../functions/function-def.js';
import { PoolJob, type PoolJobOptions } from './pool-job.js';
import { runBatch } from './run-batch.cjs';
import { neverStarted, ThreadExecutor } from './thread-executor.js';

const DEFAULTS = {
  /** Run time aimed at per chunk: long enough that a message per chunk costs little, short enough for an even tail. */
  targetChunkMs: 3,
  /** Chunks queued per thread: one runs while the next waits in the thread, so it never idles on the caller. */
  depth: 2,
  /** The calling thread's turn while threads start, before it looks at their messages again. */
  inlineSliceMs: 3,
  /** Per-packet costs remembered, by function hash, so the next job of a function starts with warm chunk sizes. */
  costCapacity: 256,
  /** Largest chunk, whatever the estimate. */
  maxChunk: 65_536,
} as const;

/** Tunables of a {@link ThreadPool}; all optional. */
export type ThreadPoolOptions = Partial<typeof DEFAULTS>;

interface Slot {
  /** Made when the slot's turn to start comes (see `grow`); set whenever `ready` is. */
  executor: ThreadExecutor | undefined;
  /** Settles once the thread is up (or failed to start). */
  up: Promise<void>;
  readonly name: string;
  ready: boolean;
  inFlight: number;
  /** The chunks queued on the thread, oldest (the one running) first. */
  readonly queued: Array<{ readonly job: PoolJob; readonly chunk: number[] }>;
}

/**
 * Local worker threads that run the jobs of `pmap`, started once and reused by every call. Threads
 * start one after the other (see `grow`) and do not keep the process alive while idle (an executor refs its thread only
 * while a run is pending), so a program exits when its work is done without closing the pool.
 *
 * Scheduling: each thread has up to `depth` chunks queued (one running, one waiting); chunks take
 * about `targetChunkMs` at the job's measured cost per packet (seeded from the last job of the same
 * function, else grown from one packet), and never more than a share of what is left, so the tail
 * ends evenly. While any thread is still starting, the calling thread runs chunks itself between
 * looking at the threads' messages: a short call does not wait for thread start-up. (A packet that
 * exits the process or never ends does so on the calling thread then, as under `map`; a job with a
 * time limit is never run there.)
 */
export class ThreadPool {
  private readonly slots: Slot[] = [];
  private readonly jobs: PoolJob[] = [];
  private readonly costs = new Map<string, number>();
  private readonly compiled = new Map<string, CompiledFunction>();
  private readonly settings: typeof DEFAULTS;
  /** Jobs the calling thread is taking chunks of. */
  private readonly inline = new Set<PoolJob>();
  private closed = false;

  constructor(threads: number, options: ThreadPoolOptions = {}) {
    this.settings = { ...DEFAULTS, ...options };
    this.grow(threads);
  }

  /** Threads in the pool. */
  get size(): number {
    return this.slots.length;
  }

  /**
   * Adds threads up to `threads`, each started once the one before it is up: on a host with few
   * cores, threads booting together slow each other and the calling thread, which runs packets
   * meanwhile, so the first is up sooner alone.
   */
  grow(threads: number): void {
    let previous = this.slots.at(-1)?.up ?? Promise.resolve();
    while (this.slots.length < threads) {
      const slot: Slot = { executor: undefined, up: Promise.resolve(), name: `pmap-${this.slots.length}`, ready: false, inFlight: 0, queued: [] };
      slot.up = previous.then(() => this.boot(slot));
      previous = slot.up;
      this.slots.push(slot);
    }
  }

  private async boot(slot: Slot): Promise<void> {
    if (this.closed) return;
    const executor = new ThreadExecutor({ name: slot.name });
    slot.executor = executor;
    // A thread that cannot start is retried by its first run, which reports the failure.
    await executor.ready().catch(() => undefined);
    slot.ready = true;
    this.pump();
  }

  /**
   * Runs `def` on every input, growing the pool to `threads` threads first, and resolves with the
   * results in input order, each exactly once. Rejects as `PoolJob` says, or with
   * `ClusterClosedError` when the pool is closed first.
   */
  run(def: FunctionDef, inputs: readonly unknown[], threads: number, options: PoolJobOptions): Promise<unknown[]> {
    if (this.closed) return Promise.reject(new ClusterClosedError());
    this.grow(threads);
    const job = new PoolJob(def, inputs, options, this.costs.get(def.hash), (timedOut) => this.stopJob(timedOut));
    if (!job.settled) {
      this.jobs.push(job);
      const forget = () => this.forget(job);
      job.promise.then(forget, forget);
      this.pump();
      // Not with a time limit: a packet on this thread could not be stopped.
      if (options.timeoutMs === undefined && this.slots.some((s) => !s.ready)) void this.runInline(job);
    }
    return job.promise;
  }

  /** Resolves once every thread has started (or failed to). */
  async ready(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.up));
  }

  /** Terminates every thread; pending calls reject with `ClusterClosedError`. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const job of this.jobs.splice(0)) job.fail(new ClusterClosedError());
    await Promise.all(this.slots.map((s) => s.executor?.close()));
  }

  private forget(job: PoolJob): void {
    const at = this.jobs.indexOf(job);
    if (at >= 0) this.jobs.splice(at, 1);
    const mean = job.meanMs;
    if (mean !== undefined) {
      this.costs.delete(job.def.hash);
      if (this.costs.size >= this.settings.costCapacity) this.costs.delete(this.costs.keys().next().value as string);
      this.costs.set(job.def.hash, mean);
    }
  }

  /** Packets for the next chunk of `job` among `workers` runners. */
  private chunkSize(job: PoolJob, workers: number): number {
    const s = this.settings;
    const timed = job.avgMs === undefined ? 1 : Math.floor(s.targetChunkMs / Math.max(job.avgMs, 1e-4));
    // Cold, grow at most fourfold per chunk, as a first guess may be far off.
    const grown = job.avgMs === undefined || job.lastChunk === 0 ? timed : Math.min(timed, Math.max(1, job.lastChunk * 4));
    const share = Math.ceil(job.left / (workers * s.depth));
    return Math.max(1, Math.min(s.maxChunk, grown, share));
  }

  /** Fills every ready thread up to `depth` queued chunks, oldest job first. */
  private pump(): void {
    if (this.closed) return;
    for (const slot of this.slots) {
      while (slot.ready && slot.inFlight < this.settings.depth) {
        const job = this.jobs.find((j) => j.hasWork);
        if (job === undefined) return;
        this.dispatch(slot, job, job.take(this.chunkSize(job, this.slots.length)));
      }
    }
  }

  private dispatch(slot: Slot, job: PoolJob, chunk: number[]): void {
    slot.inFlight++;
    const queued = { job, chunk };
    slot.queued.push(queued);
    const dequeue = (): void => {
      slot.inFlight--;
      slot.queued.splice(slot.queued.indexOf(queued), 1);
    };
    const args = chunk.map((i) => job.inputs[i]);
    slot.executor!.run(job.def, args).then(
      (outcome) => {
        dequeue();
        job.ran(chunk, outcome, `thread ${slot.name}`);
        this.pump();
      },
      (error: Error) => {
        dequeue();
        // Arguments that cannot be cloned fail the call; a dead thread's packets run again, and
        // only the chunk that was running when it died can be to blame.
        if (error.name === 'InvalidArgumentError') job.fail(error);
        else job.crashed(chunk, error, !neverStarted(error));
        this.pump();
      },
    );
  }

  /** The calling thread takes chunks of `job` while some thread is still starting. */
  private async runInline(job: PoolJob): Promise<void> {
    if (this.inline.has(job)) return;
    this.inline.add(job);
    try {
      let fn = this.compiled.get(job.def.hash);
      if (fn === undefined) {
        fn = compileFunction(job.def);
        this.compiled.clear();
        this.compiled.set(job.def.hash, fn);
      }
      while (!this.closed && job.hasWork && this.slots.some((s) => !s.ready)) {
        const sliceEnd = performance.now() + this.settings.inlineSliceMs;
        while (job.hasWork && performance.now() < sliceEnd) {
          const chunk = job.take(this.chunkSize(job, this.slots.length + 1));
          job.ran(chunk, await runBatch(fn, chunk.map((i) => job.inputs[i])), 'the calling thread');
        }
        if (!job.hasWork) break;
        // Lets the threads' `ready` and results in.
        await new Promise((resolve) => setImmediate(resolve));
      }
    } catch {
      // Not compiled here (a module function): the threads run it all.
    } finally {
      this.inline.delete(job);
    }
  }

  /** A job ran out of time: its chunks still running stop with their threads (a runaway loop included). */
  private stopJob(job: PoolJob): void {
    for (const slot of this.slots) if (slot.queued.some((q) => q.job === job)) void slot.executor?.stop();
  }
}
