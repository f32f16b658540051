// CommonJS, with type imports only: the thread entry (`worker-thread.cts`) loads it.
/**
 * What crosses `postMessage` between a `ThreadExecutor` and its thread, and how outcomes are
 * packed for the crossing. Request/reply, one request at a time:
 *
 * - main → thread {@link RunRequest}: run `args` through the function `hash`, carrying in `defs`
 *   the definitions this thread has not been sent before.
 * - thread → main {@link ThreadReply}: `ready` once, when loaded; then per request `done` with
 *   the packed outcomes, or `missing` when the function is not cached there (never sent, or
 *   dropped from the bounded cache); main then sends the same request again with the definition.
 *
 * Values cross by structured clone. Outcomes travel as a flat array of values plus the failures,
 * because cloning one object per packet costs about 25 times more: {@link packOutcomes} and
 * {@link unpackOutcomes} are inverse to each other.
 */
import type { FunctionDef } from '../functions/function-def.js';
import type { Outcome, TaskErrorData } from './executor.js';

/** Main → thread: run one batch. */
export interface RunRequest {
  readonly type: 'run';
  readonly id: number;
  readonly defs: readonly FunctionDef[];
  readonly hash: string;
  readonly args: readonly unknown[];
  readonly slowFactor: number;
}

/** A failed packet in a `done` reply: its index in the batch and its error. */
export type Failure = readonly [index: number, error: TaskErrorData];

/** Thread → main: `ready` once; then per request its packed outcomes, or a request for the definition of `hash`. */
export type ThreadReply =
  | { readonly type: 'ready' }
  | { readonly type: 'done'; readonly id: number; readonly values: unknown[]; readonly failures: Failure[]; readonly ms: number }
  | { readonly type: 'missing'; readonly id: number; readonly hash: string };

/** Packs outcomes for the crossing: a value per packet (`undefined` where it failed) and the failures. */
export function packOutcomes(outcomes: readonly Outcome[]): { values: unknown[]; failures: Failure[] } {
  const values: unknown[] = [];
  const failures: Failure[] = [];
  for (let i = 0; i < outcomes.length; i++) {
    const outcome = outcomes[i]!;
    if (outcome.ok) values.push(outcome.value);
    else {
      values.push(undefined);
      failures.push([i, outcome.error]);
    }
  }
  return { values, failures };
}

/** Unpacks what {@link packOutcomes} packed: one outcome per packet, in order. */
export function unpackOutcomes(values: readonly unknown[], failures: readonly Failure[]): Outcome[] {
  const outcomes: Outcome[] = [];
  for (let i = 0; i < values.length; i++) outcomes.push({ ok: true, value: values[i] });
  for (const [index, error] of failures) outcomes[index] = { ok: false, error };
  return outcomes;
}
