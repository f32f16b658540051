import { NotShippableError } from '../errors.js';
import type { FunctionDef } from './function-def.js';

/** A shipped function after compilation: takes one packet argument, returns its result. */
export type CompiledFunction = (arg: unknown) => unknown;

/**
 * Compiles a {@link FunctionDef} back into a function, in strict mode, with the keys of `env`
 * bound as variables. Compiling does not call the function. Throws `NotShippableError` (with the
 * original error as `cause`) when the source does not compile or is not a function, and for
 * `module` definitions, which are not supported yet.
 */
export function compileFunction(def: FunctionDef): CompiledFunction {
  if (def.kind === 'module') throw new NotShippableError(`module function ${def.exportName} must be loaded with loadFunction`);
  if (def.kind !== 'source') throw new NotShippableError(`unknown function kind "${(def as { kind: unknown }).kind}"`);
  const name = def.name ?? 'anonymous';
  const keys = Object.keys(def.env);
  let compiled: unknown;
  try {
    // The newline keeps a trailing line comment from swallowing the closing parenthesis.
    const factory = new Function(...keys, `"use strict"; return (${def.source}\n);`) as (...values: unknown[]) => unknown;
    compiled = factory(...keys.map((key) => def.env[key]));
  } catch (cause) {
    const error = new NotShippableError(`function ${name} (${def.hash}) does not compile: ${(cause as Error)?.message ?? String(cause)}`);
    error.cause = cause;
    throw error;
  }
  if (typeof compiled !== 'function') throw new NotShippableError(`the source of function ${name} (${def.hash}) is not a function`);
  return compiled as CompiledFunction;
}
