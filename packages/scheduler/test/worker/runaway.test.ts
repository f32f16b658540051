import { expect } from 'chai';
import { Cluster, JobTimeoutError, TaskTimeoutError } from '../../src/index.js';

/** Spins forever on 0, as the user did; answers at once otherwise. */
const spinOnZero = (x: number) => {
  if (x === 0) while (true) {}
  return x;
};

describe('Runaway packets (one machine, one worker thread)', function () {
  this.timeout(30_000);
  let cluster: Cluster;
  beforeEach(async () => {
    // One agent: if its thread kept spinning, nothing after the runaway packet could run.
    cluster = await Cluster.start({ machines: 1, agentsPerMachine: 1 });
  });
  afterEach(() => cluster.close());

  it('stops a packet still running when the job times out, so the next job runs on a fresh thread', async () => {
    const error = await cluster.dmap(spinOnZero, [0, 1, 2, 3], { timeoutMs: 500 }).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(JobTimeoutError);
    expect(await cluster.dmap((x: number) => x + 1, [1, 2, 3], { timeoutMs: 10_000 })).to.deep.equal([2, 3, 4]);
    const view = await cluster.view();
    expect(view.machines[0]!.agents.map((a) => a.outstanding)).to.deep.equal([0]);
  });

  it('fails a packet that runs past taskTimeoutMs with TaskTimeoutError, and the thread is replaced', async () => {
    const started = Date.now();
    const error = await cluster.dmap(spinOnZero, [1, 0, 2], { taskTimeoutMs: 300, timeoutMs: 10_000 }).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(TaskTimeoutError);
    expect((error as TaskTimeoutError).index).to.equal(1);
    expect((error as TaskTimeoutError).code).to.equal('ERR_TASK_TIMEOUT');
    expect(Date.now() - started).to.be.below(5000);
    expect(await cluster.dmap((x: number) => x * 2, [1, 2], { timeoutMs: 10_000 })).to.deep.equal([2, 4]);
  });

  it('re-runs a timed-out packet only when retryErrors asks for it, up to maxRetries', async () => {
    const started = Date.now();
    const error = await cluster
      .dmap(spinOnZero, [0], { taskTimeoutMs: 200, retryErrors: true, maxRetries: 2, timeoutMs: 10_000 })
      .catch((e: unknown) => e);
    expect(error).to.be.instanceOf(TaskTimeoutError);
    // Three runs of 200 ms each, one after the other.
    expect(Date.now() - started).to.be.at.least(600);
    expect(await cluster.dmap((x: number) => x, [5], { taskTimeoutMs: 1000 })).to.deep.equal([5]);
  });
});
