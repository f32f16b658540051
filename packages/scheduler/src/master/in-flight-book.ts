import type { MachineId } from '../ids.js';
import type { InFlight } from './job.js';

/**
 * A job's packets in flight by index (a `Map`), also indexed by the machine each is booked on, so
 * what a heartbeat or an idle agent reports is checked against that machine's packets alone rather
 * than against every packet of the job: a master's cost per report stays independent of the
 * fleet's size. Change an entry's `machine` only through {@link move}.
 */
export class InFlightBook {
  private readonly entries = new Map<number, InFlight>();
  private readonly byMachine = new Map<MachineId, Set<number>>();

  get size(): number {
    return this.entries.size;
  }

  get(index: number): InFlight | undefined {
    return this.entries.get(index);
  }

  has(index: number): boolean {
    return this.entries.has(index);
  }

  /** Books `entry` under `index`, replacing what was booked there. */
  set(index: number, entry: InFlight): this {
    this.delete(index);
    this.entries.set(index, entry);
    let set = this.byMachine.get(entry.machine);
    if (set === undefined) this.byMachine.set(entry.machine, (set = new Set()));
    set.add(index);
    return this;
  }

  delete(index: number): boolean {
    const entry = this.entries.get(index);
    if (entry === undefined) return false;
    this.entries.delete(index);
    this.unindex(entry.machine, index);
    return true;
  }

  /** Re-books the packet at `index` on `machine` (a steal moved it). */
  move(index: number, machine: MachineId): void {
    const entry = this.entries.get(index);
    if (entry === undefined || entry.machine === machine) return;
    this.unindex(entry.machine, index);
    entry.machine = machine;
    let set = this.byMachine.get(machine);
    if (set === undefined) this.byMachine.set(machine, (set = new Set()));
    set.add(index);
  }

  /** The indices booked on `machine`, as a snapshot safe to change the book while iterating. */
  onMachine(machine: MachineId): number[] {
    const set = this.byMachine.get(machine);
    return set === undefined ? [] : [...set];
  }

  clear(): void {
    this.entries.clear();
    this.byMachine.clear();
  }

  keys(): IterableIterator<number> {
    return this.entries.keys();
  }

  values(): IterableIterator<InFlight> {
    return this.entries.values();
  }

  [Symbol.iterator](): IterableIterator<[number, InFlight]> {
    return this.entries.entries();
  }

  private unindex(machine: MachineId, index: number): void {
    const set = this.byMachine.get(machine);
    if (set === undefined) return;
    set.delete(index);
    if (set.size === 0) this.byMachine.delete(machine);
  }
}
