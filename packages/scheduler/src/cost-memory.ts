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

/**
 * One job's run time per packet, as its master or agent sees it. Starts from the cost remembered
 * for the function (so the first groups and chunks fit). A job of the same function may cost far
 * less or more per packet (`fac` over 0..999 costs a sixth of what it does over 0..2999), so the
 * first measurement is not averaged in with a small weight; but it is one chunk's worth, and the
 * first packets of a job may be its cheapest, so it does not replace the remembered cost either:
 * the estimate becomes their geometric mean (costs are scales; a 20x error becomes 4.5x at once).
 * Later measurements are averaged in with `weight`. `meanMs` is what the memory should keep: the
 * job's own mean over every packet it measured. The moving average ends on the job's last
 * packets, which for inputs that grow in cost are its dearest, and remembering that starved the
 * next job's window.
 */
export class JobCost {
  private recent: number | undefined;
  private measured = false;
  private totalMs = 0;
  private packets = 0;

  /** `weight`: the share of a new measurement in the moving average, in (0, 1]. */
  constructor(private readonly weight: number) {}

  /** Starts from the cost remembered for the function (ignored once the job measured its own, or when undefined). */
  seed(rememberedMs: number | undefined): void {
    if (!this.measured && rememberedMs !== undefined) this.recent = rememberedMs;
  }

  /** The current estimate of one packet's run time in ms: remembered until measured; undefined when neither. */
  get avgMs(): number | undefined {
    return this.recent;
  }

  /** Whether the estimate comes from this job's own runs. */
  get isMeasured(): boolean {
    return this.measured;
  }

  /** Enters `count` packets that ran in `ms` in all (ignored unless count > 0 and ms finite and ≥ 0). */
  observe(ms: number, count: number): void {
    if (!(count > 0) || !Number.isFinite(ms) || ms < 0) return;
    const perPacket = ms / count;
    if (this.recent === undefined) this.recent = perPacket;
    else if (this.measured) this.recent = (1 - this.weight) * this.recent + this.weight * perPacket;
    else this.recent = Math.sqrt(this.recent * perPacket);
    this.measured = true;
    this.totalMs += ms;
    this.packets += count;
  }

  /** The mean run time per packet over everything this job measured; undefined before the first measurement. */
  get meanMs(): number | undefined {
    return this.packets > 0 ? this.totalMs / this.packets : undefined;
  }
}
