import { WorkerCrashedError } from '../errors.js';
import { FunctionCache } from '../functions/function-cache.js';
import type { FunctionDef } from '../functions/function-def.js';
import { loadFunction } from '../functions/load-function.js';
import type { BatchOutcome, ExecutorOptions, TaskExecutor } from './executor.js';
import { compileOrFail, failedOutcome, runBatch } from './run-batch.cjs';
import { checkSlowFactor } from './slow-factor.js';

const DEFAULTS = { slowFactor: 1, name: 'inline' } as const;

/**
 * Runs batches in the calling thread, for simulation and tests: same outcomes as the thread
 * executor, no thread to start. Synchronous packets run to the end of the batch (or of the first
 * asynchronous packet) before `run` returns. Values are passed by reference, not cloned.
 *
 * `close` never waits for user code: a pending `run` rejects with `WorkerCrashedError` at once,
 * even if its packet never settles, and later runs reject the same way. A packet that loops
 * synchronously forever blocks the caller, as there is no thread to end.
 */
export class InlineExecutor implements TaskExecutor {
  private readonly cache = new FunctionCache();
  private readonly slowFactor: number;
  private readonly name: string;
  private abortPending: ((error: Error) => void) | undefined;
  private closed = false;

  constructor(options: ExecutorOptions = {}) {
    this.slowFactor = checkSlowFactor(options.slowFactor ?? DEFAULTS.slowFactor);
    this.name = options.name ?? DEFAULTS.name;
  }

  run(fn: FunctionDef, args: readonly unknown[]): Promise<BatchOutcome> {
    if (this.closed) return Promise.reject(new WorkerCrashedError(`executor "${this.name}" is closed`));
    if (fn.kind === 'module' && !this.cache.has(fn.hash)) return this.loadThenRun(fn, args);
    const compiledOr = compileOrFail(this.cache, fn, args);
    if ('failed' in compiledOr) return Promise.resolve(compiledOr.failed);
    const { compiled } = compiledOr;
    const batch = runBatch(compiled, args, this.slowFactor);
    return new Promise<BatchOutcome>((resolve, reject) => {
      this.abortPending = reject;
      batch.then((outcome) => {
        this.abortPending = undefined;
        resolve(outcome);
      }, reject);
    });
  }

  /** Module functions load asynchronously (an `import`), once per hash. */
  private async loadThenRun(fn: FunctionDef, args: readonly unknown[]): Promise<BatchOutcome> {
    try {
      this.cache.put(fn.hash, await loadFunction(fn));
    } catch (error) {
      const outcome = failedOutcome(error);
      return { outcomes: args.map(() => outcome), ms: 0 };
    }
    return this.run(fn, args);
  }

  /** Settles a pending `run` with `WorkerCrashedError`; the packet itself runs on, as there is no thread to end. */
  stop(): Promise<void> {
    const abort = this.abortPending;
    this.abortPending = undefined;
    abort?.(new WorkerCrashedError(`batch stopped on executor "${this.name}"`));
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.closed = true;
    const abort = this.abortPending;
    this.abortPending = undefined;
    abort?.(new WorkerCrashedError(`executor "${this.name}" was closed while a batch was running`));
    return Promise.resolve();
  }
}
