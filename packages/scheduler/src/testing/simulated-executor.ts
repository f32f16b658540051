import { InvalidArgumentError, type Clock, type TimerHandle } from '@armada/actors';
import { WorkerCrashedError } from '../errors.js';
import { FunctionCache } from '../functions/function-cache.js';
import type { FunctionDef } from '../functions/function-def.js';
import { queuedBehind, type BatchOutcome, type ExecutorFactory, type ExecutorOptions, type Outcome, type TaskExecutor } from '../worker/executor.js';
import { compileOrFail, failedOutcome } from '../worker/run-batch.cjs';
import { checkSlowFactor } from '../worker/slow-factor.js';

/** How long one packet takes, in simulated milliseconds, before the slow-down: `(arg, index in its batch) => ms`. */
export type PacketCost = (arg: unknown, index: number) => number;

/** What a {@link SimulatedExecutor} simulates; merged over {@link SIMULATED_EXECUTOR_DEFAULTS}. */
export interface SimulatedExecutorOptions extends ExecutorOptions {
  /**
   * Run time of each packet. Must return a finite number ≥ 0; anything else (or a throw) fails
   * the run as a thread death would, with an `InvalidArgumentError` that says so. Default 1 ms.
   */
  readonly cost?: PacketCost;
  /**
   * Called with each packet's argument as the packet starts; `true` kills the simulated thread
   * while that packet runs: the batch rejects with `WorkerCrashedError` once the packets before
   * it and the packet itself have taken their time. Later packets of the batch do not start.
   * Keep state here (a counter) to crash only the first few times.
   */
  readonly crashWhen?: (arg: unknown) => boolean;
  /** Called as each batch starts, to see where packets ran (placement, steals, retries). */
  readonly onBatch?: (event: BatchEvent) => void;
  /**
   * Take a batch while one runs and start it when that one ends, as a worker thread does
   * (`TaskExecutor.queues`): its agent then keeps a second chunk waiting behind the running one.
   * Default false: one batch at a time.
   */
  readonly queues?: boolean;
}

/** A batch a {@link SimulatedExecutor} starts. */
export interface BatchEvent {
  /** The executor's name; a simulation's machines name theirs `<machine>/agent-<i>`. */
  readonly executor: string;
  /** The arguments of the batch. */
  readonly args: readonly unknown[];
  /** The simulated time it starts at. */
  readonly at: number;
}

/** Defaults of {@link SimulatedExecutorOptions}: every packet costs 1 simulated ms, no slow-down. */
export const SIMULATED_EXECUTOR_DEFAULTS = {
  cost: (() => 1) as PacketCost,
  slowFactor: 1,
  name: 'simulated',
  queues: false,
} as const;

interface SimulatedRun {
  readonly fn: FunctionDef;
  readonly args: readonly unknown[];
  readonly resolve: (outcome: BatchOutcome) => void;
  readonly reject: (error: Error) => void;
  /** The timer that ends the run, once its packets have run and their simulated time is known. */
  timer: TimerHandle | undefined;
}

/**
 * A `TaskExecutor` for simulation: runs the function in the calling thread, at once, but makes
 * the batch take simulated time. Each packet costs `cost(arg, index) * slowFactor` ms on the
 * clock; the batch resolves (its `ms` the simulated total) when the clock reaches the end, so
 * nothing is measured in real time and the same seed gives the same timings.
 *
 * Outcomes are those of the other executors: one per argument, in order, thrown errors as error
 * outcomes, a definition that does not compile as one error outcome per argument. An async
 * function is awaited before the next packet starts. `crashWhen` simulates the death of the
 * thread. `close` rejects a pending run with `WorkerCrashedError` at once, and later runs too.
 * With `queues`, runs made while one runs wait their turn and settle in order; a crash, `stop`
 * or `close` rejects those too, as never started (`neverStarted`), as a thread's death does.
 */
export class SimulatedExecutor implements TaskExecutor {
  readonly queues: boolean;
  private readonly cache = new FunctionCache();
  private readonly cost: PacketCost;
  private readonly crashWhen: ((arg: unknown) => boolean) | undefined;
  private readonly onBatch: ((event: BatchEvent) => void) | undefined;
  private readonly slowFactor: number;
  private readonly name: string;
  /** Runs not settled, the one running first. */
  private readonly runs: SimulatedRun[] = [];
  private closed = false;

  constructor(
    private readonly clock: Clock,
    options: SimulatedExecutorOptions = {},
  ) {
    const o = { ...SIMULATED_EXECUTOR_DEFAULTS, ...options };
    if (typeof o.cost !== 'function') throw new InvalidArgumentError('cost must be a function (arg, index) => ms');
    this.cost = o.cost;
    this.crashWhen = o.crashWhen;
    this.onBatch = o.onBatch;
    this.slowFactor = checkSlowFactor(o.slowFactor);
    this.name = o.name;
    this.queues = o.queues === true;
  }

