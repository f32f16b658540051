import { expect } from 'chai';
import { ConsoleLogger } from '@armada/actors';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  Gluster,
  JobNotDoneError,
  JobTimeoutError,
  RetriesExhaustedError,
  TaskError,
  UnknownFunctionError,
  UnknownJobError,
  UnknownMachineError,
} from '../../src/index.js';

const FUNCTIONS = fileURLToPath(new URL('../../../test/gluster/fixtures/functions.ts', import.meta.url));

describe('Gluster (embedded)', function () {
  this.timeout(30_000);
  let dir: string;
  let g: Gluster;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'armada-gluster-'));
    g = await Gluster.start({
      machines: 2,
      agentsPerMachine: 1,
      definitions: { modules: { dir } },
      gluster: { maxRetries: 0, runnerTimeoutMs: 300 },
      // A crashing job makes its machine warn; the test asserts on the outcome instead.
      logger: new ConsoleLogger('error'),
    });
    await g.importFunctionFile(FUNCTIONS);
  });
  afterEach(async () => {
    await g.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('runDist returns an id at once; jobDone turns true; getReturn gives the value', async () => {
    const id = g.runDist('functions.add', 2, 40);
    expect(g.jobDone(id)).to.equal(false);
    expect(() => g.getReturn(id)).to.throw(JobNotDoneError);
    expect(await g.result(id)).to.equal(42);
    expect(g.jobDone(id)).to.equal(true);
    expect(g.getReturn(id)).to.equal(42);
    const ids = Array.from({ length: 20 }, (_, i) => g.runDist('functions.sumOfSquares', [i, 1]));
    expect(await g.all(ids)).to.deep.equal(Array.from({ length: 20 }, (_, i) => i * i + 1));
  });

  it('ends failing, crashing and overdue jobs as failed, never pending', async () => {
    const failing = g.runDist('functions.fail', 'bad input');
    const crashing = g.runDist('functions.crash');
    const fine = g.runDist('functions.add', 1, 1);
    await Promise.allSettled([g.result(failing), g.result(crashing), g.result(fine)]);
    expect([g.jobDone(failing), g.jobDone(crashing), g.jobDone(fine)]).to.deep.equal([true, true, true]);
    expect(() => g.getReturn(failing)).to.throw(TaskError, /TypeError: bad input/);
    try {
      g.getReturn(failing);
    } catch (error) {
      expect((error as Error).stack).to.include(`${FUNCTIONS}:`);
    }
    expect(() => g.getReturn(crashing)).to.throw(RetriesExhaustedError);
    expect(g.getReturn(fine)).to.equal(2);

    const slow = await Gluster.start({ machines: 1, agentsPerMachine: 1, definitions: { modules: { dir } }, gluster: { jobTimeoutMs: 100 } });
    try {
      await slow.importFunctionFile(FUNCTIONS);
      const overdue = slow.runDist('functions.wait', 5_000);
      expect(await slow.result(overdue).catch((e: unknown) => e)).to.be.instanceOf(JobTimeoutError);
      expect(slow.jobDone(overdue)).to.equal(true);
    } finally {
      await slow.close();
    }
  });

  it('throws before sending for unknown functions (listing the exports) and unknown job ids', () => {
    expect(() => g.runDist('functions.multiply', 1, 2)).to.throw(UnknownFunctionError, /functions\.add, .*functions\.wait/);
    expect(() => g.runDist('nothing.add', 1, 2)).to.throw(UnknownFunctionError, /functions\.add/);
    expect(() => g.jobDone('job-999')).to.throw(UnknownJobError);
  });

  it('runs only on the machines added as runners, and rejects unknown runner names after a timeout', async () => {
    const everywhere = await g.all(Array.from({ length: 12 }, () => g.runDist('functions.whereAmI')));
    expect(new Set(everywhere).size, 'without runners both machines run jobs').to.equal(2);
    await g.addRunner('local-1');
    const pinned = await g.all(Array.from({ length: 12 }, () => g.runDist('functions.whereAmI')));
    expect(new Set(pinned).size).to.equal(1);
    const error = await g.addRunner('no-such-machine').catch((e: unknown) => e);
    expect(error).to.be.instanceOf(UnknownMachineError);
    expect((error as Error).message).to.include('local-0');
  });

  it('offers typed proxies whose functions also work with dmap', async () => {
    const fns = await g.importFunctions<typeof import('./fixtures/functions.js')>(FUNCTIONS);
    const sum: number = await fns.add(20, 22);
    expect(sum).to.equal(42);
    expect(await fns.sumOfSquares([1, 2, 3])).to.equal(14);
    expect(await g.cluster.dmap(fns.wait, [0, 1, 2])).to.deep.equal([0, 1, 2]);
  });

  it('ships a shared value once per machine, however many jobs use it', async () => {
    const width = 256;
    const matrix = Float64Array.from({ length: width * 64 }, (_, i) => i % 7);
    const shared = await g.share(matrix);
    const rows = Array.from({ length: 64 }, (_, r) => r);
    const sums = await g.all(rows.map((r) => g.runDist('functions.rowSum', shared, r, width)));
    expect(sums).to.deep.equal(rows.map((r) => matrix.subarray(r * width, (r + 1) * width).reduce((a, b) => a + b, 0)));
    const stats = g.cluster.transferStats();
    const machines = Object.keys(stats.byMachine).length;
    expect(machines).to.be.within(1, 2);
    expect(stats.sharedBytes, 'the master sent the value once per machine').to.equal(machines * shared.bytes);
  });

  it('fails, never hangs, a job whose shared value was released before any machine fetched it', async () => {
    const released = await g.share(Float64Array.of(1, 2, 3, Math.random()));
    expect(g.unshare(released)).to.equal(true);
    const id = g.runDist('functions.rowSum', released, 0, 4);
    const error = await g.result(id).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(TaskError);
    expect((error as TaskError).remoteName).to.equal('DefinitionUnavailableError');
    expect(g.jobDone(id)).to.equal(true);
  });
});
