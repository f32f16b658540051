/**
 * Module hooks that let Node run TypeScript: `.ts` / `.mts` / `.cts` files are compiled one by one
 * with `ts.transpileModule` (no type checking: run `tsc --noEmit` for that), with
 * `experimentalDecorators` and `emitDecoratorMetadata`, so tsyringe can inject constructor
 * parameters by type, and inline source maps, so stacks point at the TypeScript lines. A relative
 * `./x.js` import from a TypeScript file finds `./x.ts` when there is no `./x.js` (NodeNext style).
 * Installed by `register.ts` (`node --import @armada/cli/register app.ts`); `armada run` does that.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const TS_FILE = /\.(?:ts|mts|cts)$/;
const JS_IMPORT = /\.(m|c)?js$/;

type Next<A extends unknown[], R> = (...args: A) => Promise<R>;
interface ResolveContext {
  readonly parentURL?: string;
}
interface Resolved {
  readonly url: string;
  readonly format?: string | null;
}
interface Loaded {
  readonly format: string;
  readonly source?: string | Uint8Array;
  readonly shortCircuit?: boolean;
}

export async function resolve(specifier: string, context: ResolveContext, next: Next<[string, ResolveContext], Resolved>): Promise<Resolved> {
  try {
    return await next(specifier, context);
  } catch (error) {
    const relative = specifier.startsWith('./') || specifier.startsWith('../') || specifier.startsWith('/') || specifier.startsWith('file:');
    if (!relative || !JS_IMPORT.test(specifier) || context.parentURL === undefined || !TS_FILE.test(new URL(context.parentURL).pathname)) throw error;
    return next(specifier.replace(JS_IMPORT, (_m, kind: string | undefined) => `.${kind ?? ''}ts`), context);
  }
}

export async function load(url: string, context: object, next: Next<[string, object], Loaded>): Promise<Loaded> {
  if (!url.startsWith('file:') || !TS_FILE.test(new URL(url).pathname)) return next(url, context);
  const fileName = fileURLToPath(url);
  const source = await readFile(fileName, 'utf8');
  const out = ts.transpileModule(source, {
    fileName,
    reportDiagnostics: true,
    compilerOptions: {
      module: url.endsWith('.cts') ? ts.ModuleKind.CommonJS : ts.ModuleKind.ESNext,
      target: ts.ScriptTarget.ES2022,
      experimentalDecorators: true,
      emitDecoratorMetadata: true,
      esModuleInterop: true,
      inlineSourceMap: true,
      inlineSources: true,
    },
  });
  const errors = (out.diagnostics ?? []).filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (errors.length > 0) {
    const text = ts.formatDiagnostics(errors, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => process.cwd(), getNewLine: () => '\n' });
    throw new SyntaxError(`cannot compile ${fileName}:\n${text}`);
  }
  return { format: url.endsWith('.cts') ? 'commonjs' : 'module', source: out.outputText, shortCircuit: true };
}
