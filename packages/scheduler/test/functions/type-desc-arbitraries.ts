import fc from 'fast-check';
import { TYPED_ARRAY_NAMES, type ObjectDesc, type PropDesc, type TupleDesc, type TupleElement, type TypeDesc } from '../../src/functions/type-desc.js';

/** Literal values the generated types use; the samples below are chosen outside this pool. */
const LITERALS = ['a', 'b', 1, 2, true, 7n] as const;
const PROP_NAMES = ['a', 'b', 'rows', 'odd key', '0'] as const;

const leaf: fc.Arbitrary<TypeDesc> = fc.oneof(
  fc.constantFrom<TypeDesc>(
    { kind: 'number' },
    { kind: 'string' },
    { kind: 'boolean' },
    { kind: 'bigint' },
    { kind: 'null' },
    { kind: 'undefined' },
    { kind: 'any', reason: 'declared' },
    { kind: 'date' },
  ),
  fc.constantFrom(...LITERALS).map((value): TypeDesc => ({ kind: 'literal', value })),
  fc.constantFrom(...TYPED_ARRAY_NAMES).map((name): TypeDesc => ({ kind: 'typedArray', name })),
);

const mapKey: fc.Arbitrary<TypeDesc> = fc.oneof(
  fc.constantFrom<TypeDesc>({ kind: 'string' }, { kind: 'number' }, { kind: 'bigint' }),
  fc.constantFrom(...LITERALS).map((value): TypeDesc => ({ kind: 'literal', value })),
);

/** Arbitrary type descriptions, up to three levels deep (no recursive types: those have example tests). */
export const typeDesc: fc.Arbitrary<TypeDesc> = fc.letrec<{ desc: TypeDesc }>((tie) => {
  const desc = tie('desc');
  const array = desc.map((element): TypeDesc => ({ kind: 'array', element }));
  const set = desc.map((element): TypeDesc => ({ kind: 'set', element }));
  const map = fc.tuple(mapKey, desc).map(([key, value]): TypeDesc => ({ kind: 'map', key, value }));
  const tuple = fc
    .tuple(fc.array(desc, { maxLength: 3 }), fc.array(desc, { maxLength: 2 }), fc.option(desc, { nil: undefined }))
    .map(([required, optional, rest]): TypeDesc => ({
      kind: 'tuple',
      elements: [
        ...required.map((type): TupleElement => ({ type, optional: false, rest: false })),
        ...optional.map((type): TupleElement => ({ type, optional: true, rest: false })),
        ...(rest === undefined ? [] : [{ type: rest, optional: false, rest: true }]),
      ],
    }));
  const object = fc
    .tuple(fc.uniqueArray(fc.record({ name: fc.constantFrom(...PROP_NAMES), type: desc, optional: fc.boolean() }), { selector: (p) => p.name, maxLength: 3 }), fc.option(desc, { nil: undefined }))
    .map(([props, index]): TypeDesc => (index === undefined ? { kind: 'object', props } : { kind: 'object', props, index }));
  const union = fc.array(desc, { minLength: 2, maxLength: 3 }).map((members): TypeDesc => ({ kind: 'union', members }));
  return { desc: fc.oneof({ maxDepth: 3, depthSize: 'small' }, leaf, array, tuple, map, set, object, union) };
}).desc;

/** Values that fit `desc`. */
export function conforming(desc: TypeDesc): fc.Arbitrary<unknown> {
  switch (desc.kind) {
    case 'any':
      return fc.oneof(fc.integer(), fc.string(), fc.constant(null), fc.constant(undefined), fc.array(fc.integer(), { maxLength: 2 }));
    case 'number':
      return fc.double();
    case 'string':
      return fc.string({ maxLength: 8 });
    case 'boolean':
      return fc.boolean();
    case 'bigint':
      return fc.bigInt();
    case 'null':
      return fc.constant(null);
    case 'undefined':
      return fc.constant(undefined);
    case 'literal':
      return fc.constant(desc.value);
    case 'date':
      return fc.date();
    case 'function':
      return fc.constant(() => 0);
    case 'typedArray':
      return fc.nat({ max: 8 }).map((n) => new (globalThis as unknown as Record<string, new (n: number) => unknown>)[desc.name]!(n));
    case 'array':
      return fc.array(conforming(desc.element), { maxLength: 4 });
    case 'set':
      return fc.array(conforming(desc.element), { maxLength: 4 }).map((xs) => new Set(xs));
    case 'map':
      return fc.array(fc.tuple(conforming(desc.key), conforming(desc.value)), { maxLength: 4 }).map((entries) => new Map(entries));
    case 'tuple':
      return conformingTuple(desc);
    case 'object':
      return conformingObject(desc);
    case 'union':
      return fc.oneof(...desc.members.map(conforming));
    default:
      throw new Error(`no generator for ${desc.kind}`);
  }
}

