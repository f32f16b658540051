import { expect } from 'chai';
import { ClusterClosedError, JobTimeoutError, RetriesExhaustedError, TaskError, WorkerCrashedError } from '../../src/errors.js';
import { describeFunction } from '../../src/functions/index.js';
import { neverStarted } from '../../src/worker/executor.js';
import { ThreadExecutor } from '../../src/worker/thread-executor.js';
import { ThreadPool } from '../../src/worker/thread-pool.js';
import type { FunctionDef } from '../../src/functions/index.js';
import type { PoolJobOptions } from '../../src/worker/pool-job.js';

const OPTIONS: PoolJobOptions = { maxRetries: 3, retryErrors: false, timeoutMs: undefined, progress: undefined };
const range = (n: number) => Array.from({ length: n }, (_, i) => i);
/** A global set on this thread only: a function that finds it runs here, not on a pool thread. */
const MAIN = 'armadaThreadPoolTestMain';
(globalThis as Record<string, unknown>)[MAIN] = true;
const whereRan = describeFunction((x: number) => (x >= 0 && (globalThis as Record<string, unknown>)[MAIN] === true ? 'main' : 'thread'), { MAIN });

describe('ThreadPool', function () {
  this.timeout(20_000);
  let pools: ThreadPool[] = [];
  const make = async (threads = 2): Promise<ThreadPool> => {
    const pool = new ThreadPool(threads);
    pools.push(pool);
    await pool.ready();
    return pool;
  };
  afterEach(async () => {
    await Promise.all(pools.map((p) => p.close()));
    pools = [];
  });

  it('runs every input once, in input order, on its threads, across calls', async () => {
    const pool = await make();
    const double = describeFunction((x: number) => x * 2);
    for (const n of [0, 1, 7, 5000]) expect(await pool.run(double, range(n), 2, OPTIONS)).to.deep.equal(range(n).map((x) => x * 2));
    expect(new Set(await pool.run(whereRan, range(200), 2, OPTIONS))).to.deep.equal(new Set(['thread']));
  });

  it('keeps both threads busy: two queued chunks each, both threads used', async () => {
    const pool = await make();
    const id = describeFunction((x: number) => {
      const end = Date.now() + 1;
      while (Date.now() < end);
      return [x, (globalThis as { threadTag?: number }).threadTag ?? ((globalThis as { threadTag?: number }).threadTag = Math.random())];
    });
    const out = (await pool.run(id, range(400), 2, OPTIONS)) as Array<[number, number]>;
    expect(out.map(([x]) => x)).to.deep.equal(range(400));
    expect(new Set(out.map(([, tag]) => tag)).size).to.equal(2);
  });

  it('runs async functions and awaits each packet', async () => {
    const pool = await make();
    const later = describeFunction(async (x: number) => new Promise((resolve) => setTimeout(() => resolve(x + 1), 1)));
    expect(await pool.run(later, range(20), 2, OPTIONS)).to.deep.equal(range(20).map((x) => x + 1));
  });

  it('rejects with TaskError naming the packet when user code throws', async () => {
    const pool = await make();
    const boom = describeFunction((x: number) => {
      if (x === 13) throw new RangeError('thirteen');
      return x;
    });
    const error = await pool.run(boom, range(100), 2, OPTIONS).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(TaskError);
    expect(error).to.include({ index: 13, remoteName: 'RangeError' });
    expect((error as Error).message).to.contain('thirteen');
  });

  it('retries user errors when asked, up to maxRetries', async () => {
    const pool = await make();
    const flaky = describeFunction((x: number) => {
      const g = globalThis as { tries?: Record<number, number> };
      const tries = (g.tries ??= {});
      tries[x] = (tries[x] ?? 0) + 1;
      if (x % 10 === 0 && tries[x] === 1) throw new Error('first time');
      return x;
    });
    expect(await pool.run(flaky, range(50), 2, { ...OPTIONS, retryErrors: true })).to.deep.equal(range(50));
  });

  it('runs the packets of a dead thread again, and gives up after maxRetries with RetriesExhaustedError', async () => {
    const pool = await make();
    const exitOn7 = describeFunction((x: number) => (x === 7 ? process.exit(1) : x));
    const error = await pool.run(exitOn7, range(30), 2, { ...OPTIONS, maxRetries: 1 }).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(RetriesExhaustedError);
    expect(error).to.include({ index: 7, attempts: 2 });
    // The pool works on after its threads died.
    expect(await pool.run(describeFunction((x: number) => x), range(10), 2, OPTIONS)).to.deep.equal(range(10));
  });

  it('stops a job at its time limit, runaway packets included, and works on', async () => {
    const pool = await make();
    const forever = describeFunction((x: number) => {
      if (x === 3) for (;;);
      return x;
    });
    const error = await pool.run(forever, range(10), 2, { ...OPTIONS, timeoutMs: 300 }).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(JobTimeoutError);
    expect(await pool.run(describeFunction((x: number) => -x), range(10), 2, OPTIONS)).to.deep.equal(range(10).map((x) => -x));
  });

  it('reports progress up to the total', async () => {
    const pool = await make();
    const seen: number[] = [];
    await pool.run(describeFunction((x: number) => x), range(300), 2, { ...OPTIONS, progress: (done, total) => (expect(total).to.equal(300), seen.push(done)) });
    expect(seen.at(-1)).to.equal(300);
    expect(seen).to.deep.equal([...seen].sort((a, b) => a - b));
  });

  it('runs on the calling thread while threads start, and the threads take the rest once up', async () => {
    const pool = new ThreadPool(2);
    pools.push(pool);
    const tag = describeFunction((x: number) => {
      const end = Date.now() + 2;
      while (Date.now() < end);
      return [x, (globalThis as { [MAIN]?: boolean })[MAIN] === true ? 'main' : 'thread'];
    }, { MAIN });
    const out = (await pool.run(tag, range(300), 2, OPTIONS)) as Array<[number, string]>;
    expect(out.map(([x]) => x)).to.deep.equal(range(300));
    const where = out.map(([, w]) => w);
    expect(where[0], 'the first packet runs here, threads still starting').to.equal('main');
    expect(where.at(-1), 'the last ones on a thread').to.equal('thread');
    // This thread took the front, the threads the back: the two never interleave.
    expect(where.lastIndexOf('main')).to.be.below(where.indexOf('thread'));
  });

  it('runs a short first job on the calling thread alone, and starts a thread with each later call', async () => {
    const pool = new ThreadPool(2);
    pools.push(pool);
    const id = describeFunction((x: number) => x);
    expect(await pool.run(whereRan, range(1000), 2, OPTIONS)).to.deep.equal(range(1000).map(() => 'main'));
    expect(pool.started, 'no thread would be up before the job ends').to.equal(0);
    const second = pool.run(id, range(1000), 2, OPTIONS);
    expect(pool.started).to.equal(1);
    expect(await second).to.deep.equal(range(1000));
    await pool.up();
    expect(pool.started, 'an idle pool starts none').to.equal(1);
    const third = pool.run(id, range(10), 2, OPTIONS);
    expect(pool.started).to.equal(2);
    expect(await third).to.deep.equal(range(10));
    await pool.up();
    expect(await pool.run(whereRan, range(50), 2, OPTIONS)).to.deep.equal(range(50).map(() => 'thread'));
  });

  it('fails a long first job whose function does not compile with the typed error, on a thread', async () => {
    const pool = new ThreadPool(2);
    pools.push(pool);
    const broken: FunctionDef = { kind: 'source', hash: 'does-not-compile', source: '(x) => {', env: {} };
    const error = await pool.run(broken, range(100), 2, OPTIONS).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(TaskError).and.include({ remoteName: 'NotShippableError' });
    expect(pool.started).to.equal(1);
  });

  it('starts the first thread at once for a first job of few packets, one of which may be long', async () => {
    const pool = new ThreadPool(2);
    pools.push(pool);
    const job = pool.run(describeFunction((x: number) => x), range(3), 2, OPTIONS);
    expect(pool.started).to.equal(1);
    expect(await job).to.deep.equal(range(3));
  });

  it('starts the second thread during a first job long enough to use it', async () => {
    const pool = new ThreadPool(2);
    pools.push(pool);
    // 1.5 s of work: worth a second thread unless a thread takes more than a fifth of it to start.
    const busy = describeFunction((x: number) => {
      const end = Date.now() + 3;
      while (Date.now() < end);
      return x;
    });
    expect(await pool.run(busy, range(500), 2, OPTIONS)).to.deep.equal(range(500));
    expect(pool.started).to.equal(2);
  });

  it('rejects pending and later calls with ClusterClosedError once closed', async () => {
    const pool = await make();
    const slow = describeFunction(async (x: number) => new Promise((resolve) => setTimeout(() => resolve(x), 1000)));
    const pending = pool.run(slow, range(4), 2, OPTIONS).catch((e: unknown) => e);
    await pool.close();
    expect(await pending).to.be.instanceOf(ClusterClosedError);
    expect(await pool.run(slow, [1], 2, OPTIONS).catch((e: unknown) => e)).to.be.instanceOf(ClusterClosedError);
  });
});

