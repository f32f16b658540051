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
 */
import type { ActorRef } from '@armada/actors';
import type { AgentRef } from '../agent/protocol.js';
import type { JobId, MachineId } from '../ids.js';
import type { MachineRef } from '../machine/protocol.js';
import type { PacketFailure } from '../packet.js';
import type { MachineStats } from '../placement/placement-strategy.js';
import type { ActivityView } from './activity.js';
import type { Job } from './job.js';

/** Where machines send `machine-hello` broadcasts: every master lives at this path on its node. */
export const MASTER_PATH = '/user/armada-master';

export type MasterMsg =
  | MachineHello
  | Register
  | Heartbeat
  | Deregister
  | Results
  | Moved
  | Submit
  | Tick
  | JobTimer
  | WaitMachines
  | ViewRequest
  | HealthDone;

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
}

/** A machine is alive. Asked; the reply is `false` when the master does not know it (re-register). */
export interface Heartbeat {
  readonly type: 'heartbeat';
  readonly id: MachineId;
  readonly stats: MachineStats;
  /** Queued packets per agent, in the order of `Register.agents`. */
  readonly queued: number[];
  /** The machine is draining: place nothing more on it. Sticky once seen. */
  readonly draining?: boolean;
}

/**
 * A drained machine leaves. Asked; the reply is how many packets the master still had booked on
 * it and placed again (without counting an attempt). Leaving twice is harmless (reply 0).
 */
export interface Deregister {
  readonly type: 'deregister';
  readonly id: MachineId;
}

/** Results of packets of one job, from the agent that ran them. */
export interface Results {
  readonly type: 'results';
  readonly job: JobId;
  readonly machine: MachineId;
  readonly indices: number[];
  readonly values: unknown[];
  readonly failures?: PacketFailure[];
  /** Run time of the packets in `indices` and `failures`, in milliseconds. */
  readonly ms: number;
  /** `[index, attempts]` of packets whose thread died and that the agent queued again. */
  readonly attempts?: Array<[number, number]>;
}

/** A thief took packets of `job` from `victim` on `from`; they now live on `to`. */
export interface Moved {
  readonly type: 'moved';
  readonly job: JobId;
  readonly indices: number[];
  readonly from: MachineId;
  readonly to: MachineId;
  readonly thief: AgentRef;
  readonly victim: AgentRef;
}

/** Local only: starts a job (one `dmap` call). */
export interface Submit {
  readonly type: 'submit';
  readonly job: Job;
}

/** Local only: the failure detector's and dispatcher's timer. */
export interface Tick {
  readonly type: 'tick';
  /** When the timer fired; silence is measured up to then, not up to when a busy master got to it. */
  readonly at: number;
}

/** Local only: a job's deadline or its wait for machines ran out. */
export interface JobTimer {
  readonly type: 'job-timer';
  readonly job: JobId;
  readonly reason: 'timeout' | 'no-machines';
}

/** Local only: settle once `count` machines are registered, or reject after `timeoutMs`. */
export interface WaitMachines {
  readonly type: 'wait-machines';
  readonly count: number;
  readonly timeoutMs: number;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

/** Local only: a placement's health round finished with these answers. */
export interface HealthDone {
  readonly type: 'health-done';
  readonly job: JobId;
  readonly fresh: Map<MachineId, { stats: MachineStats; rank: number | undefined; rttMs: number | undefined }>;
}

/** Asked: the master's view of the cluster, a {@link ClusterView}. */
export interface ViewRequest {
  readonly type: 'view';
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
    readonly agents: ReadonlyArray<{ readonly agent: string; readonly queued: number; readonly outstanding: number }>;
  }>;
  /** Running jobs of this master; `total` is `undefined` until a generator input is exhausted. */
  readonly jobs: ReadonlyArray<{ readonly id: JobId; readonly done: number; readonly total: number | undefined; readonly inFlight: number }>;
  /** What this master counted since it started: results per agent, steals, departed machines. */
  readonly activity: ActivityView;
  /** Function definitions this master shipped inline to agents so far (later calls send hashes). */
  readonly definitionsShipped: number;
}

export type MasterRef = ActorRef<MasterMsg>;
