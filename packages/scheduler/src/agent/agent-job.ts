import { wideBigInt } from '@armada/actors/internal';
import type { FunctionDef } from '../functions/function-def.js';
import type { MachineId } from '../ids.js';
import type { JobHeader, PacketBatch } from '../packet.js';
import { JobCost } from '../cost-memory.js';
import type { ResultOutbox } from './result-outbox.js';

/** One job as an agent knows it. */
export interface AgentJob {
  readonly header: JobHeader;
  readonly master: string;
  def: FunctionDef | undefined;
  /** Unanswered packets here: queued, running or lent. Keeps repeated assigns and grants out. */
  readonly holding: Set<number>;
  /** Packets given to thieves and not yet released by the master: index → (entry, thief's machine, when lent). */
  readonly lent: Map<number, { entry: Entry; thief: MachineId; since: number }>;
  /** Run time of one packet here: remembered for the function until measured (see `JobCost`). */
  readonly cost: JobCost;
  lastChunk: number;
  /** Results not yet sent to the master, and when the first of them came in. */
  unsent: { indices: number[]; values: unknown[]; ms: number; since: number } | undefined;
  /** The agent's count of "no job to steal from" hints when it heard of this job (see `Agent.holdsStealableJob`). */
  readonly quietHints: number;
}

export interface Entry {
  readonly job: AgentJob;
  readonly index: number;
  readonly arg: unknown;
  attempts: number;
  /** Was in a chunk whose thread died: runs alone until it succeeds. */
  suspect: boolean;
  /** Came in a grant of copies: the victim runs it too (see `Steal.copies`). */
  readonly copy?: boolean;
  /** Times it was queued again because its definition fetch went unanswered (see `Agent.ran`). */
  putBack?: number;
}

/** A job the agent has just heard of (from an assign or a grant), holding nothing yet. */
export function newAgentJob(header: JobHeader, quietHints = 0): AgentJob {
  return { quietHints, header, master: header.master.address.node, def: undefined, holding: new Set(), lent: new Map(), cost: new JobCost(0.5), lastChunk: 1, unsent: undefined };
}

/**
 * The `grant` batches for packets taken from the queue: one batch per job, in the order taken,
 * with the definitions the thief needs. Arguments are widened for the wire (bigints).
 */
export function grantBatches(taken: readonly Entry[]): { batches: PacketBatch[]; defs: FunctionDef[] } {
  const byJob = new Map<AgentJob, Entry[]>();
  for (const e of taken) {
    const list = byJob.get(e.job);
    if (list === undefined) byJob.set(e.job, [e]);
    else list.push(e);
  }
  const batches: PacketBatch[] = [];
  const defs: FunctionDef[] = [];
  for (const [job, entries] of byJob) {
    batches.push({ job: job.header, indices: entries.map((e) => e.index), args: entries.map((e) => wideBigInt(e.arg)), attempts: entries.map((e) => e.attempts) });
    if (job.def !== undefined && !defs.includes(job.def)) defs.push(job.def);
  }
  return { batches, defs };
}

/**
 * What an agent holds of each job, for heartbeats and idle reports: packets queued, running, lent
 * , and answered but not yet sent or not yet acknowledged. Jobs
 * holding nothing are left out.
 */
export function heldPackets(jobs: Iterable<AgentJob>, outbox: ResultOutbox): Array<{ job: AgentJob; indices: number[] }> {
  const out: Array<{ job: AgentJob; indices: number[] }> = [];
  for (const job of jobs) {
    const indices = [...job.holding, ...(job.unsent?.indices ?? []), ...outbox.indices(job.header.id)];
    if (indices.length > 0) out.push({ job, indices });
  }
  return out;
}
