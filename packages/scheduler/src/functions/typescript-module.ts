import { createRequire } from 'node:module';

/** The TypeScript compiler module, as `import ts from 'typescript'` would give it. */
export type TypeScript = typeof import('typescript');

let loaded: TypeScript | undefined;

/**
 * The TypeScript compiler, loaded on first use: it is ~9 MB of JavaScript (up to seconds to load
 * on a busy machine), needed only where signatures are read, never on the machines that run jobs.
 */
export function typescript(): TypeScript {
  loaded ??= createRequire(import.meta.url)('typescript') as TypeScript;
  return loaded;
}
