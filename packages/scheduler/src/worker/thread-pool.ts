import { ClusterClosedError } from '../errors.js';
import { compileFunction, type CompiledFunction } from '../functions/compile-function.js';
import type { FunctionDef } from '../functions/function-def.js';
import { PoolJob, type End, type PoolJobOptions } from './pool-job.js';
import { runBatch } from './run-batch.cjs';
import { neverStarted } from './executor.js';
import { ThreadExecutor } from './thread-executor.js';

const DEFAULTS = {
  /** Run time aimed at per chunk: long enough that a message per chunk costs little, short enough for an even tail. */
  targetChunkMs: 3,
  /** Chunks queued per thread: one runs while the next waits in the thread, so it never idles on the caller. */
  depth: 2,
  /** The calling thread's turn while the pool is not up, before it looks at the threads' messages again. */
  inlineSliceMs: 2,
  /** Run time aimed at per chunk on the calling thread once a thread has started: short, so it stops soon after its front meets the threads' back. */
  inlineChunkMs: 1,
  /**
   * A thread starts during a job (see `eagerBelow` for the first) only while the work left per
   * runner is at least this many times a thread's start-up: one that comes up as the job ends is
   * pure loss, and its start-up takes a core from the runners meanwhile.
   */
  payoff: 2,
  /** A thread's start-up time assumed until one has started in this pool, in ms (45-60 ms of CPU on Node 20). */
  bootMs: 50,
  /**
   * A first job of fewer packets starts the first thread at once: one packet may be much of such
   * a job, and this thread, once inside a packet, cannot start one. A longer job starts it when
   * its first packets show it pays (see `payoff`).
   */
  eagerBelow: 64,
  /** What a thread's first packet of a job is taken to cost until measured (see `backChunkSize`). */
  firstPacketMs: 3,
  /** Per-packet costs remembered, by function hash, so the next job of a function starts with warm chunk sizes. */
  costCapacity: 256,
  /** Largest chunk, whatever the estimate. */
  maxChunk: 65_536,
} as const;

/**
 * The function the calling thread last compiled, by hash: kept across pools (it belongs to this
 * thread, not to a pool's threads), so a new pool does not start it again unoptimised.
 */
const callerCompiled = new Map<string, CompiledFunction>();

/** Tunables of a {@link ThreadPool}; all optional. */
export type ThreadPoolOptions = Partial<typeof DEFAULTS>;

interface Slot {
  /** Made when the slot's thread is started (see `startNext`); set whenever `ready` is. */
  executor: ThreadExecutor | undefined;
  /** Settles once the thread is up (or failed to start); undefined until it is started. */
  up: Promise<void> | undefined;
  readonly name: string;
  ready: boolean;
  inFlight: number;
  /** The chunks queued on the thread, oldest (the one running) first. */
  readonly queued: Array<{ readonly job: PoolJob; readonly chunk: number[] }>;
}

/**
 * Local worker threads that run the jobs of `pmap`, started lazily and reused by every call.
 * Threads do not keep the process alive while idle (an executor refs its thread only while a run
 * is pending), so a program exits when its work is done without closing the pool.
 *
 * Start-up: one thread at a time, as threads booting together on a host with few cores slow each
 * other and the calling thread, which runs packets meanwhile. A call starts the next thread at
 * once when it finds the pool short and no thread starting (one per call), except the pool's
 * first call when it is a job of `eagerBelow` packets or more that this thread helps with;
 * `ready` starts them all; and while jobs run, the next thread starts when their work left per
 * runner is worth `payoff` times a thread's start-up. So a short first call starts no thread at
 * all (a thread up after the job ends is pure loss, and its start-up takes a core the caller may
 * need), a long one starts them as soon as its first packets show it pays, and later calls start
 * the rest.
 *
 * Scheduling: each thread has up to `depth` chunks queued (one running, one waiting); chunks take
 * about `targetChunkMs` at the measured cost per packet (seeded from the last job of the same
 * function, else grown from one packet), and never more than a share of what is left, so the tail
 * ends evenly. While the pool is not fully up, the calling thread runs short chunks itself from
 * the front of the job and the threads take theirs from the back (to the job's end), each only
 * as much as it will likely finish within its share of the time left (see `backChunkSize`): a
 * thread that comes up late, still slow on its first packets, does not hold the caller up with a
 * heavy chunk, and the two ends meet with chunks that shrink as the job ends. (A packet that
 * exits the process or never ends does so on the calling thread then, as under `map`; a job with
 * a time limit is never run there.)
 */
