/**
 * A single-thread baseline that runs on its own `worker_thread`, so the master living on the main
 * thread keeps answering heartbeats while the baseline computes for seconds. The thread imports
 * `module` and calls `exportName(...args)`; only the call is timed, inside the thread.
 */
import { Worker } from 'node:worker_threads';

const THREAD = `
import { parentPort, workerData } from 'node:worker_threads';
const fn = (await import(workerData.module))[workerData.exportName];
parentPort.on('message', (args) => {
  const started = performance.now();
  const value = fn(...args);
  parentPort.postMessage({ ms: performance.now() - started, value });
});
`;

/** A thread running one function; `call` resolves with the result and the time the call took in the thread. */
export interface LocalThread {
  call<T>(args: unknown[]): Promise<{ ms: number; value: T }>;
  close(): Promise<void>;
}

export function startLocalThread(module: URL, exportName: string): LocalThread {
  const worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(THREAD)}`), { workerData: { module: module.href, exportName } });
  return {
    call: <T>(args: unknown[]) =>
      new Promise<{ ms: number; value: T }>((resolve, reject) => {
        const onError = (error: Error) => reject(error);
        worker.once('error', onError);
        worker.once('message', (reply: { ms: number; value: T }) => {
          worker.off('error', onError);
          resolve(reply);
        });
        worker.postMessage(args);
      }),
    close: () => worker.terminate().then(() => undefined),
  };
}
