import { analyze } from 'eslint-scope';
import { parse, type Options } from 'espree';

/** What a piece of function source turned out to be. Only `function` can be shipped. */
export const SourceShape = {
  /** An arrow function or a function expression (plain, async, generator). */
  function: 'function',
  class: 'class',
  /** A method shorthand (`f(x) { ... }`, `get g() { ... }`), which is not an expression. */
  method: 'method',
  /** Anything else, including sources that do not parse in strict mode. */
  unparsable: 'unparsable',
} as const;
export type SourceShape = (typeof SourceShape)[keyof typeof SourceShape];

/** The result of {@link analyseSource}. */
export interface SourceAnalysis {
  readonly shape: SourceShape;
  /** Names the source reads or writes without declaring them, sorted and unique. */
  readonly freeNames: readonly string[];
  /** Why the source is `unparsable`. */
  readonly detail?: string;
}

const DEFAULTS = {
  /** Distinct sources whose analysis is kept; a `dmap` loop reuses one or a few. */
  cacheSize: 256,
} as const;

// Strict, because workers compile the source behind "use strict": what fails there fails here.
const PARSE_OPTIONS: Options = { ecmaVersion: 'latest', sourceType: 'script', range: true, ecmaFeatures: { impliedStrict: true } };
const ANALYZE_OPTIONS = { ecmaVersion: 2022, sourceType: 'script', impliedStrict: true } as const;

const cache = new Map<string, SourceAnalysis>();

/**
 * Parses the text of a function (as `Function.prototype.toString` gives it) and finds its free
 * names. Pure and deterministic; results are memoised per source (bounded), so calling it in a
 * hot loop with the same function parses once.
 */
export function analyseSource(source: string): SourceAnalysis {
  let analysis = cache.get(source);
  if (analysis === undefined) {
    analysis = analyse(source);
    if (cache.size >= DEFAULTS.cacheSize) cache.delete(cache.keys().next().value as string);
    cache.set(source, analysis);
  }
  return analysis;
}

function analyse(source: string): SourceAnalysis {
  let program: ReturnType<typeof parse>;
  try {
    // The newline keeps a trailing line comment from swallowing the closing parenthesis.
    program = parse(`(${source}\n)`, PARSE_OPTIONS);
  } catch (error) {
    if (isMethodShorthand(source)) return { shape: SourceShape.method, freeNames: [] };
    return { shape: SourceShape.unparsable, freeNames: [], detail: (error as Error).message };
  }
  const statement = program.body.length === 1 ? program.body[0] : undefined;
  const expression = statement?.type === 'ExpressionStatement' ? statement.expression : undefined;
  const type = expression?.type;
  if (type === 'ClassExpression') return { shape: SourceShape.class, freeNames: [] };
  if (type !== 'ArrowFunctionExpression' && type !== 'FunctionExpression') {
    return { shape: SourceShape.unparsable, freeNames: [], detail: 'the source is not a single function expression' };
  }
  const scopes = analyze(program as unknown as Parameters<typeof analyze>[0], ANALYZE_OPTIONS);
  const names = new Set(scopes.globalScope?.through.map((reference) => reference.identifier.name) ?? []);
  return { shape: SourceShape.function, freeNames: [...names].sort() };
}

/** A method's text is not an expression, but it is a valid member of an object literal. */
function isMethodShorthand(source: string): boolean {
  try {
    const program = parse(`({ ${source}\n})`, PARSE_OPTIONS);
    const statement = program.body[0];
    if (program.body.length !== 1 || statement?.type !== 'ExpressionStatement') return false;
    const object = statement.expression;
    if (object.type !== 'ObjectExpression' || object.properties.length !== 1) return false;
    const member = object.properties[0];
    return member?.type === 'Property' && (member.method || member.kind !== 'init');
  } catch {
    return false;
  }
}