describe('ThreadExecutor, queued runs', () => {
  it('runs a queued batch after the one before it, and settles runs in order', async () => {
    const executor = new ThreadExecutor();
    try {
      const fn = describeFunction(async (x: number) => new Promise((resolve) => setTimeout(() => resolve(x), 20 - x)));
      const settled: number[] = [];
      const runs = [0, 1, 2].map((k) => executor.run(fn, [k * 3, k * 3 + 1, k * 3 + 2]).then((o) => (settled.push(k), o.outcomes.map((x) => (x.ok ? x.value : x.error)))));
      expect(await Promise.all(runs)).to.deep.equal([[0, 1, 2], [3, 4, 5], [6, 7, 8]]);
      expect(settled).to.deep.equal([0, 1, 2]);
    } finally {
      await executor.close();
    }
  });

  it('tells the run that killed the thread from the runs queued behind it, which never started', async () => {
    const executor = new ThreadExecutor();
    try {
      await executor.ready();
      const exit = executor.run(describeFunction(() => process.exit(2)), [0]).catch((e: unknown) => e);
      const behind = executor.run(describeFunction((x: number) => x), [1]).catch((e: unknown) => e);
      const [first, second] = await Promise.all([exit, behind]);
      expect(first).to.be.instanceOf(WorkerCrashedError);
      expect(neverStarted(first)).to.equal(false);
      expect(second).to.be.instanceOf(WorkerCrashedError);
      expect(neverStarted(second)).to.equal(true);
      expect((await executor.run(describeFunction((x: number) => x + 1), [1])).outcomes).to.deep.equal([{ ok: true, value: 2 }]);
    } finally {
      await executor.close();
    }
  });
});
