import { expect } from 'chai';
import fc from 'fast-check';
import { CborSerializer, InvalidArgumentError } from '@armada/actors';
import { ArgumentTypeError, SCHEDULER_ERRORS } from '../../src/errors.js';
import { checkArguments } from '../../src/functions/check-args.js';
import { describeValue } from '../../src/functions/describe-value.js';
import { readSignatures, type FunctionSignature, type ParamSignature, type TypeDesc } from '../../src/functions/signatures.js';
import { conforming, typeDesc, violating } from './type-desc-arbitraries.js';

function rejection(sig: FunctionSignature, args: readonly unknown[]): ArgumentTypeError {
  try {
    checkArguments(sig, args);
  } catch (error) {
    if (error instanceof ArgumentTypeError) return error;
    throw error;
  }
  throw new Error(`expected ${sig.name} to reject its arguments`);
}

const SOURCE = `
export interface Block { rows: number; data: Float64Array; tags?: Map<string, Set<number>> }
interface Tree { value: number; children: Tree[] }
type Shape = { kind: 'circle'; r: number } | { kind: 'square'; side: number };
export function matrixMultiply(a: number[], b: Block[], width: number, rows?: number) { return a; }
export function mixed(t: [number, string?, ...bigint[]], tree: Tree, shape: Shape, mode: 'fast' | 'slow', when: Date, counts: Record<string, number>) {}
export function spread(first: string, ...rest: number[]) {}
export function keyed(m: Map<string, number[]>, s: Set<bigint>, big: bigint, bytes: Uint8Array) {}
`;

const sigs = readSignatures(SOURCE, 'functions.ts');
const sig = (name: string): FunctionSignature => sigs.find((s) => s.name === name)!;

function param(name: string, type: TypeDesc | null, flags: Partial<ParamSignature> = {}): ParamSignature {
  return { name, type, optional: false, rest: false, ...flags };
}

