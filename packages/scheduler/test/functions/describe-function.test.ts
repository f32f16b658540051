import { expect } from 'chai';
import fc from 'fast-check';
import { InvalidArgumentError } from '@armada/actors';
import { CapturedVariableError, NotShippableError } from '../../src/errors.js';
import { describeFunction } from '../../src/functions/index.js';

/** Makes a real function from source text, outside any closure of this file. */
const fromSource = (source: string): Function => new Function(`return (${source});`)() as Function;

function thrown(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

describe('describeFunction', () => {
  it('accepts arrow functions, async functions and function expressions', () => {
    const arrow = describeFunction((x: number) => x + 1);
    expect(arrow).to.include({ kind: 'source', source: '(x) => x + 1', name: 'anonymous' });
    expect(describeFunction(async (x: number) => x).source).to.match(/^async/);
    expect(describeFunction(function double(x: number) { return 2 * x; }).name).to.equal('double');
    expect(describeFunction(function* (x: number) { yield x; }).kind).to.equal('source');
    expect(describeFunction(async function* (x: number) { yield x; }).kind).to.equal('source');
    expect(arrow.hash).to.match(/^[A-Za-z0-9_-]{22}$/);
  });

  it('names exactly the captured variables', () => {
    const offset = 1;
    const scale = 2;
    const error = thrown(() => describeFunction((x: number) => x * scale + offset + scale));
    expect(error).to.be.instanceOf(CapturedVariableError);
    expect((error as CapturedVariableError).variables).to.deep.equal(['offset', 'scale']);
    expect((error as Error).message).to.contain('"offset", "scale"');
  });

  it('accepts a captured variable passed in env, and an inner function’s own names', () => {
    const offset = 1;
    const def = describeFunction((x: number) => x + offset, { offset });
    expect(def.env).to.deep.equal({ offset: 1 });
    expect(() => describeFunction((xs: number[]) => xs.map((x) => { const y = x; return y; }))).not.to.throw();
    expect(() => describeFunction(function fib(n: number): number { return n < 2 ? n : fib(n - 1) + fib(n - 2); })).not.to.throw();
  });

  it('accepts standard globals', () => {
    expect(() => describeFunction((x: number) => Math.max(x, Number(BigInt(x)), JSON.parse('1') as number))).not.to.throw();
    expect(() => describeFunction(() => new Promise((resolve) => setTimeout(resolve, 1)))).not.to.throw();
  });

  it('rejects require and the other CommonJS module locals unless they are in env', () => {
    const error = thrown(() => describeFunction(fromSource('(x) => require(x) + __dirname')));
    expect((error as CapturedVariableError).variables).to.deep.equal(['__dirname', 'require']);
    expect(() => describeFunction(fromSource('(x) => require(x)'), { require: 1 })).not.to.throw();
  });

  it('rejects native and bound functions, classes and method shorthands', () => {
    const method = { twice(x: number) { return 2 * x; } }.twice;
    const getter = Object.getOwnPropertyDescriptor({ get size() { return 1; } }, 'size')!.get!;
    for (const fn of [Math.max, ((x: number) => x).bind(null), class Point {}, method, getter]) {
      expect(() => describeFunction(fn), String(fn)).to.throw(NotShippableError);
    }
    expect(thrown(() => describeFunction(method))).to.have.property('message').that.contains('method shorthand');
    expect(thrown(() => describeFunction(((x: number) => x).bind(null)))).to.have.property('message').that.contains('bound');
  });

  it('gives the same hash for the same source and env, another for another env', () => {
    const a = describeFunction(fromSource('(x) => x + k'), { k: 1 });
    const b = describeFunction(fromSource('(x) => x + k'), { k: 1 });
    const c = describeFunction(fromSource('(x) => x + k'), { k: 2 });
    const d = describeFunction(fromSource('(x) => x - k'), { k: 1 });
    expect(a.hash).to.equal(b.hash);
    expect(new Set([a.hash, c.hash, d.hash]).size).to.equal(3);
    expect(describeFunction((x: Float64Array) => x, { data: new Float64Array([1, 2]) }).hash).not.to.equal(
      describeFunction((x: Float64Array) => x, { data: new Float64Array([1, 3]) }).hash,
    );
  });

  it('rejects a non-function, a non-plain env and env keys that are not variable names', () => {
    expect(() => describeFunction(42 as unknown as Function)).to.throw(InvalidArgumentError);
    expect(() => describeFunction((x: number) => x, new Map() as unknown as Record<string, unknown>)).to.throw(InvalidArgumentError);
    expect(() => describeFunction((x: number) => x, { 'not-a-name': 1 })).to.throw(InvalidArgumentError);
    expect(() => describeFunction((x: number) => x, { class: 1 })).to.throw(InvalidArgumentError);
    expect(() => describeFunction((x: number) => x, { f: () => 1 })).to.throw(NotShippableError);
  });

  it('names exactly the free names that are not in env (property)', () => {
    const name = fc.stringMatching(/^v_[a-z0-9]{1,6}$/);
    fc.assert(
      fc.property(fc.uniqueArray(name, { maxLength: 8 }), fc.uniqueArray(name, { maxLength: 8 }), (used, given) => {
        const source = `(p) => [p, ${used.join(', ')}]`;
        const env = Object.fromEntries(given.map((key) => [key, 0]));
        const missing = used.filter((n) => !given.includes(n)).sort();
        const error = missing.length === 0 ? undefined : thrown(() => describeFunction(fromSource(source), env));
        if (missing.length === 0) expect(() => describeFunction(fromSource(source), env)).not.to.throw();
        else expect((error as CapturedVariableError).variables).to.deep.equal(missing);
      }),
      { numRuns: 200 },
    );
  });
});