function conformingTuple(desc: TupleDesc): fc.Arbitrary<unknown[]> {
  const fixed = desc.elements.filter((e) => !e.rest);
  const rest = desc.elements.find((e) => e.rest);
  const required = fixed.filter((e) => !e.optional).length;
  const positional = fc.tuple(...fixed.map((e) => (e.optional ? fc.option(conforming(e.type), { nil: undefined }) : conforming(e.type))));
  return fc.tuple(positional, fc.nat({ max: fixed.length - required }), rest === undefined ? fc.constant([]) : fc.array(conforming(rest.type), { maxLength: 3 })).map(([values, optionalCount, restValues]) =>
    // Rest elements follow only a complete run of the optional ones, as in TypeScript.
    restValues.length > 0 ? [...values, ...restValues] : values.slice(0, required + optionalCount),
  );
}

function conformingObject(desc: ObjectDesc, except?: string): fc.Arbitrary<Record<string, unknown>> {
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  const requiredKeys: string[] = [];
  for (const prop of desc.props) {
    if (prop.name === except) continue;
    model[prop.name] = prop.optional ? fc.option(conforming(prop.type), { nil: undefined }) : conforming(prop.type);
    if (!prop.optional) requiredKeys.push(prop.name);
  }
  const extra = desc.index === undefined ? fc.constant({}) : fc.dictionary(fc.constantFrom('x1', 'x2', 'other key'), conforming(desc.index), { maxKeys: 2 });
  return fc.tuple(fc.record(model, { requiredKeys }), extra).map(([declared, more]) => ({ ...more, ...declared }));
}

/** Values of distinct kinds to put where a value does not fit; none equals a generated literal. */
const SAMPLES: ReadonlyArray<{ tag: string; value: () => unknown }> = [
  { tag: 'number', value: () => 0.5 },
  { tag: 'string', value: () => '§' },
  { tag: 'boolean', value: () => false },
  { tag: 'bigint', value: () => 99n },
  { tag: 'null', value: () => null },
  { tag: 'undefined', value: () => undefined },
  { tag: 'emptyArray', value: () => [] },
  { tag: 'map', value: () => new Map() },
  { tag: 'set', value: () => new Set() },
  { tag: 'date', value: () => new Date(0) },
  { tag: 'function', value: () => () => 0 },
  { tag: 'object', value: () => ({}) },
  ...TYPED_ARRAY_NAMES.map((name) => ({ tag: name, value: () => new (globalThis as unknown as Record<string, new (n: number) => unknown>)[name]!(0) })),
];

const OBJECT_TAGS = new Set(['emptyArray', 'map', 'set', 'date', 'object', ...TYPED_ARRAY_NAMES]);

/** Whether `desc` accepts the sample with this tag: the test's own, independent statement of the rules. */
function acceptsSample(desc: TypeDesc, tag: string): boolean {
  switch (desc.kind) {
    case 'any':
      return true;
    case 'literal':
      return false;
    case 'array':
      return tag === 'emptyArray';
    case 'tuple':
      return tag === 'emptyArray' && desc.elements.every((e) => e.optional || e.rest);
    case 'typedArray':
      return tag === desc.name;
    case 'object':
      // An empty object-like value lacks every property; it fits when each required one may be undefined.
      return OBJECT_TAGS.has(tag) && desc.props.every((p) => p.optional || acceptsSample(p.type, 'undefined'));
    case 'union':
      return desc.members.some((m) => acceptsSample(m, tag));
    default:
      return tag === desc.kind;
  }
}

/** A value with exactly one misfit, at `path` (relative to the value), where `expected` is the type. */
export interface Violation {
  readonly value: unknown;
  readonly path: string;
  readonly bad: unknown;
  /** What the error says was given, when it is not the description of `bad`. */
  readonly given?: string;
}

/**
 * Values that do not fit `desc` at exactly one place, or `undefined` when no value can misfit
 * (`any`). `optional`: the place also takes `undefined`, so `undefined` is no misfit there.
 */
export function violating(desc: TypeDesc, optional = false): fc.Arbitrary<Violation> | undefined {
  const bad = SAMPLES.filter((s) => !acceptsSample(desc, s.tag) && !(optional && s.tag === 'undefined'));
  const options: fc.Arbitrary<Violation>[] = [];
  if (bad.length > 0) options.push(fc.constantFrom(...bad).map((s) => topLevel(desc, s.tag, s.value())));
  const nested = desc.kind === 'union' ? undefined : violatingInside(desc);
  if (nested !== undefined) options.push(nested);
  return options.length === 0 ? undefined : fc.oneof(...options);
}

/**
 * Where a sample put in place of a `desc` value misfits: at the top, except for a plain empty
 * object where an object type (or a union with one object type) belongs, which misfits at the
 * first required property that cannot be undefined (reported as missing).
 */
function topLevel(desc: TypeDesc, tag: string, value: unknown): Violation {
  // In a union, the one object type among the members is the one a plain object is meant for.
  const objects = desc.kind === 'union' ? desc.members.filter((m) => m.kind === 'object') : [];
  if (tag === 'object' && objects.length === 1) return topLevel(objects[0]!, tag, value);
  if (desc.kind !== 'object' || tag !== 'object') return { value, path: '', bad: value };
  const first = desc.props.find((p) => !p.optional && !acceptsSample(p.type, 'undefined'))!;
  return { value, path: segment(first), bad: undefined, given: 'undefined (missing)' };
}

