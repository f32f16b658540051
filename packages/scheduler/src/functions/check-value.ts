import { describeLiteral, describeType, propertyKey, type ObjectDesc, type TupleDesc, type TypeDesc } from './type-desc.js';

/**
 * Where and why a value does not fit. `segments` are the path steps from the leaf up (they are
 * added while the check unwinds, so a value that fits costs no path building at all).
 */
export interface Mismatch {
  readonly segments: string[];
  readonly expected: TypeDesc;
  readonly value: unknown;
  /** The value was a missing property, not an explicit `undefined`. */
  readonly missing?: boolean;
  /** Set instead of `expected` when the mismatch is about the shape, not one type (a tuple's length). */
  readonly expectedText?: string;
}

/** The `recursive` nodes enclosing the current position, innermost first. */
interface Scope {
  readonly name: string;
  readonly type: TypeDesc;
  readonly next: Scope | undefined;
}

/** Deeper than this, a value is rejected: it is cyclic or too deep to encode anyway. */
const MAX_NESTING = 2_000;

/**
 * Checks `value` against `desc` deeply; `undefined` when it fits, else the first mismatch in
 * depth-first order (arrays by index, objects by declared property, then index-signature keys;
 * `Map`s and `Set`s in iteration order). Linear in the size of the value; typed arrays in O(1).
 */
export function checkValue(desc: TypeDesc, value: unknown): Mismatch | undefined {
  return check(desc, value, undefined, 0);
}

function check(desc: TypeDesc, value: unknown, scope: Scope | undefined, depth: number): Mismatch | undefined {
  const fits = leafFits(desc, value);
  if (fits !== undefined) return fits ? undefined : mismatch(desc, value);
  switch (desc.kind) {
    case 'array':
      if (!Array.isArray(value)) return mismatch(desc, value);
      return checkElements(desc.element, value, 0, value.length, 0, scope, depth);
    case 'tuple':
      return Array.isArray(value) ? checkTuple(desc, value, scope, depth) : mismatch(desc, value);
    case 'map':
      return value instanceof Map ? checkMap(desc.key, desc.value, value, scope, depth) : mismatch(desc, value);
    case 'set':
      return value instanceof Set ? checkSet(desc.element, value, scope, depth) : mismatch(desc, value);
    case 'object':
      return typeof value === 'object' && value !== null ? checkObject(desc, value, scope, depth) : mismatch(desc, value);
    case 'union':
      return checkUnion(desc, value, scope, depth);
    case 'recursive':
      return deeper(desc.type, value, { name: desc.name, type: desc.type, next: scope }, depth);
    case 'ref': {
      let s = scope;
      while (s !== undefined && s.name !== desc.name) s = s.next;
      // A dangling reference describes nothing that can be checked.
      return s === undefined ? undefined : deeper(s.type, value, s, depth);
    }
    default:
      // A kind from a newer reader: accepted unchecked rather than failing calls that may be fine.
      return undefined;
  }
}

function deeper(desc: TypeDesc, value: unknown, scope: Scope | undefined, depth: number): Mismatch | undefined {
  if (depth >= MAX_NESTING) return { segments: [], expected: desc, value, expectedText: `a value nested at most ${MAX_NESTING} levels deep (is it cyclic?)` };
  return check(desc, value, scope, depth + 1);
}

function mismatch(expected: TypeDesc, value: unknown): Mismatch {
  return { segments: [], expected, value };
}

function at(found: Mismatch, segment: string): Mismatch {
  found.segments.push(segment);
  return found;
}

/** Elements `from` to `to` of `array`, reported with indices shifted by `offset`. */
function checkElements(element: TypeDesc, array: readonly unknown[], from: number, to: number, offset: number, scope: Scope | undefined, depth: number): Mismatch | undefined {
  // The common leaf kinds get their own loop: one `typeof` per element, no call (1M numbers in a few ms).
  const kind = element.kind;
  if (kind === 'number' || kind === 'string' || kind === 'boolean' || kind === 'bigint') {
    for (let i = from; i < to; i++) if (typeof array[i] !== kind) return at(mismatch(element, array[i]), `[${i + offset}]`);
    return undefined;
  }
  if (kind === 'any') return undefined;
  if (kind === 'union' && element.members.every(isLeaf)) {
    const members = element.members;
    next: for (let i = from; i < to; i++) {
      for (const member of members) if (leafFits(member, array[i]) === true) continue next;
      return at(mismatch(element, array[i]), `[${i + offset}]`);
    }
    return undefined;
  }
  for (let i = from; i < to; i++) {
    const found = deeper(element, array[i], scope, depth);
    if (found !== undefined) return at(found, `[${i + offset}]`);
  }
  return undefined;
}

