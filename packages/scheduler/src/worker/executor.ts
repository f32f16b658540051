import { WorkerCrashedError } from '../errors.js';
import type { FunctionDef } from '../functions/function-def.js';

/** An error raised by user code, as plain data that crosses threads and the wire. */
export interface TaskErrorData {
  /** The `name` of the thrown error (`RangeError`, ...). */
  readonly name: string;
  /** Its message. */
  readonly message: string;
  /** Its stack, from where it ran. */
  readonly stack?: string;
}

/** The outcome of one packet: its value, or the error user code threw. */
export type Outcome = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: TaskErrorData };

/** The outcomes of one batch, in the order of its arguments. */
export interface BatchOutcome {
  /** One outcome per argument, in argument order. */
  readonly outcomes: Outcome[];
  /** Wall time the batch took to run, in milliseconds (slow-down included). */
  readonly ms: number;
}

/**
 * Runs batches of packets for one Worker, one packet at a time, in order. The thread executor
 * runs them on a `worker_thread`; the inline executor runs them in the calling thread (for
 * simulation and tests).
 *
 * `run` is never called again before the previous call settled, unless `queues` says the executor takes that. It resolves with one outcome
 * per argument (user errors are outcomes, not rejections) and rejects with
 * `WorkerCrashedError` when the thread died; the executor then replaces its thread, so the next
 * `run` works.
 */
export interface TaskExecutor {
  run(fn: FunctionDef, args: readonly unknown[]): Promise<BatchOutcome>;
  /**
   * True when `run` may be called again before the previous run settled: the batch then waits
   * its turn (one packet at a time throughout), runs settle in the order they were made, and when
   * the thread dies the runs that never started reject with an error `neverStarted` recognises.
   */
  readonly queues?: boolean;
  /** Resolves once a thread is loaded and can run (the thread executor); absent when there is nothing to wait for. */
  ready?(): Promise<void>;
  /**
   * Stops the batch that is running, if any, however long it would still run (a runaway loop
   * included): its `run` rejects with `WorkerCrashedError` at once and the thread is terminated
   * and replaced, so the next `run` works. A no-op when nothing runs. (The inline executor cannot
   * stop code on the caller's thread: it only settles the `run`.)
   */
  stop(): Promise<void>;
  /** Stops the thread. Idempotent. A pending `run` rejects with `WorkerCrashedError`. */
  close(): Promise<void>;
}

/** Options an executor is made with. */
export interface ExecutorOptions {
  /**
   * Every packet takes this many times as long as it would (DLisp's slow workers): after a packet
   * ran for `t` ms the executor waits `(slowFactor - 1) * t` ms more. Default 1.
   */
  readonly slowFactor?: number;
  /** A label for the thread, shown in errors and stack traces. */
  readonly name?: string;
  /** Heap limit of the thread in MiB, so a packet that runs out of memory kills only its thread. */
  readonly maxHeapMb?: number;
}

/** Makes executors; injected into Workers so simulation can swap threads for inline runs. */
export type ExecutorFactory = (options: ExecutorOptions) => TaskExecutor;

const notStarted = new WeakSet<Error>();

/**
 * The error of a run that was queued behind the running one when `error` ended its thread: it
 * never started, which {@link neverStarted} recognises. For executors that queue runs.
 */
export function queuedBehind(error: WorkerCrashedError): WorkerCrashedError {
  const queued = new WorkerCrashedError(`${error.message} (this batch was queued behind the one running, and did not start)`, error);
  notStarted.add(queued);
  return queued;
}

/**
 * True for the `WorkerCrashedError` of a run that was still queued behind another when its thread
 * died or was stopped: none of its packets started, so none is to blame.
 */
export function neverStarted(error: unknown): boolean {
  return typeof error === 'object' && error !== null && notStarted.has(error as Error);
}
