import { expect } from 'chai';
import { InvalidArgumentError } from '@armada/actors';
import { SimulatedClock } from '@armada/actors/testkit';
import { WorkerCrashedError } from '../../src/errors.js';
import { describeFunction } from '../../src/functions/index.js';
import type { BatchOutcome } from '../../src/worker/executor.js';
import { SimulatedExecutor } from '../../src/testing/simulated-executor.js';
import { neverStarted } from '../../src/worker/executor.js';

/** Settles `promise` into a value, so a test can look at it before and after moving the clock. */
function watch<T>(promise: Promise<T>): { readonly value: () => T | Error | undefined } {
  let value: T | Error | undefined;
  promise.then(
    (v) => (value = v),
    (e: unknown) => (value = e as Error),
  );
  return { value: () => value };
}

describe('SimulatedExecutor', () => {
  const double = describeFunction((x: number) => x * 2);

  it('resolves when the clock reaches the cost of the batch, times the slow factor', async () => {
    const clock = new SimulatedClock();
    const executor = new SimulatedExecutor(clock, { cost: (x) => x as number, slowFactor: 2 });
    const run = watch(executor.run(double, [1, 2, 3]));
    await clock.advance(11);
    expect(run.value()).to.equal(undefined);
    await clock.advance(1);
    expect(run.value()).to.deep.equal({ outcomes: [2, 4, 6].map((value) => ({ ok: true, value })), ms: 12 } satisfies BatchOutcome);
  });

  it('costs 1 ms per packet by default, and passes each packet its index in the batch', async () => {
    const clock = new SimulatedClock();
    const seen: Array<[unknown, number]> = [];
    const factory = SimulatedExecutor.factory(clock, { cost: (arg, index) => (seen.push([arg, index]), 1) });
    const run = watch(factory({}).run(double, [5, 6]));
    await clock.advance(2);
    expect((run.value() as BatchOutcome).ms).to.equal(2);
    expect(seen).to.deep.equal([
      [5, 0],
      [6, 1],
    ]);
    const plain = watch(new SimulatedExecutor(clock).run(double, [1, 2, 3]));
    await clock.advance(3);
    expect((plain.value() as BatchOutcome).ms).to.equal(3);
  });

  it('turns thrown errors into outcomes and a definition that does not compile into one per argument', async () => {
    const clock = new SimulatedClock();
    const executor = new SimulatedExecutor(clock);
    const fn = describeFunction((x: number) => {
      if (x === 2) throw new RangeError(`bad ${x}`);
      return x;
    });
    const run = watch(executor.run(fn, [1, 2]));
    await clock.advance(2);
    const { outcomes } = run.value() as BatchOutcome;
    expect(outcomes[0]).to.deep.equal({ ok: true, value: 1 });
    expect(outcomes[1]!.ok ? undefined : outcomes[1]!.error).to.include({ name: 'RangeError', message: 'bad 2' });
    const broken = await executor.run({ kind: 'source', hash: 'broken', source: '(x) => {', env: {} }, [1, 2]);
    expect(broken.outcomes.map((o) => (o.ok ? 'ok' : o.error.name))).to.deep.equal(['NotShippableError', 'NotShippableError']);
  });

  it('awaits async functions, one packet at a time', async () => {
    const clock = new SimulatedClock();
    const fn = describeFunction(async (x: number) => {
      await Promise.resolve();
      return x + 1;
    });
    const run = watch(new SimulatedExecutor(clock).run(fn, [1, 2]));
    await clock.advance(2);
    expect((run.value() as BatchOutcome).outcomes).to.deep.equal([
      { ok: true, value: 2 },
      { ok: true, value: 3 },
    ]);
  });

  it('dies with WorkerCrashedError while running a packet crashWhen picks, after the time so far', async () => {
    const clock = new SimulatedClock();
    const started: unknown[] = [];
    const executor = new SimulatedExecutor(clock, { cost: () => 2, crashWhen: (x) => (started.push(x), x === 2) });
    const run = watch(executor.run(double, [1, 2, 3]));
    await clock.advance(3);
    expect(run.value()).to.equal(undefined);
    await clock.advance(1);
    expect(run.value()).to.be.instanceOf(WorkerCrashedError);
    expect(started).to.deep.equal([1, 2]);
    const next = watch(executor.run(double, [3]));
    await clock.advance(2);
    expect(next.value()).to.deep.include({ ms: 2 });
  });

  it('rejects a pending run on close at once, even one that never settles, and every later run', async () => {
    const clock = new SimulatedClock();
    const executor = new SimulatedExecutor(clock);
    const hanging = watch(executor.run(describeFunction(() => new Promise(() => undefined)), [1]));
    const timed = new SimulatedExecutor(clock);
    const pending = watch(timed.run(double, [1]));
    await Promise.all([executor.close(), timed.close(), timed.close()]);
    await clock.advance(0);
    expect(hanging.value()).to.be.instanceOf(WorkerCrashedError);
    expect(pending.value()).to.be.instanceOf(WorkerCrashedError);
    expect(clock.pending).to.equal(0);
    expect(await executor.run(double, [1]).catch((e: unknown) => e)).to.be.instanceOf(WorkerCrashedError);
  });

  it('with queues, starts a run made while one runs when that one ends, and settles them in order', async () => {
    const clock = new SimulatedClock();
    const starts: Array<[unknown, number]> = [];
    const executor = new SimulatedExecutor(clock, { queues: true, cost: () => 2, onBatch: (e) => starts.push([e.args[0], e.at]) });
    expect(executor.queues).to.equal(true);
    expect(new SimulatedExecutor(clock).queues).to.equal(false);
    const first = watch(executor.run(double, [1, 2]));
    const second = watch(executor.run(double, [3]));
    await clock.advance(4);
    expect(first.value()).to.deep.include({ ms: 4 });
    expect(second.value()).to.equal(undefined);
    await clock.advance(2);
    expect(second.value()).to.deep.equal({ outcomes: [{ ok: true, value: 6 }], ms: 2 } satisfies BatchOutcome);
    expect(starts).to.deep.equal([
      [1, 0],
      [3, 4],
    ]);
  });

  it('with queues, a crash, stop or close fails the running run and the queued ones as never started', async () => {
    const clock = new SimulatedClock();
    const executor = new SimulatedExecutor(clock, { queues: true, cost: () => 1, crashWhen: (x) => x === 2 });
    const crashing = watch(executor.run(double, [1, 2]));
    const queued = watch(executor.run(double, [5]));
    await clock.advance(2);
    expect(crashing.value()).to.be.instanceOf(WorkerCrashedError);
    expect(neverStarted(crashing.value())).to.equal(false);
    expect(queued.value()).to.be.instanceOf(WorkerCrashedError);
    expect(neverStarted(queued.value())).to.equal(true);
    for (const end of [() => executor.stop(), () => executor.close()]) {
      const running = watch(executor.run(double, [1]));
      const behind = watch(executor.run(double, [3]));
      await end();
      await clock.advance(0);
      expect(neverStarted(running.value())).to.equal(false);
      expect(running.value()).to.be.instanceOf(WorkerCrashedError);
      expect(neverStarted(behind.value())).to.equal(true);
    }
    expect(clock.pending).to.equal(0);
  });

  it('fails the run when a cost is not a finite number ≥ 0, and refuses a bad slow factor', async () => {
    const clock = new SimulatedClock();
    const run = watch(new SimulatedExecutor(clock, { cost: () => -1 }).run(double, [1]));
    await clock.advance(0);
    expect(run.value()).to.be.instanceOf(InvalidArgumentError);
    expect(() => new SimulatedExecutor(clock, { slowFactor: 0.5 })).to.throw(InvalidArgumentError);
  });
});
