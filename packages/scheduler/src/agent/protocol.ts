/**
 * The Agent's protocol. An agent owns the FIFO queue of one Worker: it hands the worker a chunk
 * from the head of the queue, reports results to each packet's master, and when the worker is
 * idle and the queue empty it asks a random peer for work.
 *
 * Stealing is transactional. The victim moves the packets it gives from its queue to a lent
 * table and sends them (`grant`). The thief queues them and tells each packet's master (`moved`).
 * The master, if the victim still holds them by its books and the thief's machine is alive,
 * records the new place and tells the victim to `release` its lent copies. If the thief's machine
 * dies before the master heard of the move, the master's `machine-down` makes the victim queue
 * its lent copies again. So a steal alone never runs a packet twice and never loses one.
 */
import type { ActorRef } from '@armada/actors';
import type { FunctionDef } from '../functions/function-def.js';
import type { JobId, MachineId } from '../ids.js';
import type { PacketBatch } from '../packet.js';
import type { BatchOutcome } from '../worker/executor.js';

export type AgentMsg = Assign | Steal | Grant | Release | LentLost | CancelJob | MasterGone | SetPeers | Ran | StealTimeout | QueueDepth;

/** Packets placed on this agent by a master. */
export interface Assign {
  readonly type: 'assign';
  /** Definitions of functions this agent has not been sent yet. */
  readonly defs: FunctionDef[];
  readonly batches: PacketBatch[];
}

/** A peer asks for work. Answered with a `grant` (possibly empty) told to `thief`. */
export interface Steal {
  readonly type: 'steal';
  readonly id: number;
  readonly thief: AgentRef;
  readonly machine: MachineId;
  /** The masters the thief's machine is registered with; only their packets may move. */
  readonly masters: string[];
}

/** The answer to a `steal`: packets that now belong to the thief. */
export interface Grant {
  readonly type: 'grant';
  readonly id: number;
  readonly victim: AgentRef;
  readonly machine: MachineId;
  readonly defs: FunctionDef[];
  readonly batches: PacketBatch[];
}

/** The master recorded the move of these lent packets: forget the copies. */
export interface Release {
  readonly type: 'release';
  readonly job: JobId;
  readonly indices: number[];
}

/** A master declared `machine` dead: queue again what was lent to it for that master. */
export interface LentLost {
  readonly type: 'lent-lost';
  readonly master: string;
  readonly machine: MachineId;
}

/** Drop the job's packets and definition: it is finished or failed. */
export interface CancelJob {
  readonly type: 'cancel';
  readonly job: JobId;
}

/** A master is gone: drop everything of its jobs. */
export interface MasterGone {
  readonly type: 'master-gone';
  readonly master: string;
}

/** The machine's current union of peers over all its masters. */
export interface SetPeers {
  readonly type: 'peers';
  readonly peers: PeerInfo[];
  readonly masters: string[];
}

/** From the agent's Worker: the chunk it was given has run, or its thread died. */
export interface Ran {
  readonly type: 'ran';
  readonly outcome: BatchOutcome | { readonly crashed: Error };
}

/** Local only: a steal request got no answer in time. */
export interface StealTimeout {
  readonly type: 'steal-timeout';
  readonly id: number;
}

/** Asked by the machine for heartbeats; the reply is the number of queued packets. */
export interface QueueDepth {
  readonly type: 'depth';
}

/** An agent as peers and masters know it. */
export interface PeerInfo {
  readonly agent: AgentRef;
  readonly machine: MachineId;
}

export type AgentRef = ActorRef<AgentMsg>;
