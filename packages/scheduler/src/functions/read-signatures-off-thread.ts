import { Worker } from 'node:worker_threads';
import type { FunctionSignature } from './signatures.js';

const DEFAULTS = {
  /** The first read loads the TypeScript compiler and its libraries: seconds on a busy machine. */
  timeoutMs: 60_000,
} as const;

const THREAD = `
import { parentPort, workerData } from 'node:worker_threads';
const { readSignatures } = await import(workerData.module);
try {
  parentPort.postMessage({ ok: true, signatures: readSignatures(workerData.source, workerData.fileName) });
} catch (error) {
  parentPort.postMessage({ ok: false, name: error?.name, message: error?.message ?? String(error) });
}
`;

/**
 * `readSignatures` on a thread of its own, so the seconds the TypeScript compiler takes to load
 * do not stall the master's thread (heartbeats, results) of the process that imports a file.
 * Rejects with the reader's error, or an `Error` when the thread dies or takes over `timeoutMs`.
 */
export function readSignaturesOffThread(source: string, fileName: string, timeoutMs: number = DEFAULTS.timeoutMs): Promise<FunctionSignature[]> {
  const module = new URL('./signatures.js', import.meta.url).href;
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(THREAD)}`), { workerData: { module, source, fileName } });
    const timer = setTimeout(() => finish(new Error(`reading the signatures of ${fileName} took over ${timeoutMs} ms`)), timeoutMs);
    let settled = false;
    function finish(error: Error | undefined, signatures?: FunctionSignature[]): void {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      if (error !== undefined) reject(error);
      else resolve(signatures!);
    }
    worker.once('message', (reply: { ok: true; signatures: FunctionSignature[] } | { ok: false; name: string; message: string }) => {
      if (reply.ok) finish(undefined, reply.signatures);
      else finish(Object.assign(new Error(`cannot read the signatures of ${fileName}: ${reply.message}`), { name: reply.name ?? 'Error' }));
    });
    worker.once('error', (error) => finish(error));
    worker.once('exit', (code) => finish(new Error(`the signature reader for ${fileName} exited with code ${code}`)));
  });
}
