/**
 * The entry module of a `ThreadExecutor`'s thread. The protocol is request/reply over
 * `parentPort`, one request at a time:
 *
 * - main → thread {@link RunRequest}: run `args` through the function `hash`, carrying in `defs`
 *   the definitions this thread has not been sent before.
 * - thread → main {@link ThreadReply}: `ready` once, when loaded; then per request `done` with
 *   one outcome per argument, or `missing` when the function is not cached here (never sent, or
 *   dropped from the bounded cache); main then sends the same request again with the definition.
 *
 * Values cross by structured clone. A result that cannot be cloned becomes an error outcome.
 * Anything that kills the thread (`process.exit`, out of memory, an error thrown from a timer)
 * is seen by main as the thread's `error` or `exit` event.
 */
import { parentPort } from 'node:worker_threads';
import { FunctionCache } from '../functions/function-cache.js';
import type { FunctionDef } from '../functions/function-def.js';
import { loadFunction } from '../functions/load-function.js';
import type { BatchOutcome, TaskErrorData } from './executor.js';
import { failedOutcome, runBatch } from './run-batch.js';

/** Main → thread: run one batch. */
export interface RunRequest {
  readonly type: 'run';
  readonly id: number;
  readonly defs: readonly FunctionDef[];
  readonly hash: string;
  readonly args: readonly unknown[];
  readonly slowFactor: number;
}

/**
 * A failed packet in a `done` reply: its index and error. Outcomes travel as a flat array of
 * values plus the failures, because cloning one object per packet costs about 25 times more.
 */
export type Failure = readonly [index: number, error: TaskErrorData];

/**
 * Thread → main: `ready` once, when this module has loaded; then per request the outcome of the
 * request `id`, or a request for the definition of `hash`.
 */
export type ThreadReply =
  | { readonly type: 'ready' }
  | { readonly type: 'done'; readonly id: number; readonly values: unknown[]; readonly failures: Failure[]; readonly ms: number }
  | { readonly type: 'missing'; readonly id: number; readonly hash: string };

if (parentPort === null) throw new Error('worker-thread.js is the entry of a worker thread; it cannot be imported');
const port = parentPort;
const cache = new FunctionCache();
// Stacks of bundled module functions point at the user's files: modules carry inline source maps.
process.setSourceMapsEnabled(true);

port.on('message', (request: RunRequest) => void handle(request));

async function handle(request: RunRequest): Promise<void> {
  let fn: (arg: unknown) => unknown;
  try {
    for (const def of request.defs) {
      if (def.kind !== 'module') cache.add(def);
      else if (!cache.has(def.hash)) cache.put(def.hash, await loadFunction(def));
    }
    if (!cache.has(request.hash)) {
      port.postMessage({ type: 'missing', id: request.id, hash: request.hash } satisfies ThreadReply);
      return;
    }
    fn = cache.get(request.hash);
  } catch (error) {
    const outcome = failedOutcome(error);
    reply(request.id, { outcomes: request.args.map(() => outcome), ms: 0 });
    return;
  }
  reply(request.id, await runBatch(fn, request.args, request.slowFactor));
}

function reply(id: number, { outcomes, ms }: BatchOutcome): void {
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
  try {
    port.postMessage({ type: 'done', id, values, failures, ms } satisfies ThreadReply);
  } catch (error) {
    if ((error as Error)?.name !== 'DataCloneError') throw error;
    // Rare, so only now pay for checking each value on its own.
    for (let i = 0; i < values.length; i++) {
      try {
        structuredClone(values[i]);
      } catch (cause) {
        values[i] = undefined;
        const message = `the result of argument ${i} cannot be sent back from the thread: ${(cause as Error)?.message}`;
        failures.push([i, { name: 'DataCloneError', message }]);
      }
    }
    port.postMessage({ type: 'done', id, values, failures, ms } satisfies ThreadReply);
  }
}

port.postMessage({ type: 'ready' } satisfies ThreadReply);