function checkTuple(desc: TupleDesc, array: readonly unknown[], scope: Scope | undefined, depth: number): Mismatch | undefined {
  const restAt = desc.elements.findIndex((e) => e.rest);
  const prefix = restAt === -1 ? desc.elements : desc.elements.slice(0, restAt);
  const suffix = restAt === -1 ? [] : desc.elements.slice(restAt + 1);
  const required = desc.elements.filter((e) => !e.optional && !e.rest).length;
  const max = restAt === -1 ? desc.elements.length : Infinity;
  if (array.length < required || array.length > max) {
    return { segments: [], expected: desc, value: array, expectedText: describeTupleLength(desc, required, max) };
  }
  const prefixEnd = Math.min(prefix.length, array.length - suffix.length);
  for (let i = 0; i < prefixEnd; i++) {
    const element = prefix[i]!;
    if (element.optional && array[i] === undefined) continue;
    const found = deeper(element.type, array[i], scope, depth);
    if (found !== undefined) return at(found, `[${i}]`);
  }
  const suffixStart = array.length - suffix.length;
  if (restAt !== -1) {
    const found = checkElements(desc.elements[restAt]!.type, array, prefixEnd, suffixStart, 0, scope, depth);
    if (found !== undefined) return found;
  }
  for (let i = 0; i < suffix.length; i++) {
    const found = deeper(suffix[i]!.type, array[suffixStart + i], scope, depth);
    if (found !== undefined) return at(found, `[${suffixStart + i}]`);
  }
  return undefined;
}

function describeTupleLength(desc: TupleDesc, required: number, max: number): string {
  const count = max === Infinity ? `at least ${required}` : required === max ? `${max}` : `${required} to ${max}`;
  return `${describeType(desc)} (${count} element${(max === Infinity ? required : max) === 1 ? '' : 's'})`;
}

function checkMap(keyDesc: TypeDesc, valueDesc: TypeDesc, map: Map<unknown, unknown>, scope: Scope | undefined, depth: number): Mismatch | undefined {
  if (keyDesc.kind === 'any' && valueDesc.kind === 'any') return undefined;
  let i = 0;
  for (const [key, value] of map) {
    const badKey = deeper(keyDesc, key, scope, depth);
    if (badKey !== undefined) return at(badKey, `.keys()[${i}]`);
    const badValue = deeper(valueDesc, value, scope, depth);
    if (badValue !== undefined) return at(badValue, mapValueSegment(key, i));
    i++;
  }
  return undefined;
}

/** `.get("k")` when the key prints briefly and exactly, else `.values()[i]`. */
function mapValueSegment(key: unknown, index: number): string {
  if (typeof key === 'string' && key.length <= 40) return `.get(${JSON.stringify(key)})`;
  if (typeof key === 'number' || typeof key === 'boolean' || typeof key === 'bigint') return `.get(${describeLiteral(key)})`;
  if (key === null || key === undefined) return `.get(${String(key)})`;
  return `.values()[${index}]`;
}

function checkSet(element: TypeDesc, set: Set<unknown>, scope: Scope | undefined, depth: number): Mismatch | undefined {
  if (element.kind === 'any') return undefined;
  let i = 0;
  for (const value of set) {
    const found = deeper(element, value, scope, depth);
    if (found !== undefined) return at(found, `.values()[${i}]`);
    i++;
  }
  return undefined;
}

const declaredNames = new WeakMap<ObjectDesc, Set<string>>();

