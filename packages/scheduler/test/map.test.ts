import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { CapturedVariableError, closePmapPool, Cluster, map, pmap, startPmapPool, TaskError } from '../src/index.js';
import { InvalidArgumentError } from '@armada/actors';

describe('map and pmap', function () {
  this.timeout(30_000);

  it('map runs in process, in order, awaiting async results', async () => {
    const captured = 3;
    expect(await map((x: number) => x + captured, [1, 2])).to.deep.equal([4, 5]);
    expect(await map(async (x: number) => x * 2, new Set([1, 2]))).to.deep.equal([2, 4]);
  });

  it('map over an array awaits the results that are promises where they come, one at a time', async () => {
    const order: string[] = [];
    const fn = (x: number) => {
      order.push(`start ${x}`);
      if (x % 2 === 0) return x;
      return new Promise<number>((resolve) => setTimeout(() => (order.push(`end ${x}`), resolve(-x)), 5));
    };
    expect(await map(fn, [1, 2, 3, 4])).to.deep.equal([-1, 2, -3, 4]);
    expect(order).to.deep.equal(['start 1', 'end 1', 'start 2', 'start 3', 'end 3', 'start 4']);
    const error = await map((x: number) => (x === 2 ? Promise.reject(new RangeError('two')) : x), [1, 2, 3]).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(RangeError);
    expect(await map((x: number) => x, [])).to.deep.equal([]);
  });

  it('pmap runs on local worker threads, in order', async () => {
    const xs = Array.from({ length: 1000 }, (_, i) => i);
    expect(await pmap((x: number) => x * 2, xs, { threads: 2 })).to.deep.equal(xs.map((x) => x * 2));
  });

  it('pmap keeps its threads for the next call, with the same rules and errors as dmap', async () => {
    const xs = Array.from({ length: 500 }, (_, i) => i);
    const offset = 7;
    expect(await pmap((x: number) => x + offset, xs, { env: { offset } })).to.deep.equal(xs.map((x) => x + 7));
    expect(await pmap(async (x: number) => x * 3, new Set(xs))).to.deep.equal(xs.map((x) => x * 3));
    expect(await pmap((x: number) => x + offset, xs).catch((e: unknown) => e)).to.be.instanceOf(CapturedVariableError);
    const failed = await pmap((x: number) => (x === 42 ? JSON.parse('{') : x), xs).catch((e: unknown) => e);
    expect(failed).to.be.instanceOf(TaskError).and.include({ index: 42, remoteName: 'SyntaxError' });
    expect(await pmap((x: number) => x, [])).to.deep.equal([]);
    await closePmapPool();
    expect(await pmap((x: number) => -x, [1, 2])).to.deep.equal([-1, -2]);
    await closePmapPool();
    await startPmapPool(2);
    expect(await pmap((x: number) => x * x, [3, 4], { threads: 2 })).to.deep.equal([9, 16]);
    expect(await startPmapPool(0).catch((e: unknown) => e)).to.be.instanceOf(InvalidArgumentError);
    expect(await pmap((x: number) => x, [1], { threads: 1.5 }).catch((e: unknown) => e)).to.be.instanceOf(InvalidArgumentError);
    await closePmapPool();
  });

  it('pmap does not keep the process alive: a program that used it ends by itself', async () => {
    const index = new URL('../src/index.js', import.meta.url).href;
    const program = `import { pmap } from ${JSON.stringify(index)}; const out = await pmap((x) => x * 2, [1, 2, 3], { threads: 2 }); console.log(out.join(','));`;
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(process.execPath, ['--input-type=module', '-e', program], { timeout: 20_000 }, (error, out) => (error ? reject(error) : resolve(out)));
    });
    expect(stdout.trim()).to.equal('2,4,6');
  });

  it('closePmapPool resolves in a program with nothing else to do, the thread\'s "ready" still unread', async () => {
    const index = new URL('../src/index.js', import.meta.url).href;
    // The caller runs this tiny job itself before the thread is up; then it keeps its event loop
    // busy while the thread starts, so the close comes with the thread's "ready" still queued.
    const program =
      `import { closePmapPool, pmap } from ${JSON.stringify(index)}; await pmap((x) => x, [1], { threads: 1 });` +
      `const end = Date.now() + 500; while (Date.now() < end); await closePmapPool(); console.log('closed');`;
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(process.execPath, ['--input-type=module', '-e', program], { timeout: 20_000 }, (error, out) => (error ? reject(error) : resolve(out)));
    });
    expect(stdout.trim()).to.equal('closed');
  });

  it('slow workers take k times as long', async () => {
    const cluster = await Cluster.start({ machines: 1, agentsPerMachine: 1, machineSettings: { slow: { fraction: 1, factor: 3 } } });
    try {
      const started = performance.now();
      await cluster.dmap(() => new Promise((r) => setTimeout(r, 30)), [1]);
      expect(performance.now() - started).to.be.at.least(85);
    } finally {
      await cluster.close();
    }
  });
});
