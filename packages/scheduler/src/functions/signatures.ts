import type ts from 'typescript';
import { InvalidArgumentError } from '@armada/actors';
import { describeType, type TypeDesc } from './type-desc.js';
import { SIGNATURE_LIB } from './signature-lib.js';
import { TypeToDesc } from './type-to-desc.js';
import { typescript, type TypeScript } from './typescript-module.js';

export { describeType, TYPED_ARRAY_NAMES, type TypeDesc, type TypedArrayName } from './type-desc.js';

/** One parameter of an exported function. */
export interface ParamSignature {
  /** The parameter's name; a destructured parameter is named `arg<i>` after its position. */
  name: string;
  /**
   * Its declared type; `null` for plain JavaScript without a JSDoc type, where only the arity is
   * checked. For a rest parameter, the type of the whole rest array (`number[]`, or a tuple).
   */
  type: TypeDesc | null;
  /** Declared with `?` or a default value: it may be left out or passed as `undefined`. */
  optional: boolean;
  /** A `...rest` parameter (always the last one). */
  rest: boolean;
}

/** An exported function as callers see it: its export name and parameters. */
export interface FunctionSignature {
  name: string;
  params: ParamSignature[];
}

const JS_FILE = /\.[cm]?jsx?$/i;

const compilerOptions = (ts: TypeScript): ts.CompilerOptions => ({
  noLib: true,
  noResolve: true,
  noEmit: true,
  strict: true,
  allowJs: true,
  checkJs: false,
  skipLibCheck: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleDetection: ts.ModuleDetectionKind.Force,
  jsx: ts.JsxEmit.Preserve,
  types: [],
});

const LIB_PATH = '/lib.signatures.d.ts';

/** Parsed once per process and shared by every program: lib files are immutable. */
let libSourceFile: ts.SourceFile | undefined;

function library(ts: TypeScript): ts.SourceFile {
  libSourceFile ??= ts.createSourceFile(LIB_PATH, SIGNATURE_LIB, ts.ScriptTarget.ES2022, false);
  return libSourceFile;
}

/**
 * Reads the exported functions of a module's source (TS or JS) with the TypeScript compiler API.
 *
 * The file is read alone: its imports are not followed, so a type imported from another file is
 * accepted unchecked (`{ kind: 'any', reason: 'unresolved' }`), as is an unconstrained generic
 * (`'generic'`; a constrained one is checked against its constraint). Types declared in the file
 * itself — interfaces, aliases, enums — and the standard ones resolve fully.
 *
 * What counts as an exported function: `export function f`, `export const f = (...) => ...` or a
 * function expression (any exported `const` whose type is callable), `export { a as b }` of a local
 * function (named `b`), and `export default function` / `export default (...) => ...`, named
 * `default` as in the module's namespace object. Re-exports from other files (`export { x } from`,
 * `export *`) are not listed: their signatures are in files this read does not see. An overloaded
 * function is read through its implementation signature. Classes and non-callable values are not
 * functions and are left out.
 *
 * `fileName` decides the dialect: `.js`, `.mjs`, `.cjs`, `.jsx` are JavaScript, anything else is
 * TypeScript. In JavaScript a parameter is typed by its JSDoc `@param {T}` (with `{T=}` and `[name]`
 * for optional ones) and otherwise `null`: plain JavaScript is checked for arity only. CommonJS
 * exports (`module.exports`) are not read: the file must be an ES module.
 *
 * Cost: the first call of a process loads the TypeScript compiler (0.5-2 s on a busy 2-core
 * machine); after that a read parses the one file against a 4 KB declaration lib, tens of
 * milliseconds for the first and a few for the next. Function bodies are never type-checked.
 *
 * @throws InvalidArgumentError when the source does not parse (naming the file, line and column),
 * or when source or file name is not a string.
 */
