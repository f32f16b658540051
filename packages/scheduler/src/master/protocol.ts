/**
 * The Master's protocol. A master lives in the user's process, one per cluster handle.
 *
 * Membership: machines answer a `master-hello` (broadcast by the master, or sent in reply to a
 * machine's `machine-hello`) with `register`; from then on they heartbeat every second. A machine
 * not heard from for `deadAfterMs` is declared dead: its unfinished packets are placed again and
 * every live machine is told (`machine-down`), so agents that lent packets to it take them back.
 *
 * Leaving: a draining machine says so in its heartbeats (`draining`); the master places nothing
 * more on it but keeps its books, then the machine, with its queues empty, asks `deregister`: the
 * master drops it and places again, uncharged, anything still booked on it.
 *
 * Work: the master places groups of packets on agents (`assign`), collects `results`, and learns
 * from a thief's `moved` that stolen packets now live on another machine; it then tells the
 * victim to `release` its copies. A result is accepted once per packet; later copies are dropped.
 *
 * Loss. NATS core is at most once, so any of these messages may be lost, duplicated or delayed.
 * The protocol keeps these invariants whatever is lost:
 *
 * 1. Exactly once: the master accepts one result per packet (index) of a job and drops every later
 *    copy, whoever sends it. Re-sending and re-placing are therefore always safe; they may only
 *    cost a packet running twice.
 * 2. Results are acknowledged: every `results` carries the agent and a sequence number, and the
 *    master acknowledges it, gathered per agent into one `results-acks` within `ackDelayMs`, or
 *    at once with `results-ack` for a job it no longer knows, saying so. An agent keeps
 *    what is not acknowledged, reports it as held, and sends it again on each heartbeat after
 *    `resultResendMs`.
 * 3. Reconciliation: each heartbeat (numbered; stale and duplicate ones are not reconciled) lists
 *    the packets the machine holds for this master, per job: queued, running, lent to a thief,
 *    or answered and unacknowledged. A packet the master's books place on that machine that is
 *    missing from two reconciled heartbeats in a row was lost (an assign, a grant, a `moved`):
 *    it is placed again. A job the machine holds that the master no longer runs is cancelled
 *    again (a lost `cancel`).
 *    An agent that runs out of work reports the same at once (`agent-idle`), with the highest
 *    assign `seq` it got: as assigns to one agent arrive in order, one report is enough for the
 *    packets assigned up to there.
 * 4. Definitions: an agent given packets whose function it lacks (the assign that carried the
 *    definition was lost) still runs them: its worker fetches the definition by hash from the
 *    master, with a timeout and retries (`functions/definitions-protocol.ts`).
 * 5. Membership: `register` carries the machine's incarnation, so a duplicate is harmless while
 *    a real re-registration (the machine forgot this master) re-places its packets; heartbeats
 *    carry the versions of the peer list and of the work hint the machine has, and a stale one
 *    is sent again.
 * 6. Work hints (`work-hint`, see the machine's protocol): whether a job runs and which agents
 *    queue packets. Idle agents park on a hint that no job runs, so a lost hint only delays a
 *    thief (back-off goes on, or packets wake it) until the next heartbeat repeats it.
 *
 * So once messages flow again, a run resumes within two heartbeats. A machine the master declared
 * dead meanwhile learns it from its next heartbeat's reply and registers again; one that gave the
 * master up (`masterTimeoutMs`) tries to register again on every heartbeat (for a minute, with one
 * incarnation, so late copies change nothing), and at the master's next `master-hello` after that.
 */
import type { ActorRef } from '@armada/actors';
import type { AgentCounts, AgentRef } from '../agent/protocol.js';
import type { JobId, MachineId } from '../ids.js';
import type { MachineRef } from '../machine/protocol.js';
import type { PacketFailure } from '../packet.js';
import type { PacketRanges } from '../packet-ranges.js';
import type { MachineStats } from '../placement/placement-strategy.js';
import type { ActivityView } from './activity.js';

/** Where machines send `machine-hello` broadcasts: every master lives at this path on its node. */
export const MASTER_PATH = '/user/armada-master';

/** Every message a master accepts from the network. */
export type MasterMsg = MachineHello | Register | Heartbeat | Deregister | Results | Moved | AgentIdle;

/** A machine started; masters answer with `master-hello`. */
export interface MachineHello {
  readonly type: 'machine-hello';
  readonly machine: MachineRef;
}

/** A machine joins this master's cluster view. Asked; the reply is `true`. */
export interface Register {
  readonly type: 'register';
  readonly id: MachineId;
  readonly name: string;
  readonly machine: MachineRef;
  readonly agents: AgentRef[];
  readonly stats: MachineStats;
  /** Counts the machine's registrations with this master: a copy of the same one changes nothing. */
  readonly incarnation: number;
}

/** Packets of one job a machine holds (queued, running, lent, or answered and not yet acknowledged). */
export interface HeldPackets {
  readonly job: JobId;
  readonly ranges: PacketRanges;
}

