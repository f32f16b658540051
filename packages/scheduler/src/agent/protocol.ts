/**
 * The Agent's protocol. An agent owns the FIFO queue of one Worker: it hands the worker a chunk
 * from the head of the queue, reports results to each packet's master, and when its queue is
 * empty it asks its peers for work: one round over them at once (hinted victims first, then peers
 * of its own machine, which costs no network, then a few others). It starts asking as soon as
 * the queue runs dry, while its worker still runs the last chunks, so a steal's round trip
 * overlaps the run instead of leaving the worker idle (one round: after an empty one it waits for
 * its worker, then steals as an idle agent). A victim keeps its next packet from such a thief
 * (`ahead`) unless the thief says it runs dry first.
 * While a master runs a job, empty rounds repeat with exponential back-off; once no master does
 * (`work-hint`), an agent whose round found nothing parks, so an idle fleet says nothing but its
 * heartbeats. Packets, new peers and a `work-hint` with `running` wake it.
 *
 * Stealing is transactional. The victim moves the packets it gives from its queue to a lent
 * table and sends them (`grant`). The thief queues them and tells each packet's master (`moved`).
 * The master, if the victim still holds them by its books and the thief's machine is alive,
 * records the new place and tells the victim to `release` its lent copies. If the thief's machine
 * dies before the master heard of the move, the master's `machine-down` makes the victim queue
 * its lent copies again. So a steal alone never runs a packet twice and never loses one.
 *
 * Loss (see the master's protocol for the whole picture). Every step is idempotent: a repeated
 * `assign` or `grant` queues nothing the agent already holds, a repeated `moved` finds the packet
 * moved already, a repeated `release` finds nothing lent. A lent packet not released within
 * `lentLeaseMs` (its `grant`, `moved` or `release`, or the `machine-down`, was lost) is queued
 * here again: it may then run twice, and the master keeps one result. Lent packets count as held
 * in heartbeats, so the master never places them again while the lease runs.
 *
 * Copies (`AgentSettings.lendCopies`). A thief running at most one chunk whose last round (the
 * peers it asks: hinted victims, its own machine, a few others) found nothing queued asks with
 * `copies`, its pace per job and, if still running, when it runs dry. A victim with nothing
 * queued to give then grants (`copy`) a copy of a chunk its worker holds, the waiting one or the
 * running one, when at both paces the thief would finish it first; each chunk once by that
 * victim, and it still runs it itself. A copy is not lent: no lease, no `moved`, no `release`; it
 * stays booked on the victim, which answers for it, and the master keeps whichever result comes
 * first. The thief neither lends a copy on nor copies it again. This is speculation at the tail,
 * as backup tasks are in MapReduce: a fast idle worker no longer waits for a slow one to start,
 * and finish, the last chunks it holds.
 */
import type { ActorRef } from '@armada/actors';
import type { FunctionDef } from '../functions/function-def.js';
import type { JobId, MachineId } from '../ids.js';
import type { PacketBatch } from '../packet.js';

/** Every message an agent accepts: from masters and peers over the wire, and from its machine. */
export type AgentMsg = Assign | Steal | Grant | Release | ResultsAck | ResultsAcks | LentLost | DropJob | MasterGone | SetPeers | WorkHint | Report;

/** Packets placed on this agent by a master, or (with no batches) a definition it asked for. */
export interface Assign {
  readonly type: 'assign';
  /** Definitions of functions this agent has not been sent yet. */
  readonly defs: FunctionDef[];
  readonly batches: PacketBatch[];
  /** Increases with every placement pass of the master; idle reports echo the highest received. */
  readonly seq?: number;
}

/** A peer asks for work. Answered with a `grant` (possibly empty) told to `thief`. */
export interface Steal {
  readonly type: 'steal';
  readonly id: number;
  readonly thief: AgentRef;
  readonly machine: MachineId;
  /** The masters the thief's machine is registered with; only their packets may move. */
  readonly masters: string[];
  /**
   * The thief's worker still runs chunks: it asks ahead, before running dry. The victim then keeps
   * its next packet unless the thief expects to run dry first (`freeInMs`): otherwise its own
   * worker starts that packet no later, and two agents near the end would pass a last packet back
   * and forth.
   */
  readonly ahead?: boolean;
  /** With `ahead`: in how many ms the thief expects its worker to run dry, at its measured pace; absent when unknown. */
  readonly freeInMs?: number;
  /** The thief runs at most one chunk and its last round found nothing queued: a copy of a chunk a worker holds will do. */
  readonly copies?: boolean;
  /** With `copies`: the thief's mean run time per packet (ms) of the jobs it has run, so the victim copies only what the thief would finish first. */
  readonly paces?: ReadonlyArray<readonly [JobId, number]>;
}