function checkObject(desc: ObjectDesc, object: object, scope: Scope | undefined, depth: number): Mismatch | undefined {
  const record = object as Record<string, unknown>;
  for (const prop of desc.props) {
    // Own properties only: inherited ones do not travel.
    const present = Object.hasOwn(record, prop.name);
    const value = present ? record[prop.name] : undefined;
    if (value === undefined && prop.optional) continue;
    if (leafFits(prop.type, value) === true) continue;
    const found = deeper(prop.type, value, scope, depth);
    if (found === undefined) continue;
    // An array, Map, Date, ... where an object type belongs is the mistake, not its missing properties.
    if (isBuiltInContainer(object)) return mismatch(desc, object);
    return at(present ? found : { ...found, missing: true }, segmentFor(prop.name));
  }
  if (desc.index === undefined || desc.index.kind === 'any') return undefined;
  let declared = declaredNames.get(desc);
  if (declared === undefined) declaredNames.set(desc, (declared = new Set(desc.props.map((p) => p.name))));
  for (const key of Object.keys(record)) {
    if (declared.has(key)) continue;
    const found = deeper(desc.index, record[key], scope, depth);
    if (found !== undefined) return at(found, segmentFor(key));
  }
  return undefined;
}

function isBuiltInContainer(value: object): boolean {
  return Array.isArray(value) || ArrayBuffer.isView(value) || value instanceof Map || value instanceof Set || value instanceof Date;
}

function segmentFor(name: string): string {
  const key = propertyKey(name);
  return key === name ? `.${name}` : `[${key}]`;
}

function checkUnion(desc: TypeDesc & { kind: 'union' }, value: unknown, scope: Scope | undefined, depth: number): Mismatch | undefined {
  // Leaf members first and without allocating: `(number | string)[]` of 1M elements stays in milliseconds.
  let compound = false;
  for (const member of desc.members) {
    const fits = leafFits(member, value);
    if (fits === true) return undefined;
    if (fits === undefined) compound = true;
  }
  if (compound) {
    for (const member of desc.members) {
      if (leafFits(member, value) === undefined && check(member, value, scope, depth) === undefined) return undefined;
    }
  }
  // When the value's shape (and, among object types, its tags) selects exactly one member, that
  // member's mismatch is the precise one: `Block | null` reports `b.rows`, not just `b`.
  let selected = desc.members.filter((member) => sameShape(member, value));
  if (selected.length > 1) selected = selected.filter((member) => member.kind === 'object' && tagsMatch(member, value as object));
  return selected.length === 1 ? check(selected[0]!, value, scope, depth) : mismatch(desc, value);
}

/** Whether the value is the kind of container the type describes, whatever is inside. */
function sameShape(desc: TypeDesc, value: unknown): boolean {
  switch (desc.kind) {
    case 'array':
    case 'tuple':
      return Array.isArray(value);
    case 'map':
      return value instanceof Map;
    case 'set':
      return value instanceof Set;
    case 'object':
      return typeof value === 'object' && value !== null && !isBuiltInContainer(value);
    default:
      return false;
  }
}

const LEAF_KINDS = new Set<TypeDesc['kind']>(['any', 'number', 'string', 'boolean', 'bigint', 'undefined', 'null', 'literal', 'function', 'date', 'typedArray']);

function isLeaf(desc: TypeDesc): boolean {
  return LEAF_KINDS.has(desc.kind);
}

/** Whether a value fits a leaf type; `undefined` for the types that have insides to check. */
function leafFits(desc: TypeDesc, value: unknown): boolean | undefined {
  switch (desc.kind) {
    case 'any':
      return true;
    case 'number':
    case 'string':
    case 'boolean':
    case 'bigint':
    case 'undefined':
      return typeof value === desc.kind;
    case 'null':
      return value === null;
    case 'literal':
      return value === desc.value;
    case 'function':
      return typeof value === 'function';
    case 'date':
      return value instanceof Date;
    case 'typedArray':
      return ArrayBuffer.isView(value) && (value as { [Symbol.toStringTag]?: string })[Symbol.toStringTag] === desc.name;
    default:
      return undefined;
  }
}

/** True when the object type has literal-typed properties and the value agrees on all of them. */
function tagsMatch(desc: ObjectDesc, value: object): boolean {
  let tags = 0;
  for (const prop of desc.props) {
    if (prop.type.kind !== 'literal') continue;
    tags++;
    if ((value as Record<string, unknown>)[prop.name] !== prop.type.value) return false;
  }
  return tags > 0;
}
