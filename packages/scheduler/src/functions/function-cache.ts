import { InvalidArgumentError } from '@armada/actors';
import { UnknownFunctionError } from '../errors.js';
import { compileFunction, type CompiledFunction } from './compile-function.js';
import type { FunctionDef } from './function-def.js';

const DEFAULTS = {
  /** Compiled functions kept per thread; beyond it the least recently used is dropped. */
  capacity: 1024,
} as const;

/** Options of a {@link FunctionCache}. */
export interface FunctionCacheOptions {
  /** Most functions kept at once. Default 1024. */
  readonly capacity?: number;
}

/**
 * Compiled functions by hash, so a definition is compiled once per thread however many packets
 * use it. Bounded: when full, the least recently added or used function is dropped, so a holder
 * of a hash must be ready to send its definition again (`has` says whether it is needed).
 */
export class FunctionCache {
  private readonly entries = new Map<string, CompiledFunction>();
  private readonly capacity: number;

  constructor(options: FunctionCacheOptions = {}) {
    const capacity = options.capacity ?? DEFAULTS.capacity;
    if (!Number.isInteger(capacity) || capacity < 1) throw new InvalidArgumentError(`capacity must be a positive integer, got ${capacity}`);
    this.capacity = capacity;
  }

  /** Number of functions held. */
  get size(): number {
    return this.entries.size;
  }

  /** True when `hash` is cached. Does not count as a use. */
  has(hash: string): boolean {
    return this.entries.has(hash);
  }

  /**
   * Compiles `def` unless its hash is cached, and returns the function. Counts as a use. Throws
   * `NotShippableError` when `def` does not compile; nothing is cached then.
   */
  add(def: FunctionDef): CompiledFunction {
    const cached = this.touch(def.hash);
    if (cached !== undefined) return cached;
    const compiled = compileFunction(def);
    if (this.entries.size >= this.capacity) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(def.hash, compiled);
    return compiled;
  }

  /** Caches an already loaded function (a module export) under `hash`. Counts as a use. */
  put(hash: string, fn: CompiledFunction): void {
    if (this.touch(hash) !== undefined) return;
    if (this.entries.size >= this.capacity) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(hash, fn);
  }

  /** The function cached under `hash`. Counts as a use. Throws when it is not cached. */
  get(hash: string): CompiledFunction {
    const cached = this.touch(hash);
    if (cached === undefined) {
      throw new UnknownFunctionError(`no function with hash ${hash} is cached here; send its definition first`);
    }
    return cached;
  }

  /** Moves a hit to the young end: a Map iterates in insertion order, so the first key is the oldest. */
  private touch(hash: string): CompiledFunction | undefined {
    const cached = this.entries.get(hash);
    if (cached !== undefined) {
      this.entries.delete(hash);
      this.entries.set(hash, cached);
    }
    return cached;
  }
}
