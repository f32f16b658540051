import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { WorkerCrashedError } from '../../src/errors.js';
import { describeFunction } from '../../src/functions/index.js';
import { ThreadExecutor, type ThreadExecutorOptions } from '../../src/worker/thread-executor.js';
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