describe('checkArguments', () => {
  it('accepts arguments that fit, optional ones left out or undefined', () => {
    const block = { rows: 2, data: new Float64Array(4), tags: new Map([['k', new Set([1, 2])]]) };
    expect(() => checkArguments(sig('matrixMultiply'), [[1, 2], [block], 4, 2])).not.to.throw();
    expect(() => checkArguments(sig('matrixMultiply'), [[1, 2], [block], 4])).not.to.throw();
    expect(() => checkArguments(sig('matrixMultiply'), [[], [], 4, undefined])).not.to.throw();
    const tree = { value: 1, children: [{ value: 2, children: [] }] };
    expect(() => checkArguments(sig('mixed'), [[1, 'x', 2n, 3n], tree, { kind: 'square', side: 2 }, 'fast', new Date(), { a: 1 }])).not.to.throw();
    expect(() => checkArguments(sig('spread'), ['x'])).not.to.throw();
    expect(() => checkArguments(sig('spread'), ['x', 1, 2, 3])).not.to.throw();
    expect(() => checkArguments(sig('keyed'), [new Map([['a', [1]]]), new Set([1n]), 2n, Buffer.from('hi')])).not.to.throw();
  });

  it('names function, path, expected and given in fields and message', () => {
    const error = rejection(sig('matrixMultiply'), [[1, 2], [{ rows: 1, data: new Float64Array(1) }, { rows: 'x', data: new Float64Array(1) }], 4]);
    expect(error).to.include({ functionName: 'matrixMultiply', path: 'b[1].rows', expected: 'number', given: 'string "x"', code: 'ERR_ARGUMENT_TYPE', retryable: false });
    expect(error.message).to.equal('matrixMultiply: b[1].rows: expected number, given string "x"');
  });

  it('tells number[] from string[], bigint from number and each typed-array kind from the others', () => {
    expect(rejection(sig('matrixMultiply'), [['1', '2'], [], 4])).to.include({ path: 'a[0]', expected: 'number', given: 'string "1"' });
    expect(rejection(sig('keyed'), [new Map(), new Set(), 2, new Uint8Array(1)])).to.include({ path: 'big', expected: 'bigint', given: 'number 2' });
    expect(rejection(sig('keyed'), [new Map(), new Set(), 2n, new Int8Array(3)])).to.include({ path: 'bytes', expected: 'Uint8Array', given: 'Int8Array(3)' });
    expect(rejection(sig('matrixMultiply'), [[1], [{ rows: 1, data: new Float32Array(10) }], 4])).to.include({ path: 'b[0].data', expected: 'Float64Array', given: 'Float32Array(10)' });
    expect(rejection(sig('matrixMultiply'), [new Float64Array(2), [], 4])).to.include({ path: 'a', expected: 'number[]', given: 'Float64Array(2)' });
  });

  it('reports arity: a missing required argument by name, too many as arguments', () => {
    expect(rejection(sig('matrixMultiply'), [[1], []])).to.include({ path: 'width', expected: 'number', given: 'nothing (2 arguments for (a, b, width, rows?))' });
    expect(rejection(sig('matrixMultiply'), [[1], [], 1, 2, 3])).to.include({ path: 'arguments', expected: 'at most 4 arguments (a, b, width, rows?)', given: '5 arguments' });
    expect(rejection(sig('spread'), [])).to.include({ path: 'first', given: 'nothing (0 arguments for (first, ...rest))' });
    expect(() => checkArguments(sig('spread'), 'x' as unknown as unknown[])).to.throw(InvalidArgumentError, /as an array/);
  });

  it('reports paths into tuples, rest parameters, maps, sets, records and recursive types', () => {
    const tree = { value: 1, children: [{ value: 2, children: [{ value: '3', children: [] }] }] };
    const good = [[1], { value: 1, children: [] }, { kind: 'circle', r: 1 }, 'slow', new Date(), {}];
    const withArg = (i: number, value: unknown) => good.map((g, j) => (j === i ? value : g));
    expect(rejection(sig('mixed'), withArg(0, [1, 'x', 2n, 3]))).to.include({ path: 't[3]', expected: 'bigint', given: 'number 3' });
    expect(rejection(sig('mixed'), withArg(0, []))).to.include({ path: 't', expected: '[number, string?, ...bigint[]] (at least 1 element)', given: 'Array(0)' });
    expect(rejection(sig('mixed'), withArg(1, tree))).to.include({ path: 'tree.children[0].children[0].value', expected: 'number', given: 'string "3"' });
    expect(rejection(sig('mixed'), withArg(5, { a: 1, 'b c': 'x' }))).to.include({ path: 'counts["b c"]', expected: 'number' });
    expect(rejection(sig('spread'), ['x', 1, '2'])).to.include({ path: 'rest[1]', expected: 'number', given: 'string "2"' });
    expect(rejection(sig('keyed'), [new Map([['a', [1]], ['b', [2, 'x']]]), new Set(), 1n, new Uint8Array()])).to.include({ path: 'm.get("b")[1]', given: 'string "x"' });
    expect(rejection(sig('keyed'), [new Map([[1, [1]]]), new Set(), 1n, new Uint8Array()])).to.include({ path: 'm.keys()[0]', expected: 'string', given: 'number 1' });
    expect(rejection(sig('keyed'), [new Map(), new Set([1n, 2]), 1n, new Uint8Array()])).to.include({ path: 's.values()[1]', expected: 'bigint' });
    expect(rejection(sig('matrixMultiply'), [[], [{ data: new Float64Array() }], 1])).to.include({ path: 'b[0].rows', given: 'undefined (missing)' });
    class Tile { constructor(readonly rows: unknown, readonly data: unknown) {} }
    expect(rejection(sig('matrixMultiply'), [[], [new Tile('2', new Float64Array())], 1])).to.include({ path: 'b[0].rows', given: 'string "2"' });
    expect(rejection(sig('matrixMultiply'), [[], [new Map()], 1])).to.include({ path: 'b[0]', expected: 'Block', given: 'Map(0)' });
  });

  it('follows the tag of a discriminated union into the member it selects, and names the union otherwise', () => {
    const good = [[1], { value: 1, children: [] }, { kind: 'circle', r: 1 }, 'slow', new Date(), {}];
    expect(rejection(sig('mixed'), [good[0], good[1], { kind: 'square', r: 1 }, ...good.slice(3)])).to.include({ path: 'shape.side', expected: 'number', given: 'undefined (missing)' });
    expect(rejection(sig('mixed'), [good[0], good[1], 'circle', ...good.slice(3)])).to.include({ path: 'shape', given: 'string "circle"' });
    expect(rejection(sig('mixed'), [...good.slice(0, 3), 'medium', ...good.slice(4)])).to.include({ path: 'mode', expected: '"fast" | "slow"' });
    const [nullable] = readSignatures('interface Block { rows: number }\nexport function f(b: Block | null, xs: number[] | string) {}', 'f.ts');
    expect(rejection(nullable!, [{ rows: 'x' }, 'ok'])).to.include({ path: 'b.rows', expected: 'number' });
    expect(rejection(nullable!, [null, [1, 'x']])).to.include({ path: 'xs[1]', expected: 'number' });
    expect(rejection(nullable!, [null, 3])).to.include({ path: 'xs', expected: 'string | number[]', given: 'number 3' });
  });

  it('keeps expected short for wide and deep types', () => {
    const wide: TypeDesc = { kind: 'union', members: Array.from({ length: 50 }, (_, i) => ({ kind: 'literal', value: `v${i}` })) };
    const wideError = rejection({ name: 'w', params: [param('x', wide)] }, [1]);
    expect(wideError.expected).to.contain('... (50 members)');
    let deep: TypeDesc = { kind: 'number' };
    for (let i = 0; i < 40; i++) deep = { kind: 'object', props: [{ name: `level${i}`, type: deep, optional: false }] };
    const deepError = rejection({ name: 'd', params: [param('x', deep)] }, [1]);
    expect(deepError.expected.length).to.be.at.most(200);
  });

  it('checks only the arity of plain JavaScript', () => {
    const [js] = readSignatures('export function f(a, b = 2) {}', 'f.js');
    expect(() => checkArguments(js!, ['anything', { at: 'all' }])).not.to.throw();
    expect(rejection(js!, [])).to.include({ path: 'a', expected: 'an argument' });
    expect(rejection(js!, [1, 2, 3])).to.include({ path: 'arguments', given: '3 arguments' });
  });

  it('rejects a cyclic value against a recursive type instead of overflowing the stack', () => {
    const tree: { value: number; children: unknown[] } = { value: 1, children: [] };
    tree.children.push(tree);
    const error = rejection(sig('mixed'), [[1], tree, { kind: 'circle', r: 1 }, 'fast', new Date(), {}]);
    expect(error.expected).to.match(/cyclic/);
  });

  it('checks a 1M-element number[] in well under 100 ms, and a typed array of any size in O(1)', () => {
    const numbers = Array.from({ length: 1_000_000 }, (_, i) => i * 0.5);
    const times = Array.from({ length: 3 }, () => {
      const start = performance.now();
      checkArguments(sig('matrixMultiply'), [numbers, [], 1]);
      return performance.now() - start;
    }).sort((a, b) => a - b);
    expect(times[1]).to.be.below(100);
    const blocks = [{ rows: 1, data: new Float64Array(4_000_000) }];
    const typedTimes = Array.from({ length: 5 }, () => {
      const start = performance.now();
      checkArguments(sig('matrixMultiply'), [[], blocks, 1]);
      return performance.now() - start;
    }).sort((a, b) => a - b);
    // The median, so that one garbage collection or preemption on a shared machine does not count.
    expect(typedTimes[2]).to.be.below(5);
  });

  it('checks unions and objects element by element without allocating per element', () => {
    const median = (action: () => void): number => {
      const times = Array.from({ length: 3 }, () => {
        const start = performance.now();
        action();
        return performance.now() - start;
      });
      return times.sort((a, b) => a - b)[1]!;
    };
    const mixed = Array.from({ length: 1_000_000 }, (_, i) => (i % 2 === 0 ? i : String(i)));
    const union: FunctionSignature = { name: 'u', params: [param('xs', { kind: 'array', element: { kind: 'union', members: [{ kind: 'string' }, { kind: 'number' }] } })] };
    // ~40 ms on a busy 2-core machine; allocating a mismatch per rejected member took 3.5 s.
    expect(median(() => checkArguments(union, [mixed]))).to.be.below(500);
    const blocks = Array.from({ length: 100_000 }, (_, i) => ({ rows: i, data: new Float64Array(1) }));
    expect(median(() => checkArguments(sig('matrixMultiply'), [[], blocks, 1]))).to.be.below(500);
  });

  it('crosses the wire as an ArgumentTypeError with its fields, being in the scheduler’s error list', () => {
    const serializer = new CborSerializer({ errors: SCHEDULER_ERRORS });
    const error = rejection(sig('matrixMultiply'), [['x'], [], 1]);
    const back = serializer.decode(serializer.encode(error), () => { throw new Error('no refs'); }) as ArgumentTypeError;
    expect(back).to.be.instanceOf(ArgumentTypeError);
    expect(back).to.include({ functionName: 'matrixMultiply', path: 'a[0]', expected: 'number', given: 'string "x"', code: 'ERR_ARGUMENT_TYPE', message: error.message });
  });

  describe('properties', () => {
    it('accepts every value that fits its type', () => {
      fc.assert(
        fc.property(typeDesc.chain((desc) => fc.tuple(fc.constant(desc), conforming(desc))), ([desc, value]) => {
          checkArguments({ name: 'f', params: [param('x', desc)] }, [value]);
        }),
        { numRuns: 300 },
      );
    });

    it('rejects every value with one misfit, at the misfit’s path, naming function, expected and given', () => {
      const cases = typeDesc.chain((desc) => {
        const bad = violating(desc);
        return bad === undefined ? fc.constant(undefined) : fc.tuple(fc.constant(desc), bad);
      });
      fc.assert(
        fc.property(cases, (found) => {
          fc.pre(found !== undefined);
          const [desc, v] = found!;
          const error = rejection({ name: 'job', params: [param('x', desc)] }, [v.value]);
          expect(error.functionName).to.equal('job');
          expect(error.path).to.equal(`x${v.path}`);
          expect(error.given).to.equal(v.given ?? describeValue(v.bad));
          expect(error.message).to.equal(`job: x${v.path}: expected ${error.expected}, given ${error.given}`);
          // The length of a tuple is the one misfit described by more than its type.
          if (!error.expected.includes(' element')) expect(error.expected).to.be.a('string').and.not.equal('');
        }),
        { numRuns: 300 },
      );
    });

    it('accepts fitting argument lists of any shape; rejects one too few, one too many and one wrong argument', () => {
      const shape = fc.tuple(fc.array(typeDesc, { maxLength: 3 }), fc.array(typeDesc, { maxLength: 2 }), fc.option(typeDesc, { nil: undefined }));
      const cases = shape.chain(([required, optional, rest]) => {
        const params = [
          ...required.map((t, i) => param(`r${i}`, t)),
          ...optional.map((t, i) => param(`o${i}`, t, { optional: true })),
          ...(rest === undefined ? [] : [param('more', { kind: 'array', element: rest }, { rest: true })]),
        ];
        const sigArb = fc.constant<FunctionSignature>({ name: 'g', params });
        const args = fc.tuple(...params.map((p) => (p.rest ? fc.array(conforming(rest!), { maxLength: 3 }) : conforming(p.type!))));
        const fitting = args.map((values) => params.flatMap((p, i) => (p.rest ? (values[i] as unknown[]) : [values[i]])));
        const target = fc.nat({ max: Math.max(0, params.length - 1) });
        return fc.tuple(sigArb, fitting, target).chain(([s, args, at]) => {
          const p = s.params[at];
          const bad = p === undefined || p.rest ? undefined : violating(p.type!, p.optional);
          return fc.tuple(fc.constant(s), fc.constant(args), fc.constant(at), bad ?? fc.constant(undefined));
        });
      });
      fc.assert(
        fc.property(cases, ([s, args, at, v]) => {
          checkArguments(s, args);
          const required = s.params.filter((p) => !p.optional && !p.rest);
          if (required.length > 0) expect(rejection(s, args.slice(0, required.length - 1)).path).to.equal(required.at(-1)!.name);
          if (!s.params.some((p) => p.rest)) expect(rejection(s, [...args, ...Array<unknown>(s.params.length - args.length + 1).fill(0)]).path).to.equal('arguments');
          if (v === undefined) return;
          const wrong = [...args];
          wrong[at] = v.value;
          expect(rejection(s, wrong).path).to.equal(`${s.params[at]!.name}${v.path}`);
        }),
        { numRuns: 200 },
      );
    });
  });
});