export class ThreadPool {
  private readonly slots: Slot[] = [];
  private readonly jobs: PoolJob[] = [];
  private readonly costs = new Map<string, number>();
  private readonly settings: typeof DEFAULTS;
  /** Jobs the calling thread is taking chunks of. */
  private readonly inline = new Set<PoolJob>();
  /** Jobs the calling thread took part in: their threads take chunks from the back to the end. */
  private readonly shared = new WeakSet<PoolJob>();
  /** The slot whose thread is starting, if any. */
  private starting: Slot | undefined;
  /** How long the last thread took to start, in ms. */
  private bootMs: number;
  private closed = false;
  /** Calls of `run` so far: only the first may leave the first thread to `startIfWorth`. */
  private calls = 0;

  constructor(threads: number, options: ThreadPoolOptions = {}) {
    this.settings = { ...DEFAULTS, ...options };
    this.bootMs = this.settings.bootMs;
    this.grow(threads);
  }

  /** Threads in the pool, started or not. */
  get size(): number {
    return this.slots.length;
  }

  /** Threads started (up or starting). */
  get started(): number {
    return this.slots.filter((s) => s.executor !== undefined).length;
  }

  /** Makes the pool `threads` threads large; they start as the class says. */
  grow(threads: number): void {
    while (this.slots.length < threads) {
      this.slots.push({ executor: undefined, up: undefined, name: `pmap-${this.slots.length}`, ready: false, inFlight: 0, queued: [] });
    }
  }

  /** Starts the next thread not started, unless one is starting. */
  private startNext(): void {
    if (this.closed || this.starting !== undefined) return;
    const slot = this.slots.find((s) => s.executor === undefined);
    if (slot === undefined) return;
    this.starting = slot;
    const began = performance.now();
    const executor = new ThreadExecutor({ name: slot.name });
    slot.executor = executor;
    // A thread that cannot start is retried by its first run, which reports the failure.
    slot.up = executor
      .ready()
      .catch(() => undefined)
      .then(() => {
        this.bootMs = performance.now() - began;
        this.starting = undefined;
        slot.ready = true;
        this.pump();
      });
  }

  /** Starts the next thread when the work left per runner is worth `payoff` times a thread's start-up. */
  private startIfWorth(): void {
    if (this.starting !== undefined || this.closed) return;
    let leftMs = 0;
    for (const job of this.jobs) leftMs += job.leftMs ?? 0;
    if (leftMs > 0 && leftMs / Math.max(1, this.runners) >= this.settings.payoff * this.bootMs) this.startNext();
  }

  /** True when every thread is up. */
  private get full(): boolean {
    return this.slots.every((s) => s.ready);
  }

  /**
   * Runs `def` on every input, growing the pool to `threads` threads first, and resolves with the
   * results in input order, each exactly once. Rejects as `PoolJob` says, or with
   * `ClusterClosedError` when the pool is closed first.
   */
  run(def: FunctionDef, inputs: readonly unknown[], threads: number, options: PoolJobOptions): Promise<unknown[]> {
    if (this.closed) return Promise.reject(new ClusterClosedError());
    this.grow(threads);
    // Not with a time limit: a packet on this thread could not be stopped.
    const helped = options.timeoutMs === undefined && !this.full;
    if (!helped || this.calls++ > 0 || inputs.length < this.settings.eagerBelow) this.startNext();
    const job = new PoolJob(def, inputs, options, this.costs.get(def.hash), (timedOut) => this.stopJob(timedOut));
    if (!job.settled) {
      this.jobs.push(job);
      const forget = () => this.forget(job);
      job.promise.then(forget, forget);
      if (helped) this.shared.add(job);
      this.pump();
      if (helped) void this.runInline(job);
    }
    return job.promise;
  }

