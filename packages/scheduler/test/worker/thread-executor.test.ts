import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { WorkerCrashedError } from '../../src/errors.js';
import { describeFunction } from '../../src/functions/index.js';
import { neverStarted, ThreadExecutor, wasWithdrawn, type ThreadExecutorOptions } from '../../src/worker/thread-executor.js';
import { executorConformance } from './executor-conformance.js';

describe('ThreadExecutor', () => {
  executorConformance((options) => new ThreadExecutor(options));

  let executors: ThreadExecutor[] = [];
  const make = (options: ThreadExecutorOptions = {}): ThreadExecutor => {
    const executor = new ThreadExecutor(options);
    executors.push(executor);
    return executor;
  };
  afterEach(async () => {
    await Promise.all(executors.map((e) => e.close()));
    executors = [];
  });

  const identity = describeFunction((x: unknown) => x);

  it('survives a packet that calls process.exit: that run rejects, the next one works', async () => {
    const executor = make({ name: 'exiting' });
    const error = await executor.run(describeFunction(() => process.exit(3)), [1]).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(WorkerCrashedError);
    expect((error as Error).message).to.contain('code 3').and.contain('exiting');
    expect((await executor.run(identity, ['again'])).outcomes).to.deep.equal([{ ok: true, value: 'again' }]);
  });

  it('survives a packet that runs out of memory under resourceLimits', async () => {
    const executor = make({ resourceLimits: { maxOldGenerationSizeMb: 32 } });
    const hog = describeFunction(() => {
      const hoard: number[][] = [];
      for (;;) hoard.push(new Array(100_000).fill(1.5));
    });
    const error = await executor.run(hog, [1]).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(WorkerCrashedError);
    expect((error as Error).cause).to.have.property('code', 'ERR_WORKER_OUT_OF_MEMORY');
    expect((await executor.run(identity, [7])).outcomes).to.deep.equal([{ ok: true, value: 7 }]);
  });

  it('sends a definition to a new thread again after a crash', async () => {
    const executor = make();
    const inc = describeFunction((x: number) => x + 1);
    await executor.run(inc, [1]);
    await executor.run(describeFunction(() => process.exit(1)), [1]).catch(() => undefined);
    expect((await executor.run(inc, [1])).outcomes).to.deep.equal([{ ok: true, value: 2 }]);
  });

  it('sends a definition again when the thread asks for it', async () => {
    const executor = make();
    // A definition that does not compile is remembered as sent but is not cached by the thread.
    const broken = { kind: 'source', hash: 'broken-twice', source: '(x) => {', env: {} } as const;
    for (let round = 0; round < 2; round++) {
      const { outcomes } = await executor.run(broken, [1]);
      expect(outcomes[0]).to.deep.include({ ok: false });
      expect(outcomes[0]!.ok ? '' : outcomes[0]!.error.message).to.contain('does not compile');
    }
  });

  it('turns a result that cannot be cloned into an error outcome', async () => {
    const executor = make();
    const { outcomes } = await executor.run(describeFunction((x: number) => (x === 1 ? () => x : x)), [0, 1, 2]);
    expect(outcomes.map((o) => (o.ok ? o.value : o.error.name))).to.deep.equal([0, 'DataCloneError', 2]);
  });

  it('is ready once its thread has loaded, and rejects ready after close', async () => {
    const executor = make();
    await executor.ready();
    await executor.close();
    expect(await executor.ready().catch((e: unknown) => e)).to.be.instanceOf(WorkerCrashedError);
  });

  describe('withdraw', () => {
    /** Sets flag[0] to `value` (shared memory: the thread writes what this thread reads), then sleeps `ms`. */
    const signal = describeFunction(async ({ flag, value, ms }: { flag: Int32Array; value: number; ms: number }) => {
      Atomics.store(flag, 0, value);
      Atomics.notify(flag, 0);
      await new Promise((r) => setTimeout(r, ms));
      return value;
    });
    const newFlag = () => new Int32Array(new SharedArrayBuffer(4));
    /** Blocks this thread until flag[0] is `value`, at most 5 s. */
    const awaitFlag = (flag: Int32Array, value: number) => {
      const deadline = Date.now() + 5_000;
      for (let now = Atomics.load(flag, 0); now !== value; now = Atomics.load(flag, 0)) {
        if (Date.now() > deadline) throw new Error(`flag stayed ${now}, expected ${value}`);
        Atomics.wait(flag, 0, now, 100);
      }
    };

    it('takes back a run queued behind the running one: it rejects as never started and nothing of it runs', async () => {
      const executor = make();
      const flag = newFlag();
      const first = executor.run(signal, [{ flag, value: 1, ms: 300 }]);
      const second = executor.run(signal, [{ flag, value: 2, ms: 0 }]);
      awaitFlag(flag, 1);
      expect(await executor.withdraw()).to.equal(true);
      const error = await second.catch((e: unknown) => e);
      expect(wasWithdrawn(error)).to.equal(true);
      expect(neverStarted(error)).to.equal(true);
      expect((await first).outcomes).to.deep.equal([{ ok: true, value: 1 }]);
      expect(Atomics.load(flag, 0)).to.equal(1);
      // The thread goes on with what comes next.
      expect((await executor.run(signal, [{ flag, value: 3, ms: 0 }])).outcomes).to.deep.equal([{ ok: true, value: 3 }]);
    });

    it('takes nothing back when no run is queued', async () => {
      const executor = make();
      expect(await executor.withdraw()).to.equal(false);
      const flag = newFlag();
      const only = executor.run(signal, [{ flag, value: 1, ms: 50 }]);
      expect(await executor.withdraw()).to.equal(false);
      expect((await only).outcomes).to.deep.equal([{ ok: true, value: 1 }]);
    });

    it('does not take back a queued run the thread started before the request came: it settles as usual', async () => {
      const executor = make();
      await executor.ready();
      const flag = newFlag();
      const first = executor.run(signal, [{ flag, value: 1, ms: 0 }]);
      const second = executor.run(signal, [{ flag, value: 2, ms: 100 }]);
      // Blocks this thread until the second run started: the first one's answer is still unread here.
      awaitFlag(flag, 2);
      expect(await executor.withdraw()).to.equal(false);
      expect((await first).outcomes).to.deep.equal([{ ok: true, value: 1 }]);
      expect((await second).outcomes).to.deep.equal([{ ok: true, value: 2 }]);
    });
  });

  it('does not keep the process alive while idle', async function () {
    this.timeout(20_000);
    const module = new URL('../../src/worker/thread-executor.js', import.meta.url).href;
    const functions = new URL('../../src/functions/index.js', import.meta.url).href;
    const script = `
      const { ThreadExecutor } = await import(${JSON.stringify(module)});
      const { describeFunction } = await import(${JSON.stringify(functions)});
      const batch = await new ThreadExecutor().run(describeFunction((x) => x * 2), [21]);
      console.log(JSON.stringify(batch.outcomes));`;
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(process.execPath, ['--input-type=module', '-e', script], { timeout: 15_000 }, (error, out) => (error ? reject(error) : resolve(out)));
    });
    expect(JSON.parse(stdout)).to.deep.equal([{ ok: true, value: 42 }]);
  });
});