function violatingInside(desc: TypeDesc): fc.Arbitrary<Violation> | undefined {
  switch (desc.kind) {
    case 'array': {
      const inner = violating(desc.element);
      if (inner === undefined) return undefined;
      const around = fc.array(conforming(desc.element), { maxLength: 3 });
      return fc.tuple(around, inner, around).map(([before, v, after]) => ({ value: [...before, v.value, ...after], path: `[${before.length}]${v.path}`, bad: v.bad, given: v.given }));
    }
    case 'set': {
      const inner = violating(desc.element);
      if (inner === undefined) return undefined;
      return fc.tuple(fc.array(conforming(desc.element), { maxLength: 3 }), inner).map(([before, v]) => {
        const set = new Set(before);
        const index = set.size;
        set.add(v.value);
        return { value: set, path: `.values()[${index}]${v.path}`, bad: v.bad, given: v.given };
      });
    }
    case 'map':
      return violatingMap(desc.key, desc.value);
    case 'tuple':
      return violatingTuple(desc);
    case 'object':
      return violatingObject(desc);
    default:
      return undefined;
  }
}

function violatingMap(keyDesc: TypeDesc, valueDesc: TypeDesc): fc.Arbitrary<Violation> | undefined {
  const before = fc.array(fc.tuple(conforming(keyDesc), conforming(valueDesc)), { maxLength: 3 });
  const options: fc.Arbitrary<Violation>[] = [];
  const badKey = violating(keyDesc);
  if (badKey !== undefined) {
    options.push(fc.tuple(before, badKey, conforming(valueDesc)).map(([entries, k, value]) => {
      const map = new Map(entries);
      const index = map.size;
      map.set(k.value, value);
      return { value: map, path: `.keys()[${index}]${k.path}`, bad: k.bad, given: k.given };
    }));
  }
  const badValue = violating(valueDesc);
  if (badValue !== undefined) {
    options.push(fc.tuple(before, conforming(keyDesc), badValue).map(([entries, key, v]) => {
      const map = new Map(entries);
      map.delete(key);
      map.set(key, v.value);
      return { value: map, path: `${mapGet(key)}${v.path}`, bad: v.bad, given: v.given };
    }));
  }
  return options.length === 0 ? undefined : fc.oneof(...options);
}

function mapGet(key: unknown): string {
  if (typeof key === 'string') return `.get(${JSON.stringify(key)})`;
  return `.get(${String(key)}${typeof key === 'bigint' ? 'n' : ''})`;
}

function violatingTuple(desc: TupleDesc): fc.Arbitrary<Violation> | undefined {
  const fixed = desc.elements.filter((e) => !e.rest);
  const rest = desc.elements.find((e) => e.rest);
  const full = fc.tuple(...fixed.map((e) => conforming(e.type)));
  const options: fc.Arbitrary<Violation>[] = [];
  fixed.forEach((element, i) => {
    const inner = violating(element.type, element.optional);
    if (inner === undefined) return;
    options.push(fc.tuple(full, inner).map(([values, v]) => {
      const value = [...values];
      value[i] = v.value;
      return { value, path: `[${i}]${v.path}`, bad: v.bad, given: v.given };
    }));
  });
  const restBad = rest === undefined ? undefined : violating(rest.type);
  if (rest !== undefined && restBad !== undefined) {
    options.push(fc.tuple(full, fc.array(conforming(rest.type), { maxLength: 2 }), restBad).map(([values, before, v]) => ({
      value: [...values, ...before, v.value],
      path: `[${values.length + before.length}]${v.path}`,
      bad: v.bad,
      given: v.given,
    })));
  }
  return options.length === 0 ? undefined : fc.oneof(...options);
}

function violatingObject(desc: ObjectDesc): fc.Arbitrary<Violation> | undefined {
  const options: fc.Arbitrary<Violation>[] = [];
  for (const prop of desc.props) {
    const inner = violating(prop.type, prop.optional);
    if (inner === undefined) continue;
    options.push(fc.tuple(conformingObject(desc, prop.name), inner).map(([object, v]) => ({ value: { ...object, [prop.name]: v.value }, path: `${segment(prop)}${v.path}`, bad: v.bad, given: v.given })));
  }
  const indexBad = desc.index === undefined ? undefined : violating(desc.index);
  if (indexBad !== undefined) {
    options.push(fc.tuple(conformingObject(desc), indexBad).map(([object, v]) => ({ value: { ...object, extra: v.value }, path: `.extra${v.path}`, bad: v.bad, given: v.given })));
  }
  return options.length === 0 ? undefined : fc.oneof(...options);
}

function segment(prop: PropDesc): string {
  return /^[A-Za-z_$][\w$]*$/.test(prop.name) ? `.${prop.name}` : `[${JSON.stringify(prop.name)}]`;
}
