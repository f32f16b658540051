const MAX_STRING = 24;
const MAX_KEYS = 4;

/**
 * A short description of a value for error messages: `string "abc"`, `number 1.5`, `bigint 3n`,
 * `Array(3)`, `Float32Array(10)`, `Map(2)`, `Set(0)`, `Date`, `object { a, b }`, `Point { x, y }`.
 * Never longer than a line, whatever the value's size.
 */
export function describeValue(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return `string ${JSON.stringify(value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}…` : value)}`;
    case 'number':
    case 'boolean':
      return `${typeof value} ${String(value)}`;
    case 'bigint': {
      const text = String(value);
      return `bigint ${text.length > MAX_STRING ? `${text.slice(0, MAX_STRING)}…` : text}n`;
    }
    case 'undefined':
      return 'undefined';
    case 'symbol':
      return 'symbol';
    case 'function':
      return value.name === '' ? 'function' : `function ${value.name}`;
    default:
      return describeObject(value as object | null);
  }
}

function describeObject(value: object | null): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `Array(${value.length})`;
  if (ArrayBuffer.isView(value)) {
    const tag = (value as { [Symbol.toStringTag]?: string })[Symbol.toStringTag] ?? 'DataView';
    return `${tag}(${value instanceof DataView ? value.byteLength : (value as unknown as { length: number }).length})`;
  }
  if (value instanceof Map) return `Map(${value.size})`;
  if (value instanceof Set) return `Set(${value.size})`;
  if (value instanceof Date) return 'Date';
  const prototype: unknown = Object.getPrototypeOf(value);
  const className = prototype === null || prototype === Object.prototype ? 'object' : constructorName(prototype);
  const keys = Object.keys(value);
  if (keys.length === 0) return `${className} {}`;
  const shown = keys.slice(0, MAX_KEYS).join(', ');
  return `${className} { ${shown}${keys.length > MAX_KEYS ? ', …' : ''} }`;
}

function constructorName(prototype: unknown): string {
  const ctor = (prototype as { constructor?: { name?: unknown } }).constructor;
  return typeof ctor?.name === 'string' && ctor.name !== '' ? ctor.name : 'object';
}
