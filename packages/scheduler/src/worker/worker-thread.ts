/**
 * The entry module of a `ThreadExecutor`'s thread: answers the requests of `thread-protocol.ts`.
 * Anything that kills the thread (`process.exit`, out of memory, an error thrown from a timer)
 * is seen by main as the thread's `error` or `exit` event. A result that cannot be cloned becomes
 * an error outcome.
 */
import { parentPort } from 'node:worker_threads';
import { FunctionCache } from '../functions/function-cache.js';
import { loadFunction } from '../functions/load-function.js';
import type { BatchOutcome } from './executor.js';
import { failedOutcome, runBatch } from './run-batch.js';
import { packOutcomes, type RunRequest, type ThreadReply } from './thread-protocol.js';

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
  const { values, failures } = packOutcomes(outcomes);
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
