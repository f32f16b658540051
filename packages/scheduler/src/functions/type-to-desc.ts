import type ts from 'typescript';
import type { TypeScript } from './typescript-module.js';
import { TYPED_ARRAY_NAMES, type PropDesc, type TupleElement, type TypeDesc, type TypedArrayName } from './type-desc.js';

/** Deeper than this, a type is accepted unchecked (`{ kind: 'any', reason: 'depth' }`). */
const MAX_DEPTH = 24;

/**
 * More nodes than this for one parameter and the rest is accepted unchecked: a type that uses
 * another twice at each of 20 levels would otherwise describe into a million nodes.
 */
const MAX_NODES = 5_000;

const TYPED_ARRAYS = new Set<string>(TYPED_ARRAY_NAMES);

/**
 * Turns checker types into {@link TypeDesc}s. `isLib` says whether a declaration comes from the
 * standard library, so that a user's own `interface Map` is read as the object type it is.
 * One instance per program: it remembers nothing between calls but the types on the current path.
 */
export class TypeToDesc {
  /** Types being described on the current path, with the name a back reference would use. */
  private readonly onPath = new Map<ts.Type, { name: string; referenced: boolean }>();
  private readonly usedNames = new Set<string>();

  private readonly primitive: number;
  private nodes = 0;

  constructor(
    private readonly ts: TypeScript,
    private readonly checker: ts.TypeChecker,
    private readonly isLib: (file: ts.SourceFile) => boolean,
  ) {
    const f = ts.TypeFlags;
    this.primitive = f.StringLike | f.NumberLike | f.BigIntLike | f.BooleanLike | f.Null | f.Undefined;
  }

  /** The description of `type`; `optional` drops the `undefined` that `?` adds. */
  describe(type: ts.Type, optional = false): TypeDesc {
    this.nodes = 0;
    return this.visitOptional(type, optional, 0);
  }

  /** Visits `type`, without the `undefined` member that `?` adds when `optional`. */
  private visitOptional(type: ts.Type, optional: boolean, depth: number): TypeDesc {
    if (!optional || !type.isUnion() || !type.types.some((t) => t.flags & this.ts.TypeFlags.Undefined)) return this.visit(type, depth);
    return this.unionOf(type.types.filter((t) => !(t.flags & this.ts.TypeFlags.Undefined)), undefined, depth);
  }

  private visit(type: ts.Type, depth: number): TypeDesc {
    if (depth > MAX_DEPTH || ++this.nodes > MAX_NODES) return { kind: 'any', reason: 'depth' };
    const F = this.ts.TypeFlags;
    const f = type.flags;
    if (f & F.Any) return { kind: 'any', reason: isErrorType(type) ? 'unresolved' : 'declared' };
    if (f & F.Unknown) return { kind: 'any', reason: 'declared' };
    if (f & F.Never) return { kind: 'union', members: [] };
    if (f & F.Boolean) return { kind: 'boolean' };
    if (f & (F.Number | F.Enum)) return { kind: 'number' };
    if (f & (F.String | F.TemplateLiteral | F.StringMapping)) return { kind: 'string' };
    if (f & F.BigInt) return { kind: 'bigint' };
    if (f & F.Null) return { kind: 'null' };
    if (f & (F.Undefined | F.Void)) return { kind: 'undefined' };
    if (f & F.StringLiteral) return { kind: 'literal', value: (type as ts.StringLiteralType).value };
    if (f & F.NumberLiteral) return { kind: 'literal', value: (type as ts.NumberLiteralType).value };
    if (f & F.BigIntLiteral) return { kind: 'literal', value: pseudoBigInt((type as ts.BigIntLiteralType).value) };
    if (f & F.BooleanLiteral) return { kind: 'literal', value: (type as { intrinsicName?: string }).intrinsicName === 'true' };
    if (f & F.TypeParameter) {
      const constraint = this.checker.getBaseConstraintOfType(type);
      if (constraint === undefined || constraint === type || constraint.flags & (F.Unknown | F.Any)) return { kind: 'any', reason: 'generic' };
      return this.visit(constraint, depth + 1);
    }
    if (f & (F.ESSymbolLike | F.Conditional | F.Substitution | F.Index | F.IndexedAccess)) {
      return { kind: 'any', reason: 'unsupported' };
    }
    if (f & F.NonPrimitive) return { kind: 'object', props: [] };
    return this.visitStructured(type, depth);
  }

