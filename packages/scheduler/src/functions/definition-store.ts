import { InvalidArgumentError } from '@armada/actors';
import type { FunctionDef } from './function-def.js';

const DEFAULTS = {
  /** Definitions kept; beyond it the least recently used is dropped and fetched again if needed. */
  capacity: 4096,
} as const;

/**
 * Function definitions by hash, bounded, least recently used dropped first. A machine keeps one
 * for all its agents, so a function is shipped to it once however many jobs use it; a dropped
 * definition is fetched again from the master on its next use.
 */
export class DefinitionStore {
  private readonly entries = new Map<string, FunctionDef>();
  private readonly capacity: number;
  /** Definitions added that were not held before. */
  added = 0;

  constructor(capacity: number = DEFAULTS.capacity) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new InvalidArgumentError(`capacity must be a positive integer, got ${capacity}`);
    this.capacity = capacity;
  }

  get size(): number {
    return this.entries.size;
  }

  /** Keeps `def` (a use, when already held). */
  add(def: FunctionDef): void {
    if (this.get(def.hash) !== undefined) return;
    if (this.entries.size >= this.capacity) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(def.hash, def);
    this.added++;
  }

  /** Drops the definition of `hash`; it is fetched again on its next use. */
  delete(hash: string): boolean {
    return this.entries.delete(hash);
  }

  /** The definition of `hash`, if held; counts as a use. */
  get(hash: string): FunctionDef | undefined {
    const def = this.entries.get(hash);
    if (def !== undefined) {
      this.entries.delete(hash);
      this.entries.set(hash, def);
    }
    return def;
  }
}
