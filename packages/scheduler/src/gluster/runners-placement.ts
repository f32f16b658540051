import { NoMachinesError } from '../errors.js';
import type { MachineId } from '../ids.js';
import type { Candidate, PlacementStrategy } from '../placement/placement-strategy.js';
import { RoundRobinPlacement } from '../placement/round-robin.js';

/**
 * Gluster's runners: places only on the agents of the machines added with `addRunner`, round
 * robin among them. With no runner alive it throws `NoMachinesError`, which fails the job (the
 * master never waits forever for a named machine).
 */
export class RunnersPlacement implements PlacementStrategy {
  readonly name = 'runners';
  private readonly inner = new RoundRobinPlacement();

  constructor(private readonly runners: ReadonlySet<MachineId>) {}

  choose(candidates: readonly Candidate[]): Candidate {
    const allowed = candidates.filter((c) => this.runners.has(c.machine));
    if (allowed.length === 0) throw new NoMachinesError(0, ': none of the machines added with addRunner is alive');
    return this.inner.choose(allowed);
  }
}
