// Imports nothing at run time: the lean CommonJS thread entry (`worker-thread.cts`) loads this file.
import type { FunctionCache } from '../functions/function-cache.js';
import type { FunctionDef } from '../functions/function-def.js';
import type { BatchOutcome, Outcome } from './executor.js';

const DEFAULTS = {
  /** Slow-down owed below this many milliseconds is carried over: a timer cannot wait less. */
  minDelayMs: 1,
} as const;

/**
 * Runs `fn` on each argument, one at a time and in order, and resolves with one outcome per
 * argument; it never rejects, because what user code throws becomes an error outcome. A returned
 * promise (or thenable) is awaited before the next argument starts. Arguments whose result is
 * not a promise run in a plain loop with no await between them.
 *
 * With `slowFactor` above 1 the batch takes `slowFactor` times as long: after each packet the
 * time it ran, times `slowFactor - 1`, is owed and waited off with timers. Owed time under a
 * millisecond is carried to the next packet, and a timer that fires late pays ahead, so the whole
 * batch is slowed by the factor, to within a millisecond, whatever the packet sizes.
 */
export function runBatch(fn: (arg: unknown) => unknown, args: readonly unknown[], slowFactor = 1): Promise<BatchOutcome> {
  const start = performance.now();
  const outcomes: Outcome[] = [];
  if (slowFactor > 1) return runRest(fn, args, outcomes, 0, undefined, slowFactor, start);
  for (let i = 0; i < args.length; i++) {
    let value: unknown;
    try {
      value = fn(args[i]);
      if (isThenable(value)) return runRest(fn, args, outcomes, i, value, slowFactor, start);
    } catch (error) {
      outcomes.push(failedOutcome(error));
      continue;
    }
    outcomes.push({ ok: true, value });
  }
  return Promise.resolve({ outcomes, ms: performance.now() - start });
}

/** Continues a batch from argument `from`, whose result may already be `pending`. */
async function runRest(
  fn: (arg: unknown) => unknown,
  args: readonly unknown[],
  outcomes: Outcome[],
  from: number,
  pending: PromiseLike<unknown> | undefined,
  slowFactor: number,
  start: number,
): Promise<BatchOutcome> {
  let owedMs = 0;
  for (let i = from; i < args.length; i++) {
    const packetStart = performance.now();
    try {
      let value = i === from && pending !== undefined ? pending : fn(args[i]);
      if (isThenable(value)) value = await value;
      outcomes.push({ ok: true, value });
    } catch (error) {
      outcomes.push(failedOutcome(error));
    }
    if (slowFactor > 1) {
      owedMs += (slowFactor - 1) * (performance.now() - packetStart);
      if (owedMs >= DEFAULTS.minDelayMs) {
        const waitStart = performance.now();
        await new Promise((resolve) => setTimeout(resolve, owedMs));
        owedMs -= performance.now() - waitStart;
      }
    }
  }
  return { outcomes, ms: performance.now() - start };
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as { then?: unknown }).then === 'function';
}

/**
 * The error outcome for anything user code threw. An `Error` keeps its name, message and stack;
 * any other value becomes name `Error` with `String(value)` as the message. Never throws.
 */
export function failedOutcome(thrown: unknown): Outcome {
  try {
    if (thrown instanceof Error || (typeof thrown === 'object' && thrown !== null && 'message' in thrown && 'name' in thrown)) {
      const error = thrown as Error;
      const data = { name: String(error.name), message: String(error.message) };
      return { ok: false, error: typeof error.stack === 'string' ? { ...data, stack: error.stack } : data };
    }
    return { ok: false, error: { name: 'Error', message: String(thrown) } };
  } catch {
    // A throwing getter or a value without a string form (Object.create(null)).
    return { ok: false, error: { name: 'Error', message: typeTag(thrown) } };
  }
}

function typeTag(value: unknown): string {
  try {
    return Object.prototype.toString.call(value);
  } catch {
    return 'a thrown value that cannot be printed';
  }
}

/**
 * Compiles `fn` through `cache` for an in-thread executor; when it does not compile, the batch's
 * outcome instead: one error outcome per argument, as a worker thread reports it.
 */
export function compileOrFail(cache: FunctionCache, fn: FunctionDef, args: readonly unknown[]): { compiled: (arg: unknown) => unknown } | { failed: BatchOutcome } {
  try {
    return { compiled: cache.add(fn) };
  } catch (error) {
    const outcome = failedOutcome(error);
    return { failed: { outcomes: args.map(() => outcome), ms: 0 } };
  }
}
