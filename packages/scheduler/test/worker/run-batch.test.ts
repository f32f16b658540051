import { expect } from 'chai';
import { InvalidArgumentError } from '@armada/actors';
import { failedOutcome, runBatch } from '../../src/worker/run-batch.cjs';
import { checkSlowFactor } from '../../src/worker/slow-factor.js';

describe('runBatch', () => {
  it('keeps argument order when synchronous and asynchronous results mix', async () => {
    const fn = (x: unknown) => ((x as number) % 2 === 0 ? x : Promise.resolve(x));
    const { outcomes } = await runBatch(fn, [0, 1, 2, 3, 4]);
    expect(outcomes.map((o) => (o.ok ? o.value : undefined))).to.deep.equal([0, 1, 2, 3, 4]);
  });

  it('awaits thenables and turns rejections into error outcomes', async () => {
    const thenable = { then: (resolve: (v: unknown) => void) => resolve('from thenable') };
    const fn = (x: unknown) => (x === 0 ? thenable : Promise.reject(new TypeError('nope')));
    const { outcomes } = await runBatch(fn, [0, 1]);
    expect(outcomes[0]).to.deep.equal({ ok: true, value: 'from thenable' });
    expect(outcomes[1]).to.deep.include({ ok: false });
    expect(outcomes[1]!.ok ? undefined : outcomes[1]!.error).to.include({ name: 'TypeError', message: 'nope' });
  });

  it('describes whatever was thrown without throwing itself', () => {
    expect(failedOutcome(42)).to.deep.equal({ ok: false, error: { name: 'Error', message: '42' } });
    expect(failedOutcome(Object.create(null))).to.deep.equal({ ok: false, error: { name: 'Error', message: '[object Object]' } });
    const hostile = new Proxy(new Error('x'), { get: () => { throw new Error('trap'); } });
    expect(failedOutcome(hostile).ok).to.equal(false);
  });

  it('runs a batch of synchronous packets before returning to the event loop', async () => {
    let ticks = 0;
    const timer = setImmediate(() => ticks++);
    const { outcomes } = await runBatch((x) => (x as number) + 1, Array.from({ length: 10_000 }, (_, i) => i));
    clearImmediate(timer);
    expect(ticks).to.equal(0);
    expect(outcomes).to.have.length(10_000);
    expect(outcomes[9_999]).to.deep.equal({ ok: true, value: 10_000 });
  });

  it('accepts slow factors of at least 1 only', () => {
    expect(checkSlowFactor(1)).to.equal(1);
    for (const bad of [0, 0.5, -1, Number.NaN, Number.POSITIVE_INFINITY]) expect(() => checkSlowFactor(bad)).to.throw(InvalidArgumentError);
  });
});
