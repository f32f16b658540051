import { expect } from 'chai';
import { CborSerializer, InvalidArgumentError } from '@armada/actors';
import { describeSignature, readSignatures, type FunctionSignature, type ParamSignature, type TypeDesc } from '../../src/functions/signatures.js';

/** The parameters of export `name` of a TypeScript source. */
function params(source: string, name: string, fileName = 'functions.ts'): ParamSignature[] {
  const found = readSignatures(source, fileName).find((s) => s.name === name);
  if (found === undefined) throw new Error(`no export ${name}`);
  return found.params;
}

/** The type of the only parameter of `f` declared as `(x: <type>)`, with `prelude` declared before. */
function typeOf(type: string, prelude = ''): TypeDesc | null {
  return params(`${prelude}\nexport function f(x: ${type}) {}`, 'f')[0]!.type;
}

const num = { kind: 'number' } as const;
const str = { kind: 'string' } as const;

describe('readSignatures', () => {
  describe('exports', () => {
    it('reads exported function declarations with their parameter names, in order', () => {
      const sigs = readSignatures('export function matrixMultiply(a: number[], b: number[], width: number, rows: number) { return a; }', 'm.ts');
      expect(sigs).to.have.length(1);
      expect(sigs[0]!.name).to.equal('matrixMultiply');
      expect(sigs[0]!.params.map((p) => p.name)).to.deep.equal(['a', 'b', 'width', 'rows']);
    });

    it('reads exported const arrows and function expressions, and leaves other values out', () => {
      const source = [
        'export const square = (x: number) => x * x;',
        'export const twice = function (s: string) { return s + s; };',
        'export const asyncOne = async (n: bigint) => n;',
        'export const limit = 3;',
        'export class Box {}',
        'export interface Shape { a: number }',
        'export type Id = string;',
      ].join('\n');
      const sigs = readSignatures(source, 'f.ts');
      expect(sigs.map((s) => s.name)).to.deep.equal(['square', 'twice', 'asyncOne']);
      expect(sigs.map((s) => s.params[0]!.type)).to.deep.equal([num, str, { kind: 'bigint' }]);
    });

    it('names a local function re-exported under another name by that name', () => {
      const sigs = readSignatures('function helper(x: number) { return x; }\nconst other = (y: string) => y;\nexport { helper as square, other };', 'f.ts');
      expect(sigs.map((s) => s.name).sort()).to.deep.equal(['other', 'square']);
      expect(sigs.find((s) => s.name === 'square')!.params[0]).to.deep.include({ name: 'x', type: num });
    });

    it('reads a const typed with a function type, and leaves out a this parameter', () => {
      expect(readSignatures('export const typed: (a: number, b?: string) => void = (a, b) => {};', 'f.ts')[0]!.params).to.deep.equal([
        { name: 'a', type: num, optional: false, rest: false },
        { name: 'b', type: str, optional: true, rest: false },
      ]);
      expect(params('export function g(this: { n: number }, a: number) {}', 'g').map((p) => p.name)).to.deep.equal(['a']);
    });

    it('names a default export "default", as the module namespace does', () => {
      expect(readSignatures('export default function (x: number) { return x; }', 'f.ts')).to.deep.equal([
        { name: 'default', params: [{ name: 'x', type: num, optional: false, rest: false }] },
      ]);
      expect(readSignatures('export default (s: string) => s;', 'f.ts')[0]!.name).to.equal('default');
      expect(readSignatures('function h(s: string) {}\nexport default h;', 'f.ts')[0]).to.deep.equal({ name: 'default', params: [{ name: 's', type: str, optional: false, rest: false }] });
    });

    it('leaves out re-exports from other files, whose signatures it cannot see', () => {
      const sigs = readSignatures("export { x } from './x.js';\nexport * from './y.js';\nexport function own(a: number) {}", 'f.ts');
      expect(sigs.map((s) => s.name)).to.deep.equal(['own']);
    });

    it('reads an overloaded function through its implementation', () => {
      const source = 'export function over(a: number): number;\nexport function over(a: string): string;\nexport function over(a: number | string) { return a; }';
      const type = params(source, 'over')[0]!.type as TypeDesc & { kind: 'union' };
      expect(type.kind).to.equal('union');
      expect(type.members).to.have.deep.members([num, str]);
    });

    it('reads .tsx and .jsx files with their JSX', () => {
      expect(readSignatures('export function View(props: { n: number }) { return <b>{props.n}</b>; }', 'view.tsx')[0]!.params[0]!.type).to.deep.equal({
        kind: 'object', props: [{ name: 'n', type: num, optional: false }],
      });
      expect(readSignatures('export function View(props) { return <b>{props.n}</b>; }', 'view.jsx')[0]!.params).to.have.length(1);
    });

    it('returns nothing for a file without exports', () => {
      expect(readSignatures('function local(x: number) {}', 'f.ts')).to.deep.equal([]);
      expect(readSignatures('', 'f.js')).to.deep.equal([]);
    });

    it('throws InvalidArgumentError naming file, line and column when the source does not parse', () => {
      expect(() => readSignatures('export function f(a: number {', 'broken.ts')).to.throw(InvalidArgumentError, /broken\.ts:1:\d+: /);
    });
  });

  describe('parameters', () => {
    it('marks optional parameters, defaults and rest parameters', () => {
      const ps = params('export function f(a: number, b?: string, c = 3, ...rest: boolean[]) {}', 'f');
      expect(ps).to.deep.equal([
        { name: 'a', type: num, optional: false, rest: false },
        { name: 'b', type: str, optional: true, rest: false },
        { name: 'c', type: num, optional: true, rest: false },
        { name: 'rest', type: { kind: 'array', element: { kind: 'boolean' } }, optional: false, rest: true },
      ]);
    });

    it('types a rest parameter as its whole array or tuple', () => {
      expect(params('export function f(...xs: [number, string]) {}', 'f')[0]!.type).to.deep.equal({
        kind: 'tuple',
        elements: [{ type: num, optional: false, rest: false }, { type: str, optional: false, rest: false }],
      });
    });

    it('names a destructured parameter after its position', () => {
      expect(params('export function f(a: number, { x }: { x: string }, [y]: number[]) {}', 'f').map((p) => p.name)).to.deep.equal(['a', 'arg1', 'arg2']);
    });

    it('reads plain JavaScript for arity only', () => {
      for (const fileName of ['f.js', 'f.mjs', 'f.cjs']) {
        expect(readSignatures('export function f(a, b = 1, ...c) {}\nexport const g = (x) => x;', fileName)).to.deep.equal([
          { name: 'f', params: [{ name: 'a', type: null, optional: false, rest: false }, { name: 'b', type: null, optional: true, rest: false }, { name: 'c', type: null, optional: false, rest: true }] },
          { name: 'g', params: [{ name: 'x', type: null, optional: false, rest: false }] },
        ]);
      }
    });

    it('types JavaScript parameters by their JSDoc where there is one', () => {
      const source = [
        '/** @typedef {{ rows: number }} Block */',
        '/**',
        ' * @param {number[]} a',
        ' * @param {Block} b',
        ' * @param {string=} c',
        ' * @param {...bigint} rest',
        ' */',
        'export function f(a, b, c, ...rest) {}',
        '/** @param {boolean} [flag] */',
        'export function g(untyped, flag) {}',
      ].join('\n');
      expect(readSignatures(source, 'f.js')).to.deep.equal([
        { name: 'f', params: [
          { name: 'a', type: { kind: 'array', element: num }, optional: false, rest: false },
          { name: 'b', type: { kind: 'object', name: 'Block', props: [{ name: 'rows', type: num, optional: false }] }, optional: false, rest: false },
          { name: 'c', type: str, optional: true, rest: false },
          { name: 'rest', type: { kind: 'array', element: { kind: 'bigint' } }, optional: false, rest: true },
        ] },
        { name: 'g', params: [{ name: 'untyped', type: null, optional: false, rest: false }, { name: 'flag', type: { kind: 'boolean' }, optional: true, rest: false }] },
      ]);
    });

    it('types an unannotated TypeScript parameter by its default, else accepts anything', () => {
      const ps = params('export function f(a = 1, b) {}', 'f');
      expect(ps[0]!.type).to.deep.equal(num);
      expect(ps[1]!.type).to.deep.equal({ kind: 'any', reason: 'declared' });
    });
  });

  describe('types', () => {
    it('reads the primitives, any and unknown', () => {
      expect(['number', 'string', 'boolean', 'bigint', 'null', 'undefined'].map((t) => typeOf(t))).to.deep.equal(
        ['number', 'string', 'boolean', 'bigint', 'null', 'undefined'].map((kind) => ({ kind })),
      );
      expect(typeOf('void')).to.deep.equal({ kind: 'undefined' });
      expect(typeOf('any')).to.deep.equal({ kind: 'any', reason: 'declared' });
      expect(typeOf('unknown')).to.deep.equal({ kind: 'any', reason: 'declared' });
      expect(typeOf('never')).to.deep.equal({ kind: 'union', members: [] });
    });

    it('reads literal types and unions of them', () => {
      expect(typeOf("'a'")).to.deep.equal({ kind: 'literal', value: 'a' });
      expect(typeOf('1')).to.deep.equal({ kind: 'literal', value: 1 });
      expect(typeOf('-1')).to.deep.equal({ kind: 'literal', value: -1 });
      expect(typeOf('true')).to.deep.equal({ kind: 'literal', value: true });
      expect(typeOf('10n')).to.deep.equal({ kind: 'literal', value: 10n });
      expect(typeOf("'a' | 'b'")).to.deep.equal({ kind: 'union', members: [{ kind: 'literal', value: 'a' }, { kind: 'literal', value: 'b' }] });
      expect(typeOf('Mode', "type Mode = 'fast' | 'slow';")).to.deep.equal({ kind: 'union', name: 'Mode', members: [{ kind: 'literal', value: 'fast' }, { kind: 'literal', value: 'slow' }] });
    });

    it('reads unions, keeping boolean whole', () => {
      const type = typeOf('number | string | boolean | null') as TypeDesc & { kind: 'union' };
      expect(type.members).to.have.deep.members([num, str, { kind: 'boolean' }, { kind: 'null' }]);
    });

    it('reads arrays in all three spellings and nested', () => {
      for (const spelling of ['number[]', 'Array<number>', 'ReadonlyArray<number>', 'readonly number[]']) {
        expect(typeOf(spelling), spelling).to.deep.equal({ kind: 'array', element: num });
      }
      expect(typeOf('string[][]')).to.deep.equal({ kind: 'array', element: { kind: 'array', element: str } });
    });

    it('reads tuples with optional, rest and labelled elements', () => {
      expect(typeOf('[number, string?, ...bigint[]]')).to.deep.equal({
        kind: 'tuple',
        elements: [
          { type: num, optional: false, rest: false },
          { type: str, optional: true, rest: false },
          { type: { kind: 'bigint' }, optional: false, rest: true },
        ],
      });
      expect(typeOf('[...string[], number]')).to.deep.equal({
        kind: 'tuple',
        elements: [{ type: str, optional: false, rest: true }, { type: num, optional: false, rest: false }],
      });
      expect(typeOf('[x: number, y?: number]')).to.deep.equal({
        kind: 'tuple',
        elements: [{ type: num, optional: false, rest: false, label: 'x' }, { type: num, optional: true, rest: false, label: 'y' }],
      });
    });

    it('reads each typed-array kind', () => {
      for (const name of ['Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array', 'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array']) {
        expect(typeOf(name), name).to.deep.equal({ kind: 'typedArray', name });
      }
    });

    it('reads Map, Set, ReadonlyMap, ReadonlySet and Date', () => {
      expect(typeOf('Map<string, number[]>')).to.deep.equal({ kind: 'map', key: str, value: { kind: 'array', element: num } });
      expect(typeOf('ReadonlyMap<number, string>')).to.deep.equal({ kind: 'map', key: num, value: str });
      expect(typeOf('Set<bigint>')).to.deep.equal({ kind: 'set', element: { kind: 'bigint' } });
      expect(typeOf('ReadonlySet<string>')).to.deep.equal({ kind: 'set', element: str });
      expect(typeOf('Date')).to.deep.equal({ kind: 'date' });
    });

    it('reads type literals, interfaces and aliases of the same file with optional properties', () => {
      const matrix = { kind: 'object', props: [{ name: 'rows', type: num, optional: false }, { name: 'data', type: { kind: 'typedArray', name: 'Float64Array' }, optional: false }, { name: 'label', type: str, optional: true }] };
      expect(typeOf('{ rows: number; data: Float64Array; label?: string }')).to.deep.equal(matrix);
      expect(typeOf('Matrix', 'interface Matrix { rows: number; data: Float64Array; label?: string }')).to.deep.equal({ ...matrix, name: 'Matrix' });
      expect(typeOf('Matrix', 'type Matrix = { rows: number; data: Float64Array; label?: string }')).to.deep.equal({ ...matrix, name: 'Matrix' });
      expect(typeOf('B', 'interface A { a: number }\ninterface B extends A { b: string }')).to.deep.equal({
        kind: 'object', name: 'B', props: [{ name: 'b', type: str, optional: false }, { name: 'a', type: num, optional: false }],
      });
    });

    it('reads Record, index signatures, Partial and intersections of object types', () => {
      expect(typeOf('Record<string, number>')).to.deep.equal({ kind: 'object', props: [], index: num });
      expect(typeOf('{ [key: string]: string; n: string }')).to.deep.equal({ kind: 'object', props: [{ name: 'n', type: str, optional: false }], index: str });
      expect(typeOf('Partial<P>', 'interface P { a: number }')).to.deep.equal({ kind: 'object', props: [{ name: 'a', type: num, optional: true }] });
      expect(typeOf('{ a: number } & { b: string }')).to.deep.equal({ kind: 'object', props: [{ name: 'a', type: num, optional: false }, { name: 'b', type: str, optional: false }] });
      expect(typeOf("string & { __brand: 'Id' }")).to.deep.equal(str);
    });

    it('reads the utility types through their definitions', () => {
      const prelude = "interface P { a: number; b?: string; c: boolean }\nfunction make() { return { x: 1 }; }";
      const a = { name: 'a', type: num, optional: false };
      const b = { name: 'b', type: str, optional: true };
      const c = { name: 'c', type: { kind: 'boolean' }, optional: false };
      expect(typeOf("Pick<P, 'a' | 'b'>", prelude)).to.deep.equal({ kind: 'object', props: [a, b] });
      expect(typeOf("Omit<P, 'a'>", prelude)).to.deep.equal({ kind: 'object', props: [b, c] });
      expect(typeOf('Required<P>', prelude)).to.deep.equal({ kind: 'object', props: [a, { ...b, optional: false }, c] });
      expect(typeOf('Readonly<P>', prelude)).to.deep.equal({ kind: 'object', props: [a, b, c] });
      expect(typeOf('NonNullable<string | null>')).to.deep.equal(str);
      expect(typeOf("Exclude<'a' | 'b', 'a'>")).to.deep.equal({ kind: 'literal', value: 'b' });
      expect(typeOf('ReturnType<typeof make>', prelude)).to.deep.equal({ kind: 'object', props: [{ name: 'x', type: num, optional: false }] });
      expect(typeOf('keyof P', prelude)).to.deep.equal({ kind: 'union', members: ['a', 'b', 'c'].map((value) => ({ kind: 'literal', value })) });
    });

    it('reads {} as any value but null and undefined, and object as any object', () => {
      expect(typeOf('{}')).to.deep.include({ kind: 'union', name: '{}' });
      expect(typeOf('object')).to.deep.equal({ kind: 'object', props: [] });
    });

    it('reads enums as unions of their values', () => {
      expect(typeOf('Color', 'enum Color { Red, Green }')).to.deep.equal({ kind: 'union', name: 'Color', members: [{ kind: 'literal', value: 0 }, { kind: 'literal', value: 1 }] });
    });

    it('describes a recursive type with a reference back to itself', () => {
      expect(typeOf('Tree', 'interface Tree { value: number; children: Tree[] }')).to.deep.equal({
        kind: 'recursive',
        name: 'Tree',
        type: { kind: 'object', name: 'Tree', props: [{ name: 'value', type: num, optional: false }, { name: 'children', type: { kind: 'array', element: { kind: 'ref', name: 'Tree' } }, optional: false }] },
      });
    });

    it('accepts imported types and unconstrained generics unchecked, and checks a constraint', () => {
      expect(params("import type { Ext } from './ext.js';\nexport function f(x: Ext) {}", 'f')[0]!.type).to.deep.equal({ kind: 'any', reason: 'unresolved' });
      expect(params('export function f<T>(x: T) {}', 'f')[0]!.type).to.deep.equal({ kind: 'any', reason: 'generic' });
      expect(params('export function f<T extends number[]>(x: T) {}', 'f')[0]!.type).to.deep.equal({ kind: 'array', element: num });
    });

    it('stops describing a type that would grow past its node budget', () => {
      const levels = Array.from({ length: 20 }, (_, i) => `interface L${i} { a: L${i + 1}; b: L${i + 1} }`).join('\n');
      const start = performance.now();
      const type = typeOf('L0', `${levels}\ninterface L20 { n: number }`);
      expect(performance.now() - start).to.be.below(5_000);
      expect(JSON.stringify(type)).to.contain('"reason":"depth"');
      expect(JSON.stringify(type).length).to.be.below(1_000_000);
    });

    it('reads function-typed parameters as functions and methods of objects not at all', () => {
      expect(typeOf('(n: number) => number')).to.deep.equal({ kind: 'function' });
      expect(typeOf('{ a: number; m(): void }')).to.deep.equal({ kind: 'object', props: [{ name: 'a', type: num, optional: false }] });
    });
  });

  it('describes a signature in TypeScript syntax', () => {
    const [sig] = readSignatures('interface Block { rows: number }\nexport function mm(a: number[], b: Block[], rows?: number, ...rest: string[]) {}', 'f.ts');
    expect(describeSignature(sig!)).to.equal('mm(a: number[], b: Block[], rows?: number, ...rest: string[])');
    expect(describeSignature(readSignatures('export function g(a, b = 1) {}', 'g.js')[0]!)).to.equal('g(a, b?)');
  });

  it('rejects a source that is not a string with InvalidArgumentError', () => {
    expect(() => readSignatures(undefined as unknown as string, 'f.ts')).to.throw(InvalidArgumentError);
  });

  it('gives plain data that crosses the wire unchanged', () => {
    const source = 'interface T { v: bigint; next?: T }\nexport function f(a: [1n, T], b: Map<string, Set<Float32Array>>, c?: "x" | 2 | true) {}';
    const sigs: FunctionSignature[] = readSignatures(source, 'f.ts');
    const serializer = new CborSerializer();
    expect(serializer.decode(serializer.encode(sigs), () => { throw new Error('no refs'); })).to.deep.equal(sigs);
  });

  it('reads a file in tens of milliseconds once warm', () => {
    const source = Array.from({ length: 20 }, (_, i) => `export interface R${i} { a: number[]; b?: Map<string, Float64Array> }\nexport function f${i}(x: R${i}, y: [number, string?], ...z: bigint[]) { return x; }`).join('\n');
    readSignatures(source, 'warm.ts');
    const times = Array.from({ length: 5 }, () => {
      const start = performance.now();
      readSignatures(source, 'f.ts');
      return performance.now() - start;
    }).sort((a, b) => a - b);
    // Median of 5 on a shared machine; typically 5-40 ms.
    expect(times[2]).to.be.below(250);
  });
});
