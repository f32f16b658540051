import { createHash } from 'node:crypto';
import { CborSerializer, InvalidArgumentError } from '@armada/actors';
import { CapturedVariableError, NotShippableError } from '../errors.js';
import { SourceShape, analyseSource } from './analyse-source.js';
import type { SourceFunction } from './function-def.js';

const DEFAULTS = {
  /** Characters of the base64url sha256 kept as the hash: 132 bits. */
  hashLength: 22,
  /** Env keys remembered as valid, so a hot loop checks each once. */
  keyCacheSize: 1024,
} as const;

/** Globals of CommonJS modules: they name the caller's module, which the worker does not have. */
const MODULE_LOCALS = new Set(['require', 'module', 'exports', '__dirname', '__filename']);
const IDENTIFIER = /^[\p{ID_Start}$_][\p{ID_Continue}$\u200C\u200D]*$/u;
const NATIVE = /\{\s*\[native code\]\s*\}\s*$/;
const cbor = new CborSerializer();
const goodKeys = new Set<string>();

/**
 * Turns a function into a {@link SourceFunction} that a worker can compile without the caller's
 * closure. The function may read its parameters, the keys of `env` and the standard globals
 * (`Math`, `BigInt`, `setTimeout`, ...; not `require` or other CommonJS module locals).
 *
 * Throws `CapturedVariableError` naming every other free variable, `NotShippableError` for native
 * and bound functions, classes, method shorthands and an `env` that CBOR cannot carry, and
 * `InvalidArgumentError` when `fn` is not a function or `env` is not a plain object whose keys
 * are variable names. Equal source and equal env give the same `hash`. `env` is not copied: do not
 * change it after describing.
 */
export function describeFunction(fn: Function, env: Record<string, unknown> = {}): SourceFunction {
  if (typeof fn !== 'function') throw new InvalidArgumentError(`describeFunction expects a function, got ${typeLabel(fn)}`);
  if (!isPlainObject(env)) throw new InvalidArgumentError(`the env of a function must be a plain object, got ${typeLabel(env)}`);
  const name = typeof fn.name === 'string' && fn.name !== '' ? fn.name : 'anonymous';
  for (const key of Object.keys(env)) {
    if (!isParameterName(key)) throw new InvalidArgumentError(`env key "${key}" of function ${name} is not a usable variable name`);
  }
  // Not fn.toString(): a function may carry its own toString.
  const source = Function.prototype.toString.call(fn);
  if (NATIVE.test(source)) {
    throw new NotShippableError(
      name.startsWith('bound ')
        ? `function ${name} is a bound function; ship the unbound function and pass the bound values in env`
        : `function ${name} is native code and has no source to ship`,
    );
  }
  const analysis = analyseSource(source);
  switch (analysis.shape) {
    case SourceShape.class:
      throw new NotShippableError(`${name} is a class; ship a function that constructs it instead`);
    case SourceShape.method:
      throw new NotShippableError(`function ${name} is a method shorthand; write it as an arrow function or a function expression`);
    case SourceShape.unparsable:
      throw new NotShippableError(`the source of function ${name} is not a strict-mode function expression: ${analysis.detail}`);
  }
  const captured = analysis.freeNames.filter((free) => !Object.hasOwn(env, free) && (MODULE_LOCALS.has(free) || !(free in globalThis)));
  if (captured.length > 0) throw new CapturedVariableError(captured, name);
  return { kind: 'source', hash: hashOf(source, env, name), source, env, name };
}

function hashOf(source: string, env: Record<string, unknown>, name: string): string {
  let encodedEnv: Uint8Array;
  try {
    encodedEnv = cbor.encode(env);
  } catch (cause) {
    const error = new NotShippableError(`the env of function ${name} cannot be serialised: ${(cause as Error).message}`);
    error.cause = cause;
    throw error;
  }
  // The length prefix keeps "source + env" unambiguous.
  return createHash('sha256')
    .update(`${Buffer.byteLength(source)}:`)
    .update(source)
    .update(encodedEnv)
    .digest('base64url')
    .slice(0, DEFAULTS.hashLength);
}

/** Workers bind env keys as strict-mode parameters, so reserved words (`class`, `eval`) fail too. */
function isParameterName(key: string): boolean {
  if (goodKeys.has(key)) return true;
  if (!IDENTIFIER.test(key)) return false;
  try {
    new Function(key, '"use strict";');
  } catch {
    return false;
  }
  if (goodKeys.size >= DEFAULTS.keyCacheSize) goodKeys.clear();
  goodKeys.add(key);
  return true;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

function typeLabel(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value;
  return (value as object).constructor?.name ?? 'object';
}
