import { TYPED_ARRAY_NAMES } from './type-desc.js';

/**
 * The standard library as far as parameter types need it, in place of TypeScript's own lib files
 * (~260 KB to parse, over a second on a busy machine for the first read; this is ~4 KB). It
 * declares the names a parameter type can use — arrays, tuples, typed arrays, `Map`, `Set`,
 * `Date`, the wrappers, and the utility types with their real definitions — and nothing a
 * parameter type cannot travel as. Function bodies are never type-checked, so members are omitted.
 */
export const SIGNATURE_LIB = `
interface Array<T> { length: number; [n: number]: T; }
interface ReadonlyArray<T> { readonly length: number; readonly [n: number]: T; }
interface TemplateStringsArray extends ReadonlyArray<string> { readonly raw: readonly string[]; }
interface Boolean {}
interface Number {}
interface String {}
interface BigInt {}
interface Symbol {}
interface Object {}
interface Function {}
interface CallableFunction extends Function {}
interface NewableFunction extends Function {}
interface IArguments { length: number; [index: number]: any; }
interface RegExp {}
interface Error { name: string; message: string; stack?: string; }
interface Promise<T> { then(onfulfilled?: (value: T) => any, onrejected?: (reason: any) => any): Promise<any>; }
interface PromiseLike<T> {}
interface ArrayBuffer { readonly byteLength: number; }
interface SharedArrayBuffer { readonly byteLength: number; }
type ArrayBufferLike = ArrayBuffer | SharedArrayBuffer;
interface DataView { readonly byteLength: number; }
${TYPED_ARRAY_NAMES.map((name) => `interface ${name}<TArrayBuffer extends ArrayBufferLike = ArrayBufferLike> { readonly length: number; readonly buffer: TArrayBuffer; }`).join('\n')}
interface Map<K, V> { readonly size: number; get(key: K): V | undefined; }
interface ReadonlyMap<K, V> { readonly size: number; get(key: K): V | undefined; }
interface WeakMap<K extends object, V> {}
interface Set<T> { readonly size: number; has(value: T): boolean; }
interface ReadonlySet<T> { readonly size: number; has(value: T): boolean; }
interface WeakSet<T extends object> {}
interface Date { getTime(): number; }
type PropertyKey = string | number | symbol;
type Partial<T> = { [P in keyof T]?: T[P]; };
type Required<T> = { [P in keyof T]-?: T[P]; };
type Readonly<T> = { readonly [P in keyof T]: T[P]; };
type Pick<T, K extends keyof T> = { [P in K]: T[P]; };
type Record<K extends keyof any, T> = { [P in K]: T; };
type Exclude<T, U> = T extends U ? never : T;
type Extract<T, U> = T extends U ? T : never;
type Omit<T, K extends keyof any> = Pick<T, Exclude<keyof T, K>>;
type NonNullable<T> = T & {};
type Parameters<T extends (...args: any) => any> = T extends (...args: infer P) => any ? P : never;
type ReturnType<T extends (...args: any) => any> = T extends (...args: any) => infer R ? R : any;
type Awaited<T> = T extends null | undefined ? T : T extends object & { then(onfulfilled: infer F, ...args: infer _): any } ? F extends (value: infer V, ...args: infer _) => any ? Awaited<V> : never : T;
`;
