import { Worker } from 'node:worker_threads';
import { expect } from 'chai';
import { REPLAY_SCENARIOS, type Fingerprint } from './replay-scenarios.js';

/** Where two runs first part, for the failure message. */
function firstDifference(a: readonly string[], b: readonly string[]): string {
  const i = a.findIndex((line, k) => line !== b[k]);
  const at = i === -1 ? Math.min(a.length, b.length) : i;
  return `first difference at ${at} of ${a.length} / ${b.length}: ${a[at] ?? '(end)'} | ${b[at] ?? '(end)'}`;
}

function expectSameRun(a: Fingerprint, b: Fingerprint): void {
  expect(b.deliveries, `deliveries: ${firstDifference(a.deliveries, b.deliveries)}`).to.deep.equal(a.deliveries);
  expect(b.batches, `batches: ${firstDifference(a.batches, b.batches)}`).to.deep.equal(a.batches);
  expect({ ...b, deliveries: [], batches: [] }).to.deep.equal({ ...a, deliveries: [], batches: [] });
}

/** Runs scenario `name` in a new worker thread: fresh modules, nothing run before it. */
function inFreshThread(name: keyof typeof REPLAY_SCENARIOS): Promise<Fingerprint> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./replay-worker.js', import.meta.url), { workerData: { name } });
    worker.once('message', (fingerprint: Fingerprint) => {
      resolve(fingerprint);
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the replay thread exited (code ${code}) before it answered`)));
  });
}

describe('a seeded simulation replays exactly', function () {
  this.timeout(30_000);

  /** What shows that a scenario's run did what it is there for, so its replay says something. */
  const purpose: Partial<Record<keyof typeof REPLAY_SCENARIOS, (run: Fingerprint) => void>> = {
    'lossy-round-robin': (run) => {
      expect(run.lost, 'messages were lost').to.be.greaterThan(0);
      expect(run.stealRequests, 'agents stole').to.be.greaterThan(0);
    },
    'drain-mid-job': (run) => expect(JSON.parse(run.results)[1].emptied, 'the drain emptied the machine').to.equal(true),
  };

  for (const name of Object.keys(REPLAY_SCENARIOS) as (keyof typeof REPLAY_SCENARIOS)[]) {
    it(`${name}: twice in a row, message for message`, async () => {
      const first = await REPLAY_SCENARIOS[name]();
      const second = await REPLAY_SCENARIOS[name]();
      expect(first.batches.length, 'packets ran').to.be.greaterThan(0);
      purpose[name]?.(first);
      expectSameRun(first, second);
    });
  }

  it('the same in a fresh thread as in this one, whatever ran here before', async () => {
    for (const name of ['lossy-round-robin', 'w3-low-latency'] as const) {
      expectSameRun(await REPLAY_SCENARIOS[name](), await inFreshThread(name));
    }
  });
});
