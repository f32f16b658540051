import { expect } from 'chai';
import { NotShippableError } from '../../src/errors.js';
import { compileFunction, describeFunction, type SourceFunction } from '../../src/functions/index.js';

const source = (text: string, env: Record<string, unknown> = {}): SourceFunction => ({ kind: 'source', hash: `h-${text}`, source: text, env });

describe('compileFunction', () => {
  it('compiles a described function with its env bound', () => {
    const fn = compileFunction(describeFunction(new Function('return (x) => x * k + offset')() as Function, { k: 3, offset: 1 }));
    expect(fn(2)).to.equal(7);
  });

  it('compiles in strict mode', () => {
    const fn = compileFunction(source('function () { return this; }'));
    expect(fn(1)).to.equal(undefined);
  });

  it('wraps a syntax error in NotShippableError with the cause', () => {
    let error: unknown;
    try {
      compileFunction(source('(x) => {'));
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(NotShippableError);
    expect((error as Error).cause).to.be.instanceOf(SyntaxError);
  });

  it('rejects module functions and sources that are not functions', () => {
    expect(() => compileFunction({ kind: 'module', hash: 'm', module: 'x', exportName: 'f', spread: false, file: 'f.ts' })).to.throw(NotShippableError, /loadFunction/);
    expect(() => compileFunction(source('42'))).to.throw(NotShippableError, /not a function/);
  });
});