  /**
   * An `ExecutorFactory` making simulated executors on `clock`, for `startMachine({ executors })`.
   * The machine's per-agent options (slow factor, name) are applied over `options`.
   */
  static factory(clock: Clock, options: Omit<SimulatedExecutorOptions, keyof ExecutorOptions> = {}): ExecutorFactory {
    return (perAgent) => new SimulatedExecutor(clock, { ...options, ...perAgent });
  }

  /** Runs the batch now (with `queues`, once the runs before it ended) and resolves when the clock reaches the end of its simulated run time. */
  run(fn: FunctionDef, args: readonly unknown[]): Promise<BatchOutcome> {
    if (this.closed) return Promise.reject(new WorkerCrashedError(`executor "${this.name}" is closed`));
    return new Promise<BatchOutcome>((resolve, reject) => {
      this.runs.push({ fn, args, resolve, reject, timer: undefined });
      if (this.runs.length === 1) this.start(this.runs[0]!);
    });
  }

  /** Rejects the running run with `WorkerCrashedError` at once, and the queued ones as never started; later runs work. */
  stop(): Promise<void> {
    this.failAll(new WorkerCrashedError(`batch stopped on simulated thread "${this.name}"`));
    return Promise.resolve();
  }

  /** Rejects the pending runs with `WorkerCrashedError` at once; later runs reject the same way. Idempotent. */
  close(): Promise<void> {
    this.closed = true;
    this.failAll(new WorkerCrashedError(`executor "${this.name}" was closed while a batch was running`));
    return Promise.resolve();
  }

  private start(run: SimulatedRun): void {
    const compiledOr = compileOrFail(this.cache, run.fn, run.args);
    if ('failed' in compiledOr) {
      this.settle(run, () => run.resolve(compiledOr.failed));
      return;
    }
    this.onBatch?.({ executor: this.name, args: run.args, at: this.clock.now() });
    const finish = (ms: number, end: () => void) => {
      if (this.runs[0] !== run) return; // stopped or closed meanwhile
      run.timer = this.clock.setTimeout(() => {
        if (this.runs[0] === run) end();
      }, ms);
    };
    this.execute(compiledOr.compiled, run.args).then(
      ({ outcomes, ms, crashed }) =>
        finish(ms, () =>
          crashed
            ? this.failAll(new WorkerCrashedError(`simulated thread of "${this.name}" died running a packet`))
            : this.settle(run, () => run.resolve({ outcomes, ms })),
        ),
      (error: unknown) => finish(0, () => this.settle(run, () => run.reject(error as Error))),
    );
  }

  /** Ends `run` (the one running) with `settle`, then starts the next. */
  private settle(run: SimulatedRun, settle: () => void): void {
    if (this.runs[0] !== run) return;
    this.runs.shift();
    settle();
    const next = this.runs[0];
    if (next !== undefined) this.start(next);
  }

  /** The thread died (or was stopped or closed): the running run rejects with `error`, the queued ones as never started. */
  private failAll(error: WorkerCrashedError): void {
    const [running, ...queued] = this.runs.splice(0);
    if (running?.timer !== undefined) this.clock.clearTimeout(running.timer);
    running?.reject(error);
    for (const run of queued) run.reject(queuedBehind(error));
  }

  /** Runs the packets in order and adds up their simulated time; stops at a simulated crash. */
  private async execute(fn: (arg: unknown) => unknown, args: readonly unknown[]): Promise<{ outcomes: Outcome[]; ms: number; crashed: boolean }> {
    const outcomes: Outcome[] = [];
    let ms = 0;
    for (let i = 0; i < args.length; i++) {
      const arg = args[i];
      const crashed = this.crashWhen?.(arg) === true;
      ms += this.packetMs(arg, i);
      if (crashed) return { outcomes, ms, crashed };
      try {
        let value = fn(arg);
        if (isThenable(value)) value = await value;
        outcomes.push({ ok: true, value });
      } catch (error) {
        outcomes.push(failedOutcome(error));
      }
    }
    return { outcomes, ms, crashed: false };
  }

  private packetMs(arg: unknown, index: number): number {
    const ms = this.cost(arg, index);
    if (!(typeof ms === 'number' && Number.isFinite(ms) && ms >= 0)) {
      throw new InvalidArgumentError(`cost of packet ${index} of the batch must be a finite number ≥ 0, got ${String(ms)}`);
    }
    return ms * this.slowFactor;
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as { then?: unknown }).then === 'function';
}
