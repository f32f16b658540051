import { expect } from 'chai';
import { WorkerCrashedError } from '../../src/errors.js';
import { describeFunction } from '../../src/functions/index.js';
import type { ExecutorFactory, TaskExecutor } from '../../src/worker/executor.js';

/** Bound through `env` in the shipped function, not in this module. */
declare const scale: number;

/** Timers may fire up to a millisecond early by `performance.now()`; allow that, downward only. */
const TIMER_SLACK_MS = 2;

/** The behaviour every `TaskExecutor` promises; each executor's test file runs it. */
export function executorConformance(factory: ExecutorFactory): void {
  let executors: TaskExecutor[] = [];
  const make = (...options: Parameters<ExecutorFactory>): TaskExecutor => {
    const executor = factory(...options);
    executors.push(executor);
    return executor;
  };
  afterEach(async () => {
    await Promise.all(executors.map((e) => e.close()));
    executors = [];
  });

  it('returns one outcome per argument, in order', async () => {
    const batch = await make({}).run(describeFunction((x: number) => x + 1), [1, 2, 3, 4]);
    expect(batch.outcomes).to.deep.equal([2, 3, 4, 5].map((value) => ({ ok: true, value })));
    expect(batch.ms).to.be.at.least(0);
  });

  it('awaits async functions, one packet at a time', async () => {
    const fn = describeFunction(async (i: number) => {
      await new Promise((resolve) => setTimeout(resolve, 5 - i));
      return [i, performance.now()];
    });
    const batch = await make({}).run(fn, [0, 1, 2, 3]);
    const values = batch.outcomes.map((o) => (o.ok ? (o.value as [number, number]) : [NaN, NaN]));
    expect(values.map(([i]) => i)).to.deep.equal([0, 1, 2, 3]);
    const times = values.map(([, t]) => t);
    expect(times).to.deep.equal([...times].sort((a, b) => a - b));
  });

  it('turns thrown errors into outcomes with name, message and stack', async () => {
    const fn = describeFunction((x: number) => {
      if (x === 2) throw new RangeError(`bad ${x}`);
      if (x === 3) throw 'plain';
      return x;
    });
    const { outcomes } = await make({}).run(fn, [1, 2, 3, 4]);
    expect(outcomes[0]).to.deep.equal({ ok: true, value: 1 });
    expect(outcomes[1]).to.deep.include({ ok: false });
    const error = outcomes[1]!.ok ? undefined : outcomes[1]!.error;
    expect(error).to.include({ name: 'RangeError', message: 'bad 2' });
    expect(error?.stack).to.be.a('string').that.contains('bad 2');
    expect(outcomes[2]).to.deep.equal({ ok: false, error: { name: 'Error', message: 'plain' } });
    expect(outcomes[3]).to.deep.equal({ ok: true, value: 4 });
  });

  it('answers a definition that does not compile with one error outcome per argument', async () => {
    const broken = { kind: 'source', hash: 'broken-def', source: '(x) => {', env: {} } as const;
    const { outcomes } = await make({}).run(broken, [1, 2]);
    expect(outcomes.map((o) => (o.ok ? 'ok' : o.error.name))).to.deep.equal(['NotShippableError', 'NotShippableError']);
  });

  it('slows every packet down by slowFactor', async () => {
    const fn = describeFunction(async () => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      return 1;
    });
    const executor = make({ slowFactor: 2 });
    const start = performance.now();
    const batch = await executor.run(fn, [0]);
    expect(batch.ms).to.be.at.least(40 - TIMER_SLACK_MS);
    expect(performance.now() - start).to.be.at.least(40 - TIMER_SLACK_MS);
  });

  it('carries BigInt and Float64Array values both ways', async () => {
    const fn = describeFunction((x: { big: bigint; data: Float64Array }) => ({ big: x.big * 2n, data: x.data.map((v) => v * scale) }), { scale: 3 });
    const { outcomes } = await make({}).run(fn, [{ big: 2n ** 70n, data: new Float64Array([0.5, -1]) }]);
    const value = outcomes[0]!.ok ? (outcomes[0]!.value as { big: bigint; data: Float64Array }) : undefined;
    expect(value?.big).to.equal(2n ** 71n);
    expect(value?.data).to.be.instanceOf(Float64Array);
    expect([...value!.data]).to.deep.equal([1.5, -3]);
  });

  it('rejects a pending run on close, without waiting for it, and closes idempotently', async () => {
    const executor = make({});
    const pending = executor.run(describeFunction(() => new Promise(() => undefined)), [1]).catch((e: unknown) => e);
    await executor.close();
    expect(await pending).to.be.instanceOf(WorkerCrashedError);
    await Promise.all([executor.close(), executor.close()]);
    expect(await executor.run(describeFunction((x: number) => x), [1]).catch((e: unknown) => e)).to.be.instanceOf(WorkerCrashedError);
  });
}