  /** Resolves once the threads started so far are up (or failed to start); starts none. */
  async up(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.up));
  }

  /** Starts every thread not started yet, one after the other, and resolves once all are up (or failed to start). */
  async ready(): Promise<void> {
    for (;;) {
      if (this.starting === undefined) this.startNext();
      const starting = this.starting;
      if (starting === undefined) break;
      await starting.up;
    }
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

  /** Packets for the next chunk of `job` from end `from`, worth about `targetMs` at that end's pace, among `runners`. */
  private chunkSize(job: PoolJob, from: End, runners: number, targetMs: number): number {
    const s = this.settings;
    const { avgMs, lastChunk } = job.pace[from];
    const timed = avgMs === undefined ? 1 : Math.floor(targetMs / Math.max(avgMs, 1e-4));
    // Cold, grow at most fourfold per chunk, as a first guess may be far off.
    const grown = avgMs === undefined || lastChunk === 0 ? timed : Math.min(timed, Math.max(1, lastChunk * 4));
    const share = Math.ceil(job.left / (runners * s.depth));
    return Math.max(1, Math.min(s.maxChunk, grown, share));
  }

  /**
   * Packets for a thread's next chunk of `job` while the calling thread takes the front: 0 when
   * even one would likely outlast the job. A chunk queued on a thread cannot be taken back, and a
   * thread runs its first packets of a job many times slower than a warm one (the first heavy
   * `fac` packets on a fresh thread take 10 to 30 times as long), so it gets a chunk only when
   * it would end, at the thread's own measured pace (`firstPacketMs` before any), within its
   * share of the time the job has left at the front's pace.
   */
  private backChunkSize(job: PoolJob, runners: number): number {
    const s = this.settings;
    const { avgMs, lastChunk } = job.pace.back;
    const frontMs = job.pace.front.avgMs;
    if (frontMs === undefined) return 0;
    const budgetMs = Math.min(s.targetChunkMs, (job.left * frontMs) / (runners * s.depth));
    const timed = Math.floor(budgetMs / Math.max(avgMs ?? s.firstPacketMs, 1e-4));
    const grown = avgMs === undefined || lastChunk === 0 ? Math.min(timed, 1) : Math.min(timed, lastChunk * 4);
    return Math.max(0, Math.min(s.maxChunk, grown, Math.ceil(job.left / (runners * s.depth))));
  }

  /** Threads up, plus the calling thread while it runs chunks. */
  private get runners(): number {
    let n = this.inline.size > 0 ? 1 : 0;
    for (const slot of this.slots) if (slot.ready) n++;
    return n;
  }

  /** Fills every ready thread up to `depth` queued chunks, oldest job first; then maybe starts a thread. */
  private pump(): void {
    if (this.closed) return;
    fill: for (const slot of this.slots) {
      while (slot.ready && slot.inFlight < this.settings.depth) {
        const job = this.jobs.find((j) => j.hasWork);
        if (job === undefined) break fill;
        if (!this.shared.has(job)) {
          this.dispatch(slot, job, job.take(this.chunkSize(job, 'front', this.runners, this.settings.targetChunkMs)), 'front');
          continue;
        }
        // Once the calling thread has stopped, a thread takes what is left, worth it or not.
        const size = this.inline.has(job) ? this.backChunkSize(job, this.runners) : this.chunkSize(job, 'back', this.runners, this.settings.targetChunkMs);
        if (size === 0) continue fill;
        this.dispatch(slot, job, job.take(size, 'back'), 'back');
      }
    }
    this.startIfWorth();
  }

  private dispatch(slot: Slot, job: PoolJob, chunk: number[], from: End): void {
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
        job.ran(chunk, outcome, `thread ${slot.name}`, from);
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

  /** The calling thread takes chunks of `job` from its front while the pool is not fully up. */
  private async runInline(job: PoolJob): Promise<void> {
    if (this.inline.has(job)) return;
    this.inline.add(job);
    try {
      let fn = callerCompiled.get(job.def.hash);
      if (fn === undefined) {
        fn = compileFunction(job.def);
        callerCompiled.clear();
        callerCompiled.set(job.def.hash, fn);
      }
      const s = this.settings;
      while (!this.closed && job.hasWork && !this.full) {
        const sliceEnd = performance.now() + s.inlineSliceMs;
        while (job.hasWork && performance.now() < sliceEnd) {
          const targetMs = this.started > 0 ? s.inlineChunkMs : s.targetChunkMs;
          const chunk = job.take(this.chunkSize(job, 'front', this.runners, targetMs), 'front');
          job.ran(chunk, await runBatch(fn, chunk.map((i) => job.inputs[i])), 'the calling thread', 'front');
        }
        if (!job.hasWork) break;
        // The front's pace has moved: a thread held back may be worth a chunk, or one worth starting.
        this.pump();
        // Lets the threads' `ready` and results in; with no thread started there are none, and
        // a turn of the event loop per slice would cost this thread a few percent.
        if (this.started > 0) await new Promise((resolve) => setImmediate(resolve));
      }
    } catch {
      // Not compiled here (a module function): the threads run it all.
    } finally {
      this.inline.delete(job);
      // Threads held back while this thread took the front take what is left; with none
      // started (this thread could not compile the function), one starts for it.
      if (job.hasWork && this.started === 0) this.startNext();
      this.pump();
    }
  }

  /** A job ran out of time: its chunks still running stop with their threads (a runaway loop included). */
  private stopJob(job: PoolJob): void {
    for (const slot of this.slots) if (slot.queued.some((q) => q.job === job)) void slot.executor?.stop();
  }
}
