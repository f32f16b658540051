// Imports nothing at run time: a worker thread starts faster without `@armada/actors` and the
// NATS client, which the scheduler's error classes pull in. Those load only on a failure path.
import type { FunctionDef } from '../functions/function-def.js';

const DEFAULTS = {
  /** Compiled functions kept per thread; beyond it the least recently used is dropped. */
  capacity: 1024,
} as const;

/** A compiled function: takes one packet argument, returns its result. */
type Compiled = (arg: unknown) => unknown;

/**
 * The compiled functions of one worker thread, by hash: each definition is compiled (or its
 * module imported) once. Bounded: when full the least recently used is dropped, so the thread
 * answers `missing` and is sent the definition again.
 *
 * A source function compiles here exactly as `compileFunction` builds it; when that fails, the
 * definition goes through `loadFunction` itself, so the error is the same typed error
 * (`NotShippableError`, `ModuleLoadError`) a caller would get anywhere else.
 */
export class ThreadFunctions {
  private readonly entries = new Map<string, Compiled>();

  /** True when `hash` is compiled here. */
  has(hash: string): boolean {
    return this.entries.has(hash);
  }

  /** The function of `hash`, counted as a use; undefined when it is not here. */
  get(hash: string): Compiled | undefined {
    const fn = this.entries.get(hash);
    if (fn !== undefined) {
      this.entries.delete(hash);
      this.entries.set(hash, fn);
    }
    return fn;
  }

  /** Compiles or loads `def` unless present. Rejects with the typed error of `loadFunction` when it cannot. */
  async add(def: FunctionDef): Promise<void> {
    if (this.entries.has(def.hash)) return;
    const fn = (def.kind === 'source' ? quickCompile(def.source, def.env) : undefined) ?? (await fullLoad(def));
    if (this.entries.size >= DEFAULTS.capacity) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(def.hash, fn);
  }
}

/** `compileFunction`'s construction without its error handling: undefined on any failure. */
function quickCompile(source: string, env: Readonly<Record<string, unknown>>): Compiled | undefined {
  try {
    const keys = Object.keys(env);
    const factory = new Function(...keys, `"use strict"; return (${source}\n);`) as (...values: unknown[]) => unknown;
    const compiled = factory(...keys.map((key) => env[key]));
    return typeof compiled === 'function' ? (compiled as Compiled) : undefined;
  } catch {
    return undefined;
  }
}

async function fullLoad(def: FunctionDef): Promise<Compiled> {
  // Stacks of bundled module functions point at the user's files: modules carry inline source maps.
  if (def.kind === 'module') process.setSourceMapsEnabled(true);
  const { loadFunction } = await import('../functions/load-function.js');
  return loadFunction(def);
}
