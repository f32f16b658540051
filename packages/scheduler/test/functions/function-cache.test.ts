import { expect } from 'chai';
import { NotShippableError } from '../../src/errors.js';
import { FunctionCache, type SourceFunction } from '../../src/functions/index.js';

const source = (text: string): SourceFunction => ({ kind: 'source', hash: `h-${text}`, source: text, env: {} });

describe('FunctionCache', () => {
  it('compiles once per hash and returns the cached function', () => {
    const cache = new FunctionCache();
    const def = source('(x) => x + 1');
    const first = cache.add(def);
    expect(cache.add(def)).to.equal(first);
    expect(cache.has(def.hash)).to.equal(true);
    expect(cache.get(def.hash)).to.equal(first);
    expect(cache.size).to.equal(1);
  });

  it('throws a clear error for an unknown hash', () => {
    expect(() => new FunctionCache().get('nope')).to.throw(/no function with hash nope/);
  });

  it('drops the least recently used function when full', () => {
    const cache = new FunctionCache({ capacity: 2 });
    const [a, b, c] = ['(x) => 1', '(x) => 2', '(x) => 3'].map((text) => source(text));
    cache.add(a!);
    cache.add(b!);
    cache.get(a!.hash);
    cache.add(c!);
    expect([cache.has(a!.hash), cache.has(b!.hash), cache.has(c!.hash)]).to.deep.equal([true, false, true]);
  });

  it('caches nothing when a definition does not compile', () => {
    const cache = new FunctionCache();
    expect(() => cache.add(source('(x) =>'))).to.throw(NotShippableError);
    expect(cache.size).to.equal(0);
  });
});
