import { TaskError } from '../errors.js';
import type { Job } from './job.js';
import type { Membership } from './membership.js';
import type { Moved, Results } from './protocol.js';

/**
 * Takes a packet off a job's books; false if it was answered before (the copy is dropped and
 * counted in `job.duplicates`). A packet waiting to be placed again (its machine was declared
 * dead, or it was taken for lost) whose answer made it after all is taken, and not run again.
 */
export function answered(job: Job, index: number): boolean {
  const entry = job.inFlight.get(index);
  if (entry !== undefined) {
    job.inFlight.delete(index);
    entry.slot.outstanding--;
    return true;
  }
  if (job.again.delete(index)) return true;
  job.duplicates++;
  return false;
}

/**
 * Enters one `results` message into a job's books: each value once per packet (later copies are
 * dropped, whoever sends them), the run-time average, and crash retries the agent spent. Returns
 * the error that fails the job when a packet failed for the first time, else undefined.
 */
export function acceptResults(job: Job, msg: Results, machineName?: (id: Results['machine']) => string | undefined): Error | undefined {
  const count = msg.indices.length + (msg.failures?.length ?? 0);
  job.cost.observe(msg.ms, count);
  // Thread deaths the agent retried count against maxRetries here too, should the machine die next.
  for (const [index, attempts] of msg.attempts ?? []) {
    const entry = job.inFlight.get(index);
    if (entry !== undefined) entry.attempts = Math.max(entry.attempts, attempts);
  }
  for (let k = 0; k < msg.indices.length; k++) {
    const index = msg.indices[k]!;
    if (!answered(job, index)) continue;
    job.results[index] = msg.values[k];
    job.done++;
  }
  for (const failure of msg.failures ?? []) {
    if (!answered(job, failure.index)) continue;
    const e = failure.error;
    return e instanceof Error ? e : new TaskError(e.message, e.name, failure.index, failure.machine, e.stack, machineName?.(failure.machine));
  }
  return undefined;
}

/**
 * Records a steal in a job's books: the packets the books still place on the victim's machine
 * now live on the thief's. Returns the indices moved, for the victim to `release`; none when the
 * thief's machine is not alive (the victim keeps its lent copies) or they moved already (a copy
 * of the message).
 */
export function recordMove(job: Job, members: Membership, msg: Moved): number[] {
  const thief = members.slot(msg.thief.toString());
  if (thief === undefined || !members.has(msg.to)) return [];
  job.touched.add(msg.to);
  const released: number[] = [];
  for (const index of msg.indices) {
    const entry = job.inFlight.get(index);
    if (entry === undefined || entry.machine !== msg.from) continue;
    entry.slot.outstanding--;
    job.inFlight.move(index, msg.to);
    entry.slot = thief;
    entry.misses = 0;
    entry.seq = 0;
    thief.outstanding++;
    released.push(index);
  }
  return released;
}
