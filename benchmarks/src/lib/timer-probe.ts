/**
 * How long timer "work" really takes on this machine while a suite runs: a worker thread of its
 * own sleeps the same timers as the suite's tasks (base + (i mod period) ms), one after another,
 * and measures each. W3's tasks are timers, and a timer fires late (Node.js counts in whole
 * milliseconds, and a loaded machine wakes the thread later still), so every task takes a little
 * longer than its nominal cost, and the lower bound, which counts nominal costs, cannot be met by
 * any scheduler. The probe's stretch (actual / nominal) says by how much, in the same run.
 */
import { Worker } from 'node:worker_threads';

/** What a probe measured between its start and its stop. */
export interface TimerStretch {
  /** Timers slept. */
  timers: number;
  nominalMs: number;
  actualMs: number;
  /** actualMs / nominalMs (1 when nothing was slept). */
  stretch: number;
  /** Mean lateness of one timer, in ms. */
  lateMs: number;
}

export interface TimerProbe {
  /** Stops after the timer that is sleeping and resolves with what was measured. */
  stop(): Promise<TimerStretch>;
}

const SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
let stopping = false;
parentPort.once('message', () => { stopping = true; });
(async () => {
  let timers = 0, nominalMs = 0, actualMs = 0;
  for (let i = 0; !stopping; i++) {
    const ms = workerData.baseMs + (i % workerData.period);
    const start = performance.now();
    await new Promise((resolve) => setTimeout(resolve, ms));
    actualMs += performance.now() - start;
    nominalMs += ms;
    timers++;
  }
  parentPort.postMessage({ timers, nominalMs, actualMs });
})();
`;

/** Starts a probe thread sleeping `baseMs + (i mod period)` ms timers; resolves once it runs. */
export async function startTimerProbe(baseMs: number, period: number): Promise<TimerProbe> {
  const worker = new Worker(SOURCE, { eval: true, workerData: { baseMs, period } });
  await new Promise<void>((resolve, reject) => {
    worker.once('online', resolve);
    worker.once('error', reject);
  });
  return {
    stop: async () => {
      const measured = new Promise<{ timers: number; nominalMs: number; actualMs: number }>((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
        worker.once('exit', (code) => reject(new Error(`the timer probe thread exited (code ${code}) before reporting`)));
      });
      worker.postMessage('stop');
      // The last timer is at most base + period - 1 ms; a probe that does not answer well after that is stuck.
      const timeout = setTimeout(() => void worker.terminate(), 10_000 + baseMs + period);
      try {
        const { timers, nominalMs, actualMs } = await measured;
        return { timers, nominalMs, actualMs, stretch: nominalMs > 0 ? actualMs / nominalMs : 1, lateMs: timers > 0 ? (actualMs - nominalMs) / timers : 0 };
      } finally {
        clearTimeout(timeout);
        await worker.terminate();
      }
    },
  };
}
