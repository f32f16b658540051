import type { MachineId } from '../ids.js';

/**
 * Which machines each machine's agents may steal from: a random sample of about `size` other
 * machines per machine, kept up to date as machines join and leave, so that what a master sends
 * on a membership change is bounded by the sample size, not by the fleet.
 *
 * Why a sample keeps stealing effective: the master's placement already spreads the work evenly,
 * so stealing only evens out what the packets' run times skew, which neighbours can do. The
 * samples form a random graph in which every machine has between `size` and `2 * size` out-edges
 * (those it steals from) and, because a newcomer is also added to the samples of the machines it
 * picked, in-edges too; such a graph is connected with a diameter of a few hops, so surplus work
 * reaches idle agents anywhere in the fleet through a short chain of steals. A fleet of at most
 * `size + 1` machines is a complete graph: everyone steals from everyone, as without sampling.
 *
 * Deterministic for a given `random` and sequence of joins and leaves.
 */
export class PeerSamples {
  /** Each machine's sample: the machines it steals from. */
  private readonly out = new Map<MachineId, Set<MachineId>>();
  /** The other way round: whose samples hold each machine. */
  private readonly into = new Map<MachineId, Set<MachineId>>();
  /** Every machine, for drawing uniformly in O(1); `at` indexes it. */
  private readonly ids: MachineId[] = [];
  private readonly at = new Map<MachineId, number>();

  /** `size` ≥ 1: machines per sample; `random` returns values in [0, 1). */
  constructor(
    private readonly size: number,
    private readonly random: () => number,
  ) {}

  /** The machines `id` steals from; empty for an unknown machine. */
  sampleOf(id: MachineId): ReadonlySet<MachineId> {
    return this.out.get(id) ?? EMPTY;
  }

  /** Machines whose samples hold `id`; for tests and checks. */
  holdersOf(id: MachineId): ReadonlySet<MachineId> {
    return this.into.get(id) ?? EMPTY;
  }

  /**
   * Adds `id` with a fresh sample and adds it to the samples of the machines it drew (a full one
   * gives up a random member for it). Returns the machines whose sample changed, `id` first.
   */
  join(id: MachineId): MachineId[] {
    if (this.out.has(id)) this.leave(id);
    this.at.set(id, this.ids.length);
    this.ids.push(id);
    this.out.set(id, new Set());
    this.into.set(id, new Set());
    const changed = [id];
    for (const other of this.draw(id, this.size)) {
      this.link(id, other);
      const theirs = this.out.get(other)!;
      if (theirs.size >= 2 * this.size) this.unlink(other, pickFrom(theirs, this.random));
      this.link(other, id);
      changed.push(other);
    }
    return changed;
  }

  /**
   * Removes `id`: the machines that sampled it sample another instead (when there is one).
   * Returns the machines whose sample changed.
   */
  leave(id: MachineId): MachineId[] {
    const index = this.at.get(id);
    if (index === undefined) return [];
    const last = this.ids.pop()!;
    if (last !== id) {
      this.ids[index] = last;
      this.at.set(last, index);
    }
    this.at.delete(id);
    for (const other of this.out.get(id)!) this.into.get(other)!.delete(id);
    const holders = [...this.into.get(id)!];
    this.out.delete(id);
    this.into.delete(id);
    for (const holder of holders) {
      const sample = this.out.get(holder)!;
      sample.delete(id);
      if (sample.size < this.size) for (const other of this.draw(holder, 1)) this.link(holder, other);
    }
    return holders;
  }

  private link(from: MachineId, to: MachineId): void {
    this.out.get(from)!.add(to);
    this.into.get(to)!.add(from);
  }

  private unlink(from: MachineId, to: MachineId): void {
    this.out.get(from)!.delete(to);
    this.into.get(to)!.delete(from);
  }

  /** Up to `n` distinct machines, not `id` nor already in its sample, uniformly at random. */
  private draw(id: MachineId, n: number): MachineId[] {
    const mine = this.out.get(id)!;
    const eligible = this.ids.length - 1 - mine.size;
    if (eligible <= 0) return [];
    if (eligible <= 2 * n) {
      // Few left to choose from: every eligible machine, shuffled, beats retrying random draws.
      const all = this.ids.filter((m) => m !== id && !mine.has(m));
      shuffle(all, this.random);
      return all.slice(0, n);
    }
    const chosen = new Set<MachineId>();
    // More than 2n eligible: each draw hits one with probability above 1/2, so this ends quickly.
    while (chosen.size < n) {
      const m = this.ids[Math.floor(this.random() * this.ids.length)]!;
      if (m !== id && !mine.has(m)) chosen.add(m);
    }
    return [...chosen];
  }
}

const EMPTY: ReadonlySet<MachineId> = new Set();

function pickFrom<T>(set: ReadonlySet<T>, random: () => number): T {
  let k = Math.floor(random() * set.size);
  for (const item of set) if (k-- === 0) return item;
  throw new Error('unreachable: picked from an empty set');
}

function shuffle<T>(items: T[], random: () => number): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
}
