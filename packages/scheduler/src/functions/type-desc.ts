/**
 * A plain-data description of a TypeScript parameter type, read from source by `readSignatures`
 * and checked against values by `checkArguments`. It is a tree of plain objects, arrays, strings,
 * numbers, booleans and bigints, so it travels as CBOR unchanged. A recursive type is a
 * `recursive` node whose body refers back to it with a `ref` of the same name.
 */
export type TypeDesc =
  | AnyDesc
  | PrimitiveDesc
  | LiteralDesc
  | ArrayDesc
  | TupleDesc
  | TypedArrayDesc
  | MapDesc
  | SetDesc
  | DateDesc
  | FunctionDesc
  | ObjectDesc
  | UnionDesc
  | RecursiveDesc
  | RefDesc;

/** Accepts every value: `any`, `unknown`, and every type that is accepted unchecked (see `reason`). */
export interface AnyDesc {
  readonly kind: 'any';
  /**
   * Why nothing is checked: `'declared'` (`any` / `unknown`), `'generic'` (an unconstrained type
   * parameter), `'unresolved'` (imported or otherwise unknown names), `'unsupported'` (a type with
   * no runtime check, such as a conditional type or `symbol`), `'depth'` (nested too deeply, or
   * past 5,000 nodes for one parameter).
   */
  readonly reason: 'declared' | 'generic' | 'unresolved' | 'unsupported' | 'depth';
}

/** A `typeof` check. `undefined` also stands for `void`. */
export interface PrimitiveDesc {
  readonly kind: 'number' | 'string' | 'boolean' | 'bigint' | 'null' | 'undefined';
}

/** Exactly one value (`'a'`, `1`, `true`, `10n`), compared with `===`. */
export interface LiteralDesc {
  readonly kind: 'literal';
  readonly value: string | number | boolean | bigint;
}

/** `T[]`, `Array<T>`, `ReadonlyArray<T>`: a real `Array` (not a typed array) whose every element is a `T`. */
export interface ArrayDesc {
  readonly kind: 'array';
  readonly element: TypeDesc;
}

/** One element of a tuple type. At most one element of a tuple is `rest`; optional ones come before it. */
export interface TupleElement {
  readonly type: TypeDesc;
  readonly optional: boolean;
  /** A `...T[]` element: `type` describes one of the elements it spreads over. */
  readonly rest: boolean;
  /** The label of a named member (`[x: number]`), for messages only. */
  readonly label?: string;
}

/** `[A, B?, ...C[]]`: a real `Array` of fitting length whose elements fit by position. */
export interface TupleDesc {
  readonly kind: 'tuple';
  readonly elements: readonly TupleElement[];
}

/** The typed-array classes, checked by their `Symbol.toStringTag` (a Node `Buffer` is a `Uint8Array`). */
export const TYPED_ARRAY_NAMES = [
  'Int8Array',
  'Uint8Array',
  'Uint8ClampedArray',
  'Int16Array',
  'Uint16Array',
  'Int32Array',
  'Uint32Array',
  'Float32Array',
  'Float64Array',
  'BigInt64Array',
  'BigUint64Array',
] as const;

/** One of {@link TYPED_ARRAY_NAMES}. */
export type TypedArrayName = (typeof TYPED_ARRAY_NAMES)[number];

/** A typed array of exactly this kind; checked in O(1) whatever its length. */
export interface TypedArrayDesc {
  readonly kind: 'typedArray';
  readonly name: TypedArrayName;
}

/** `Map<K, V>` / `ReadonlyMap<K, V>`: a `Map` whose every key is a `K` and value a `V`. */
export interface MapDesc {
  readonly kind: 'map';
  readonly key: TypeDesc;
  readonly value: TypeDesc;
}

/** `Set<T>` / `ReadonlySet<T>`: a `Set` whose every element is a `T`. */
export interface SetDesc {
  readonly kind: 'set';
  readonly element: TypeDesc;
}

/** `Date`: a `Date` instance. */
export interface DateDesc {
  readonly kind: 'date';
}

/** A function type: any function (functions cannot be shipped; the check says so early). */
export interface FunctionDesc {
  readonly kind: 'function';
}

/** One property of an object type. */
export interface PropDesc {
  readonly name: string;
  readonly type: TypeDesc;
  readonly optional: boolean;
}

/**
 * An object type (type literal, interface, class instance type, alias, `Record`, `Partial<...>`,
 * an intersection of object types; `object` is one with no properties): a non-null object whose
 * own properties fit — each required one present (or its type takes `undefined`), each optional
 * one absent, `undefined` or fitting. Extra properties are allowed, as in TypeScript's structural
 * typing. Methods are not described: functions do not travel. `{}` and empty interfaces are not
 * object types here but the union of every non-nullish kind, as TypeScript reads them.
 */