/**
 * A machine is alive. Told, or asked every other heartbeat (see the machine's protocol); the
 * reply is `false` when the master does not know it (re-register).
 */
export interface Heartbeat {
  readonly type: 'heartbeat';
  readonly id: MachineId;
  readonly stats: MachineStats;
  /** Queued packets per agent, in the order of `Register.agents`. */
  readonly queued: number[];
  /** Increases with every heartbeat of the machine; older or repeated ones are not reconciled. */
  readonly seq: number;
  /** What the machine holds of this master's jobs; absent when it could not ask every agent. */
  readonly held?: HeldPackets[];
  /** The version of this master's peer list the machine has (0: none). */
  readonly peersVersion: number;
  /** The version of this master's work hint the machine has (0: none); a stale one is sent again. */
  readonly hintVersion?: number;
  /** The machine is draining: place nothing more on it. Sticky once seen. */
  readonly draining?: boolean;
  /**
   * Per agent, in the order of `Register.agents`: what it ran and stole since it started, over all
   * masters (`null` for an agent that did not answer). Absent from machines that predate it.
   */
  readonly counts?: Array<AgentCounts | null>;
}

/**
 * A drained machine leaves. Asked; the reply is how many packets the master still had booked on
 * it and placed again (without counting an attempt). Leaving twice is harmless (reply 0).
 */
export interface Deregister {
  readonly type: 'deregister';
  readonly id: MachineId;
}

/** Results of packets of one job, from the agent that ran them. Acknowledged with `results-ack`. */
export interface Results {
  readonly type: 'results';
  readonly job: JobId;
  readonly machine: MachineId;
  /** The agent to acknowledge to. */
  readonly agent: AgentRef;
  /** Per agent, increasing; names this message in the acknowledgement. */
  readonly seq: number;
  readonly indices: number[];
  readonly values: unknown[];
  readonly failures?: PacketFailure[];
  /** Run time of the packets in `indices` and `failures`, in milliseconds. */
  readonly ms: number;
  /** `[index, attempts]` of packets whose thread died and that the agent queued again. */
  readonly attempts?: Array<[number, number]>;
}

/** A thief took packets of `job` from `victim` on `from`; they now live on `to`. Idempotent. */
export interface Moved {
  readonly type: 'moved';
  readonly job: JobId;
  readonly indices: number[];
  readonly from: MachineId;
  readonly to: MachineId;
  readonly thief: AgentRef;
  readonly victim: AgentRef;
}

/**
 * An agent ran out of work: what it still holds of this master's jobs (lent, answered and not yet
 * acknowledged) and the highest assign `seq` it received. Assigns to one agent arrive in order, so
 * a packet the books place on this agent by an assign up to `lastSeq` (or moved to it) and not
 * listed here was lost on the way: it is placed again at once, without waiting for heartbeats.
 */
export interface AgentIdle {
  readonly type: 'agent-idle';
  readonly agent: AgentRef;
  readonly lastSeq: number;
  readonly held: HeldPackets[];
}

/** What a master knows of the cluster at one moment. */
export interface ClusterView {
  /** Live machines as the master sees them, each with its agents' queue depths. */
  readonly machines: ReadonlyArray<{
    readonly id: MachineId;
    readonly name: string;
    readonly stats: MachineStats;
    /** Milliseconds since the machine was last heard from. */
    readonly lastHeardMs: number;
    /** The machine said it drains: it gets no new packets and leaves once its queues are empty. */
    readonly draining: boolean;
    readonly agents: ReadonlyArray<AgentView>;
  }>;
  /** Running jobs of this master; `total` is `undefined` until a generator input is exhausted. */
  readonly jobs: ReadonlyArray<{ readonly id: JobId; readonly done: number; readonly total: number | undefined; readonly inFlight: number }>;
  /** What this master counted since it started: results per agent, steals, departed machines. */
  readonly activity: ActivityView;
  /** Function definitions this master shipped inline to agents so far (later calls send hashes). */
  readonly definitionsShipped: number;
}

/**
 * One agent in a {@link ClusterView}. `queued` and the optional counts come from its machine's
 * latest heartbeat and cover every master's packets; the counts are absent until a heartbeat
 * carried them (and always from a machine that does not report them).
 */
export interface AgentView {
  readonly agent: string;
  /** Queued and running packets on the agent, every master's. */
  readonly queued: number;
  /** Packets this master placed there (or saw stolen onto it) with no result yet. */
  readonly outstanding: number;
  /** Packets running on its worker now. */
  readonly running?: number;
  /** Packets it answered since it started (results and final failures), all masters'. */
  readonly done?: number;
  /** Packets it received from peers' queues since it started. */
  readonly stolenIn?: number;
  /** Packets peers took from its queue since it started. */
  readonly stolenOut?: number;
}

export type MasterRef = ActorRef<MasterMsg>;