  /** Unions, intersections and object types: the ones that can refer back to themselves. */
  private visitStructured(type: ts.Type, depth: number): TypeDesc {
    const seen = this.onPath.get(type);
    if (seen !== undefined) {
      seen.referenced = true;
      return { kind: 'ref', name: seen.name };
    }
    const entry = { name: this.nameFor(type), referenced: false };
    this.onPath.set(type, entry);
    let desc: TypeDesc;
    try {
      desc = this.visitUncached(type, depth);
    } finally {
      this.onPath.delete(type);
    }
    if (!entry.referenced) return desc;
    this.usedNames.add(entry.name);
    return { kind: 'recursive', name: entry.name, type: desc };
  }

  private visitUncached(type: ts.Type, depth: number): TypeDesc {
    if (type.isUnion()) return this.visitUnion(type, depth);
    if (type.isIntersection()) return this.visitIntersection(type, depth);
    if (!(type.flags & this.ts.TypeFlags.Object)) return { kind: 'any', reason: 'unsupported' };
    const checker = this.checker;
    if (checker.isTupleType(type)) return this.visitTuple(type as ts.TypeReference, depth);
    if (checker.isArrayType(type)) return { kind: 'array', element: this.visit(checker.getTypeArguments(type as ts.TypeReference)[0]!, depth + 1) };
    const lib = this.libName(type);
    if (lib !== undefined) {
      const args = (type as ts.TypeReference).target !== undefined ? checker.getTypeArguments(type as ts.TypeReference) : [];
      const arg = (i: number): TypeDesc => (args[i] === undefined ? { kind: 'any', reason: 'generic' } : this.visit(args[i]!, depth + 1));
      if (TYPED_ARRAYS.has(lib)) return { kind: 'typedArray', name: lib as TypedArrayName };
      if (lib === 'Map' || lib === 'ReadonlyMap') return { kind: 'map', key: arg(0), value: arg(1) };
      if (lib === 'Set' || lib === 'ReadonlySet') return { kind: 'set', element: arg(0) };
      if (lib === 'Date') return { kind: 'date' };
      if (lib === 'Number') return { kind: 'number' };
      if (lib === 'String') return { kind: 'string' };
      if (lib === 'Boolean') return { kind: 'boolean' };
      if (lib === 'BigInt') return { kind: 'bigint' };
      if (lib === 'Function' || lib === 'CallableFunction') return { kind: 'function' };
      if (lib === 'Object') return { kind: 'any', reason: 'declared' };
      if (lib !== 'Record' && lib !== 'Partial' && lib !== 'Required' && lib !== 'Readonly' && lib !== 'Pick' && lib !== 'Omit') {
        return { kind: 'any', reason: 'unsupported' };
      }
    }
    if (type.getCallSignatures().length > 0 || type.getConstructSignatures().length > 0) return { kind: 'function' };
    return this.visitObject(type, depth);
  }

  private visitUnion(type: ts.UnionType, depth: number): TypeDesc {
    const alias = type.aliasSymbol;
    return this.unionOf(type.types, alias === undefined || this.isLibSymbol(alias) ? undefined : alias.getName(), depth);
  }

  private unionOf(types: readonly ts.Type[], name: string | undefined, depth: number): TypeDesc {
    const members: TypeDesc[] = [];
    let sawTrue = false;
    let sawFalse = false;
    for (const member of types) {
      const desc = this.visit(member, depth + 1);
      if (desc.kind === 'any') return desc;
      if (desc.kind === 'literal' && desc.value === true) sawTrue = true;
      if (desc.kind === 'literal' && desc.value === false) sawFalse = true;
      members.push(desc);
    }
    // `boolean` is `true | false` inside a union; say it the way the user wrote it.
    const merged = sawTrue && sawFalse ? [...members.filter((m) => !(m.kind === 'literal' && typeof m.value === 'boolean')), { kind: 'boolean' } as const] : members;
    if (merged.length === 1) return merged[0]!;
    return name === undefined ? { kind: 'union', members: merged } : { kind: 'union', members: merged, name };
  }

  private visitIntersection(type: ts.IntersectionType, depth: number): TypeDesc {
    // A branded primitive (`string & { __brand: 'Id' }`) is checked as the primitive.
    const primitive = type.types.find((t) => t.flags & this.primitive);
    if (primitive !== undefined) return this.visit(primitive, depth + 1);
    if (type.types.every((t) => t.flags & this.ts.TypeFlags.Object)) return this.visitObject(type, depth);
    return { kind: 'any', reason: 'unsupported' };
  }