export function readSignatures(source: string, fileName: string): FunctionSignature[] {
  if (typeof source !== 'string' || typeof fileName !== 'string') throw new InvalidArgumentError('readSignatures takes the source text and the file name, both strings');
  const ts = typescript();
  const isJs = JS_FILE.test(fileName);
  const jsx = /x$/i.test(fileName);
  const path = `/input.${isJs ? 'js' : 'ts'}${jsx ? 'x' : ''}`;
  const lib = library(ts);
  const input = ts.createSourceFile(path, source, ts.ScriptTarget.ES2022, false, isJs ? (jsx ? ts.ScriptKind.JSX : ts.ScriptKind.JS) : jsx ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const host: ts.CompilerHost = {
    getSourceFile: (name) => (name === path ? input : name === LIB_PATH ? lib : undefined),
    getDefaultLibFileName: () => LIB_PATH,
    writeFile: () => undefined,
    getCurrentDirectory: () => '/',
    getCanonicalFileName: (name) => name,
    useCaseSensitiveFileNames: () => true,
    getNewLine: () => '\n',
    fileExists: (name) => name === path || name === LIB_PATH,
    readFile: () => undefined,
  };
  const program = ts.createProgram([path, LIB_PATH], compilerOptions(ts), host);
  const syntaxError = program.getSyntacticDiagnostics(input)[0];
  if (syntaxError !== undefined) throw new InvalidArgumentError(`cannot read the signatures of ${fileName}: ${formatDiagnostic(ts, syntaxError, fileName)}`);
  const checker = program.getTypeChecker();
  const moduleSymbol = checker.getSymbolAtLocation(input);
  if (moduleSymbol === undefined) return [];
  const toDesc = new TypeToDesc(ts, checker, (file) => file === lib);
  const signatures: FunctionSignature[] = [];
  for (const exported of checker.getExportsOfModule(moduleSymbol)) {
    const signature = readExport(ts, exported, input, checker);
    if (signature === undefined) continue;
    signatures.push({ name: exported.getName(), params: signature.parameters.map((p, i) => readParam(ts, p, i, isJs, checker, toDesc)) });
  }
  return signatures;
}

/** A signature in TypeScript syntax for messages: `matrixMultiply(a: number[], b: Block[], rows?: number)`; untyped parameters show their names only. */
export function describeSignature(sig: FunctionSignature): string {
  const params = sig.params.map((p) => {
    const name = `${p.rest ? '...' : ''}${p.name}${p.optional ? '?' : ''}`;
    return p.type === null ? name : `${name}: ${describeType(p.type)}`;
  });
  return `${sig.name}(${params.join(', ')})`;
}

/** The call signature of an exported local function, or `undefined` when the export is not one. */
function readExport(ts: TypeScript, exported: ts.Symbol, file: ts.SourceFile, checker: ts.TypeChecker): ts.Signature | undefined {
  const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
  const declarations = symbol.getDeclarations() ?? [];
  if (declarations.length === 0 || declarations.some((d) => d.getSourceFile() !== file)) return undefined;
  if (symbol.flags & (ts.SymbolFlags.Class | ts.SymbolFlags.Interface | ts.SymbolFlags.TypeAlias) && !(symbol.flags & ts.SymbolFlags.Function)) return undefined;
  const implementation = declarations.find((d): d is ts.FunctionDeclaration => ts.isFunctionDeclaration(d) && d.body !== undefined);
  if (implementation !== undefined) return checker.getSignatureFromDeclaration(implementation);
  const callable = ts.isExportAssignment(declarations[0]!) ? checker.getTypeAtLocation(declarations[0].expression) : checker.getTypeOfSymbolAtLocation(symbol, declarations[0]!);
  const signatures = callable.getCallSignatures();
  if (signatures.length === 0 || callable.getConstructSignatures().length > 0) return undefined;
  // Several call signatures without an implementation in sight: the widest one, read leniently.
  return signatures.reduce((widest, s) => (s.parameters.length > widest.parameters.length ? s : widest));
}

function readParam(ts: TypeScript, symbol: ts.Symbol, index: number, isJs: boolean, checker: ts.TypeChecker, toDesc: TypeToDesc): ParamSignature {
  const declaration = symbol.valueDeclaration;
  if (declaration === undefined || !ts.isParameter(declaration)) {
    return { name: symbol.getName(), type: isJs ? null : toDesc.describe(checker.getTypeOfSymbol(symbol)), optional: false, rest: false };
  }
  const name = ts.isIdentifier(declaration.name) ? declaration.name.text : `arg${index}`;
  const optional = declaration.questionToken !== undefined || declaration.initializer !== undefined;
  const rest = declaration.dotDotDotToken !== undefined;
  if (isJs) {
    // JavaScript is typed only where JSDoc says so (`@param {number[]} xs`); otherwise arity only.
    const docType = ts.getJSDocType(declaration);
    if (docType === undefined) return { name, type: null, optional, rest };
    const docOptional = optional || checker.isOptionalParameter(declaration);
    return { name, type: toDesc.describe(checker.getTypeOfSymbolAtLocation(symbol, declaration), docOptional), optional: docOptional, rest };
  }
  const type = declaration.type !== undefined ? checker.getTypeFromTypeNode(declaration.type) : checker.getTypeOfSymbolAtLocation(symbol, declaration);
  return { name, type: toDesc.describe(type, optional), optional, rest };
}

function formatDiagnostic(ts: TypeScript, diagnostic: ts.Diagnostic, fileName: string): string {
  const text = ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ');
  if (diagnostic.file === undefined || diagnostic.start === undefined) return text;
  const { line, character } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
  return `${fileName}:${line + 1}:${character + 1}: ${text}`;
}