export interface ObjectDesc {
  readonly kind: 'object';
  /** The interface or alias name, for messages. */
  readonly name?: string;
  readonly props: readonly PropDesc[];
  /** The type of the other own enumerable properties (`[key: string]: T`, `Record<string, T>`). */
  readonly index?: TypeDesc;
}

/** `A | B | ...`: fits one member. No members: `never`, which nothing fits. */
export interface UnionDesc {
  readonly kind: 'union';
  readonly members: readonly TypeDesc[];
  /** The alias name, for messages. */
  readonly name?: string;
}

/** A recursive type (`interface Tree { children: Tree[] }`): `type`, in which `ref`s to `name` mean this node again. */
export interface RecursiveDesc {
  readonly kind: 'recursive';
  readonly name: string;
  readonly type: TypeDesc;
}

/** A reference to the nearest enclosing `recursive` node of the same name. */
export interface RefDesc {
  readonly kind: 'ref';
  readonly name: string;
}

/** Longer descriptions are cut: a message names a type, it does not print a schema. */
const MAX_DESCRIPTION = 200;

/**
 * A type description in TypeScript syntax (`number[]`, `Map<string, Float64Array>`, `"a" | "b"`),
 * for messages: at most 200 characters, cut with `…` beyond.
 */
export function describeType(desc: TypeDesc): string {
  const text = describe(desc);
  return text.length > MAX_DESCRIPTION ? `${text.slice(0, MAX_DESCRIPTION - 1)}…` : text;
}

function describe(desc: TypeDesc): string {
  switch (desc.kind) {
    case 'any':
      return desc.reason === 'declared' ? 'unknown' : 'any';
    case 'number':
    case 'string':
    case 'boolean':
    case 'bigint':
    case 'null':
    case 'undefined':
      return desc.kind;
    case 'literal':
      return describeLiteral(desc.value);
    case 'array':
      return `${inner(desc.element)}[]`;
    case 'tuple':
      return `[${desc.elements.map(describeTupleElement).join(', ')}]`;
    case 'typedArray':
      return desc.name;
    case 'map':
      return `Map<${describe(desc.key)}, ${describe(desc.value)}>`;
    case 'set':
      return `Set<${describe(desc.element)}>`;
    case 'date':
      return 'Date';
    case 'function':
      return 'Function';
    case 'object':
      return desc.name ?? describeObject(desc);
    case 'union': {
      const shown = desc.members.slice(0, MAX_MEMBERS_SHOWN).map(describe);
      if (desc.members.length > MAX_MEMBERS_SHOWN) shown.push(`... (${desc.members.length} members)`);
      const members = desc.members.length === 0 ? 'never' : shown.join(' | ');
      // An alias name alone says little in a message; spell the members out when they fit.
      return desc.name === undefined || members.length <= MAX_UNION_TEXT ? members : desc.name;
    }
    case 'recursive':
    case 'ref':
      return desc.name;
    default:
      return 'unknown';
  }
}

/** Literals as TypeScript writes them: `"a"`, `1`, `true`, `10n`. */
export function describeLiteral(value: string | number | boolean | bigint): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'bigint') return `${value}n`;
  return String(value);
}

function inner(desc: TypeDesc): string {
  const text = describe(desc);
  const needsParens = (desc.kind === 'union' && desc.members.length > 1 && text.includes(' | ')) || desc.kind === 'function';
  return needsParens ? `(${text})` : text;
}

function describeTupleElement(element: TupleElement): string {
  const label = element.label === undefined ? '' : `${element.label}${element.optional ? '?' : ''}: `;
  if (element.rest) return `...${label}${inner(element.type)}[]`;
  return `${label}${describe(element.type)}${element.optional && element.label === undefined ? '?' : ''}`;
}

const MAX_PROPS_SHOWN = 6;
const MAX_UNION_TEXT = 60;
const MAX_MEMBERS_SHOWN = 8;

function describeObject(desc: ObjectDesc): string {
  const parts = desc.props.slice(0, MAX_PROPS_SHOWN).map((p) => `${propertyKey(p.name)}${p.optional ? '?' : ''}: ${describe(p.type)}`);
  if (desc.props.length > MAX_PROPS_SHOWN) parts.push('...');
  if (desc.index !== undefined) parts.push(`[key: string]: ${describe(desc.index)}`);
  return parts.length === 0 ? 'object' : `{ ${parts.join('; ')} }`;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** A property name as it appears in a type or path: bare when it is an identifier, quoted otherwise. */
export function propertyKey(name: string): string {
  return IDENTIFIER.test(name) ? name : JSON.stringify(name);
}
