/**
 * The entry module of a `ThreadExecutor`'s thread: answers the requests of `thread-protocol.cts`,
 * one request at a time in the order they came, so main may queue the next batch while one runs.
 * Anything that kills the thread (`process.exit`, out of memory, an error thrown from a timer)
 * is seen by main as the thread's `error` or `exit` event. A result that cannot be cloned becomes
 * an error outcome.
 *
 * Lean on purpose: nothing here imports `@armada/actors` or the NATS client (see
 * `thread-functions.cts`), so a thread is ready in the time Node takes to start an empty one.
 * CommonJS, as are the three modules it loads (`.cts`): a thread whose entry is an ES module
 * first sets up the ESM loader, about a fifth of a thread's start-up CPU on Node 20, and a
 * `pmap` that starts its pool waits for that.
 */
import { parentPort } from 'node:worker_threads';
import type { BatchOutcome } from './executor.js';
import { failedOutcome, runBatch } from './run-batch.cjs';
import { ThreadFunctions } from './thread-functions.cjs';
import { packOutcomes, type RunRequest, type ThreadReply } from './thread-protocol.cjs';

if (parentPort === null) throw new Error('worker-thread.cjs is the entry of a worker thread; it cannot be imported');
const port = parentPort;
const functions = new ThreadFunctions();
let queue: Promise<void> = Promise.resolve();

port.on('message', (request: RunRequest) => {
  // A failure of the handler itself (not of user code) kills the thread, as it would unqueued.
  queue = queue.then(() => handle(request)).catch((error: unknown) => process.nextTick(() => { throw error; }));
});

async function handle(request: RunRequest): Promise<void> {
  let fn: ((arg: unknown) => unknown) | undefined;
  try {
    for (const def of request.defs) await functions.add(def);
    fn = functions.get(request.hash);
  } catch (error) {
    const outcome = failedOutcome(error);
    reply(request.id, { outcomes: request.args.map(() => outcome), ms: 0 });
    return;
  }
  if (fn === undefined) {
    port.postMessage({ type: 'missing', id: request.id, hash: request.hash } satisfies ThreadReply);
    return;
  }
  const batch = runBatch(fn, request.args, request.slowFactor);
  reply(request.id, await batch);
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
        const message = `the result cannot be sent back from the worker thread (a result must survive a structured clone: no functions, symbols or class instances with private state): ${(cause as Error)?.message}`;
        failures.push([i, { name: 'DataCloneError', message }]);
      }
    }
    port.postMessage({ type: 'done', id, values, failures, ms } satisfies ThreadReply);
  }
}

/**
 * Allocates `mb` MiB of short-lived objects. A fresh thread's first young-generation collections
 * are slow while its heap's pages are first touched (4-6 ms each on the 2-core host measured, then
 * 0.05 ms): unwarmed, its first heavy packets ran 10-30 times slower than warm ones (fac(~999):
 * 1-6 ms against 0.1 ms), enough to make the first chunks of a new thread unpredictable. Paid
 * here, it is part of start-up (~11 ms for 8 MiB), off a `startPmapPool` caller's clock, and the
 * thread's first packets run at its warm pace; the total is about the same.
 */
function warmHeap(mb: number): void {
  const ring = new Array<unknown>(64);
  // ~160 bytes each; the ring keeps them reachable a moment, so they are really allocated.
  for (let i = 0, n = (mb * 1_048_576) / 160; i < n; i++) ring[i & 63] = new Array(16);
}

warmHeap(8);
port.postMessage({ type: 'ready' } satisfies ThreadReply);