/** The answer to a `steal`: packets that now belong to the thief. */
export interface Grant {
  readonly type: 'grant';
  readonly id: number;
  readonly victim: AgentRef;
  readonly machine: MachineId;
  readonly defs: FunctionDef[];
  readonly batches: PacketBatch[];
  /** The packets are copies the victim runs too (see "Copies" above), not lent ones. */
  readonly copy?: boolean;
}

/** The master recorded the move of these lent packets: forget the copies. */
export interface Release {
  readonly type: 'release';
  readonly job: JobId;
  readonly indices: number[];
}

/** The master has the `results` message `seq`; `known` is false when it no longer runs the job. */
export interface ResultsAck {
  readonly type: 'results-ack';
  readonly job: JobId;
  readonly seq: number;
  readonly known: boolean;
}

/** The master has the `results` messages `seqs` of jobs it runs (acknowledgements gathered for up to `ackDelayMs`). */
export interface ResultsAcks {
  readonly type: 'results-acks';
  readonly seqs: readonly number[];
}

/** From the machine: a master declared `machine` dead; queue again what was lent to it for that master. */
export interface LentLost {
  readonly type: 'lent-lost';
  readonly master: string;
  readonly machine: MachineId;
}

/** From the machine: drop the job's packets and definition, it is finished or failed. */
export interface DropJob {
  readonly type: 'drop-job';
  readonly job: JobId;
}

/** From the machine: a master is gone; drop everything of its jobs. */
export interface MasterGone {
  readonly type: 'master-gone';
  readonly master: string;
}

/** From the machine: its current union of peers over all its masters. */
export interface SetPeers {
  readonly type: 'set-peers';
  readonly peers: PeerInfo[];
  readonly masters: string[];
}

/**
 * From the machine: what its masters know of queued work in the cluster, merged. While no master
 * runs a job that allows stealing, an idle agent parks without asking anyone (no timers, no
 * messages) until a hint with `running` wakes it. Replaces the previous hint.
 */
export interface WorkHint {
  readonly type: 'work-hint';
  /** Some master has a job that allows stealing with packets not yet answered: idle agents steal, and empty rounds back off and retry. */
  readonly running: boolean;
  /** Agents with queued packets by the latest heartbeats, deepest first: asked first in a round. */
  readonly victims: readonly PeerInfo[];
}

/**
 * Asked by the machine before each heartbeat; the reply is an {@link AgentReport}. The agent also
 * re-sends unacknowledged results, asks again for missing definitions and takes back expired loans.
 */
export interface Report {
  readonly type: 'report';
}

/** What one agent holds, for its machine's heartbeat. */
export interface AgentReport {
  /** Queued and running packets, all masters'. */
  readonly queued: number;
  /** Indices held per master (node id) and job. */
  readonly held: Array<{ readonly master: string; readonly job: JobId; readonly indices: number[] }>;
  /** What the agent did since it started, every master's packets together. */
  readonly counts?: AgentCounts;
}

/**
 * An agent's activity for status displays: `running` is the packets on its worker now; the others
 * count packets since the agent started, over all masters. `done` counts packets answered (a
 * result or a final failure, copies run here included); `stolenIn` packets received in grants,
 * `stolenOut` packets lent or copied in grants. With no message lost, the fleet's `stolenIn` and
 * `stolenOut` sums are equal.
 */
export interface AgentCounts {
  readonly running: number;
  readonly done: number;
  readonly stolenIn: number;
  readonly stolenOut: number;
}

/** `value` when it has the shape of {@link AgentCounts} (it came over the wire), else undefined. */
export function agentCounts(value: unknown): AgentCounts | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const c = value as Record<string, unknown>;
  const ok = (['running', 'done', 'stolenIn', 'stolenOut'] as const).every((k) => typeof c[k] === 'number' && Number.isFinite(c[k]));
  return ok ? { running: c.running as number, done: c.done as number, stolenIn: c.stolenIn as number, stolenOut: c.stolenOut as number } : undefined;
}

/** An agent as peers and masters know it. */
export interface PeerInfo {
  readonly agent: AgentRef;
  readonly machine: MachineId;
}

export type AgentRef = ActorRef<AgentMsg>;
