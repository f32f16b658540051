import type { MachineId } from '../ids.js';
import type { Job } from './job.js';
import type { AgentSlot } from './membership.js';

/** A packet missing from this many heartbeats of its machine in a row is taken as lost. */
export const MISSES_TO_LOSE = 2;

/**
 * Reconciles one job's books with an idle report of the agent in `slot` (see `AgentIdle`): a
 * packet placed there by an assign up to `lastSeq`, or moved there, that it does not list (`held`)
 * was lost, and moves to the packets to place again at once. Returns the indices moved. Looks
 * only at the packets booked on the agent's machine.
 */
export function reconcileIdle(job: Job, slot: AgentSlot, lastSeq: number, held: ReadonlySet<number> | undefined): number[] {
  const lost: number[] = [];
  for (const index of job.inFlight.onMachine(slot.machine)) {
    const entry = job.inFlight.get(index)!;
    if (entry.slot !== slot || entry.seq > lastSeq || held?.has(index) === true) continue;
    job.inFlight.delete(index);
    slot.outstanding--;
    job.again.set(index, { index, arg: entry.arg, attempts: entry.attempts });
    lost.push(index);
  }
  return lost;
}

/**
 * Reconciles one job's books with one heartbeat of `machine`, which lists the indices `held`
 * there (undefined: none of this job). A packet the books place on `machine` and the heartbeat
 * lists is fine; one missing from {@link MISSES_TO_LOSE} heartbeats in a row was lost on the way
 * (an assign, a grant or a `moved`) and is moved to the job's packets to place again, with its
 * attempts unchanged (a lost message is not the packet's fault). Returns the indices moved.
 *
 * Two misses, not one, because a heartbeat may have been put together just before an assign
 * arrived. Taking a packet for lost too early only costs a second run: the master keeps one result.
 */
export function reconcile(job: Job, machine: MachineId, held: ReadonlySet<number> | undefined): number[] {
  const lost: number[] = [];
  for (const index of job.inFlight.onMachine(machine)) {
    const entry = job.inFlight.get(index)!;
    if (held?.has(index) === true) {
      entry.misses = 0;
      continue;
    }
    if (++entry.misses < MISSES_TO_LOSE) continue;
    job.inFlight.delete(index);
    entry.slot.outstanding--;
    job.again.set(index, { index, arg: entry.arg, attempts: entry.attempts });
    lost.push(index);
  }
  return lost;
}