  private visitTuple(type: ts.TypeReference, depth: number): TypeDesc {
    const target = type.target as ts.TupleType;
    const args = this.checker.getTypeArguments(type);
    const elements: TupleElement[] = [];
    target.elementFlags.forEach((flags, i) => {
      const rest = (flags & this.ts.ElementFlags.Variable) !== 0;
      const optional = (flags & this.ts.ElementFlags.Optional) !== 0;
      const arg = args[i];
      const elementType = arg === undefined || flags & this.ts.ElementFlags.Variadic ? { kind: 'any', reason: 'generic' } as const : this.visitOptional(arg, optional, depth + 1);
      const label = target.labeledElementDeclarations?.[i]?.name;
      const element: TupleElement = { type: elementType, optional, rest };
      elements.push(label !== undefined && this.ts.isIdentifier(label) ? { ...element, label: label.text } : element);
    });
    return { kind: 'tuple', elements };
  }

  private visitObject(type: ts.Type, depth: number): TypeDesc {
    const checker = this.checker;
    const properties = checker.getPropertiesOfType(type);
    const indexInfo = checker.getIndexInfosOfType(type).find((info) => info.keyType.flags & this.ts.TypeFlags.String);
    // `{}` and empty interfaces take every value but null and undefined, primitives included.
    if (properties.length === 0 && indexInfo === undefined) return { kind: 'union', members: NON_NULLISH, name: '{}' };
    const props: PropDesc[] = [];
    for (const symbol of properties) {
      const propType = checker.getTypeOfSymbol(symbol);
      // Methods cannot travel; they are not checked.
      if (symbol.flags & this.ts.SymbolFlags.Method) continue;
      const optional = (symbol.flags & this.ts.SymbolFlags.Optional) !== 0;
      props.push({ name: symbol.getName(), type: this.visitOptional(propType, optional, depth + 1), optional });
    }
    const name = this.displayName(type);
    return {
      kind: 'object',
      props,
      ...(indexInfo === undefined ? {} : { index: this.visit(indexInfo.type, depth + 1) }),
      ...(name === undefined ? {} : { name }),
    };
  }

  /** The name of a standard-library type, when the type is declared only there. */
  private libName(type: ts.Type): string | undefined {
    const symbol = type.aliasSymbol ?? type.getSymbol();
    const declarations = symbol?.getDeclarations();
    if (symbol === undefined || declarations === undefined || declarations.length === 0) return undefined;
    return declarations.every((d) => this.isLib(d.getSourceFile())) ? symbol.getName() : undefined;
  }

  /** The user's interface or alias name, when the type has one. */
  private displayName(type: ts.Type): string | undefined {
    const alias = type.aliasSymbol;
    if (alias !== undefined && !this.isLibSymbol(alias)) return withArgs(alias.getName(), type.aliasTypeArguments, this.checker);
    const symbol = type.getSymbol();
    if (symbol === undefined || this.isLibSymbol(symbol)) return undefined;
    if (symbol.flags & (this.ts.SymbolFlags.Interface | this.ts.SymbolFlags.Class)) {
      return withArgs(symbol.getName(), (type as ts.TypeReference).target === undefined ? undefined : this.checker.getTypeArguments(type as ts.TypeReference), this.checker);
    }
    return undefined;
  }

  private isLibSymbol(symbol: ts.Symbol): boolean {
    const declarations = symbol.getDeclarations();
    return declarations !== undefined && declarations.length > 0 && declarations.every((d) => this.isLib(d.getSourceFile()));
  }

  /** A name for back references: the type's own name when it has one and it is free, else `T1`, `T2`, ... */
  private nameFor(type: ts.Type): string {
    const base = type.aliasSymbol?.getName() ?? type.getSymbol()?.getName();
    const wanted = base === undefined || base.startsWith('__') ? 'T' : base;
    let name = wanted === 'T' ? 'T1' : wanted;
    for (let i = 2; this.usedNames.has(name) || [...this.onPath.values()].some((e) => e.name === name); i++) name = `${wanted}${i}`;
    return name;
  }
}

const NON_NULLISH: readonly TypeDesc[] = [
  { kind: 'number' },
  { kind: 'string' },
  { kind: 'boolean' },
  { kind: 'bigint' },
  { kind: 'object', props: [] },
  { kind: 'function' },
];

/** TypeScript's error type is an `any` whose intrinsic name is `error` (an unresolved name). */
function isErrorType(type: ts.Type): boolean {
  return (type as { intrinsicName?: string }).intrinsicName === 'error';
}

function pseudoBigInt(value: ts.PseudoBigInt): bigint {
  const magnitude = BigInt(value.base10Value);
  return value.negative ? -magnitude : magnitude;
}

function withArgs(name: string, args: readonly ts.Type[] | undefined, checker: ts.TypeChecker): string {
  if (args === undefined || args.length === 0) return name;
  return `${name}<${args.map((a) => checker.typeToString(a)).join(', ')}>`;
}
