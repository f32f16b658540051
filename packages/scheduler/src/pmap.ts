import os from 'node:os';
import { InvalidArgumentError } from '@armada/actors';
import { Cluster } from './cluster.js';
import { checkDmapOptions, DMAP_DEFAULTS, type DmapOptions } from './dmap-options.js';
import { describeFunction } from './functions/describe-function.js';
import { moduleExportOf } from './functions/module-function.js';
import { ThreadPool } from './worker/thread-pool.js';

/** Options of {@link pmap}. */
export interface PmapOptions extends DmapOptions {
  /** Worker threads; default `os.availableParallelism()`. The process's pool grows to the most any call asked for. */
  threads?: number;
}

/** The process's pool, started by the first `pmap` and kept until `closePmapPool`. */
let pool: ThreadPool | undefined;

/**
 * Runs `fn` on every input on local worker threads and resolves with the results in input order,
 * each exactly once. Same rules for `fn` as `Cluster.dmap` (self-contained, or its captured
 * values passed in `env`) and the same errors: `CapturedVariableError`, `TaskError`,
 * `RetriesExhaustedError` (a thread died more than `maxRetries` times under a packet),
 * `JobTimeoutError`.
 *
 * The threads are a pool of the process, started lazily one at a time. While the pool is not up,
 * this thread runs packets itself (from the front of the inputs, the threads from the back); a
 * thread starts during a call only when the work left is worth several times a thread's start-up
 * (a first call of fewer than 64 inputs starts one at once), else with the next call, so a short
 * first call may run on this thread alone. {@link startPmapPool} starts them all ahead.
 * Later calls reuse them warm, with chunk sizes learnt from the last call of the same function. An idle pool does not keep the process alive: its
 * threads are unref'd between calls, so a program ends when its work does, without a close (a
 * pool nobody sees should not need one). {@link closePmapPool} terminates the threads, to free
 * their memory or in tests; the next call starts a new pool.
 *
 * While the pool is not fully up, this thread runs packets too: such a packet that exits
 * the process or never returns does that to the caller, as under `map` (not with `timeoutMs`).
 * Inputs are read at once (not lazily as `dmap` reads them). `mode`, `placement`, `stealing`,
 * `waitForMachinesMs` and `maxInFlight` do not apply to local threads and are ignored. A module
 * function (`importFunctionFile`) or a `taskTimeoutMs` runs instead on a one-machine embedded
 * cluster started for the call, as `Cluster.dmap` would run it.
 */
export async function pmap<T, R>(fn: (input: T) => R | Promise<R>, inputs: Iterable<T>, options: PmapOptions = {}): Promise<Awaited<R>[]> {
  const { threads: asked, ...dmapOptions } = options;
  checkDmapOptions(dmapOptions);
  const threads = asked ?? os.availableParallelism();
  if (!Number.isInteger(threads) || threads < 1) throw new InvalidArgumentError(`pmap option threads must be a positive integer, got ${String(threads)}`);
  if (moduleExportOf(fn) !== undefined || dmapOptions.taskTimeoutMs !== undefined) return pmapOnCluster(fn, inputs, threads, dmapOptions);
  if (inputs === null || typeof (inputs as Partial<Iterable<T>>)?.[Symbol.iterator] !== 'function') {
    throw new InvalidArgumentError('pmap inputs must be an iterable (an array, a Set, a generator, ...)');
  }
  const threadPool = (pool ??= new ThreadPool(threads));
  const def = describeFunction(fn as (...args: never[]) => unknown, dmapOptions.env);
  const o = { ...DMAP_DEFAULTS, ...dmapOptions };
  const list = Array.isArray(inputs) ? (inputs as readonly T[]) : Array.from(inputs);
  return threadPool.run(def, list, threads, { maxRetries: o.maxRetries, retryErrors: o.retryErrors, timeoutMs: o.timeoutMs, progress: o.progress }) as Promise<Awaited<R>[]>;
}

/**
 * Starts `pmap`'s pool now, unless started, with at least `threads` threads (default
 * `os.availableParallelism()`), and resolves once every thread is up: a program that knows it will
 * call `pmap` can pay for thread start-up ahead, off its first call's time. Rejects with
 * `InvalidArgumentError` for a bad `threads`.
 */
export async function startPmapPool(threads: number = os.availableParallelism()): Promise<void> {
  if (!Number.isInteger(threads) || threads < 1) throw new InvalidArgumentError(`pmap pool threads must be a positive integer, got ${String(threads)}`);
  const threadPool = (pool ??= new ThreadPool(threads));
  threadPool.grow(threads);
  await threadPool.ready();
}

/**
 * Terminates the threads of `pmap`'s pool; calls still running reject with `ClusterClosedError`.
 * The next `pmap` starts a new pool. Resolves once every thread has exited; a no-op without a pool.
 */
export async function closePmapPool(): Promise<void> {
  const closing = pool;
  pool = undefined;
  await closing?.close();
}

async function pmapOnCluster<T, R>(fn: (input: T) => R | Promise<R>, inputs: Iterable<T>, threads: number, options: DmapOptions): Promise<Awaited<R>[]> {
  const cluster = await Cluster.start({ machines: 1, agentsPerMachine: threads });
  try {
    return await cluster.dmap(fn, inputs, options);
  } finally {
    await cluster.close();
  }
}
