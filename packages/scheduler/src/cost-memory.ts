const DEFAULTS = {
  /** Functions remembered; beyond it the one least recently seen is forgotten. */
  capacity: 256,
} as const;

/**
 * Run time per packet by function hash, from the last job of each function, so the next job of
 * the same function starts with chunk and group sizes that fit instead of growing from one packet.
 * Bounded (least recently seen forgotten first); an estimate only: a job measures its own as it
 * runs and the remembered one is replaced.
 */
export class CostMemory {
  private readonly costs = new Map<string, number>();

  constructor(private readonly capacity: number = DEFAULTS.capacity) {}

  /** The last remembered run time of one packet of `hash`, in ms; undefined when never seen. */
  get(hash: string): number | undefined {
    return this.costs.get(hash);
  }

  /** Remembers `ms` per packet for `hash` (ignored unless finite and ≥ 0). */
  remember(hash: string, ms: number | undefined): void {
    if (ms === undefined || !Number.isFinite(ms) || ms < 0) return;
    this.costs.delete(hash);
    if (this.costs.size >= this.capacity) this.costs.delete(this.costs.keys().next().value as string);
    this.costs.set(hash, ms);
  }
}
