/**
 * The Machine's protocol. A machine is one process (or, embedded, one actor system) with one
 * Agent+Worker pair per core. It registers with every master it hears of, heartbeats its stats
 * and what it holds of each master's jobs (see the master's protocol for reconciliation), answers
 * health checks for placement, and relays cluster news (peers, work hints, dead machines,
 * cancelled jobs) from masters to its agents. A master that closes says so (`master-closed`); one
 * that stops answering for `masterTimeoutMs` is given up with a warning. Either way its work is
 * dropped.
 *
 * Heartbeats are told, not asked, except when the last answer of that master is older than one
 * and a half heartbeats (or the machine drains): so an idle fleet sends about one and a half
 * messages per machine per heartbeat, and a master that went silent is still noticed after a few
 * lost answers in a row, as every heartbeat asks once one answer is late.
 */
import type { ActorRef } from '@armada/actors';
import type { AgentRef, PeerInfo } from '../agent/protocol.js';
import type { JobId, MachineId } from '../ids.js';
import type { MasterRef } from '../master/protocol.js';
import type { MachineStats } from '../placement/placement-strategy.js';

/** Where masters send `master-hello` broadcasts: every machine lives at this path on its node. */
export const MACHINE_PATH = '/user/armada-machine';

/**
 * Every message a machine accepts: from the network, and `drain` from its own process (it carries
 * a callback, so it never crosses the wire).
 */
export type MachineMsg = MasterHello | Health | Peers | WorkHints | MachineDown | Cancel | MasterClosed | Drain;

/** A master exists; register with it unless already registered. */
export interface MasterHello {
  readonly type: 'master-hello';
  readonly master: MasterRef;
}

/** Asked by a master's health round; the reply is a {@link HealthReply}. */
export interface Health {
  readonly type: 'health';
}

export interface HealthReply {
  readonly machine: MachineId;
  readonly stats: MachineStats;
}

/**
 * The agents this machine's agents may steal from, as one master sees them: the machine's own and
 * those of a random sample of other live machines (the master's `peerMachines`; every machine in
 * a small fleet). Replaces that master's previous list.
 */
export interface Peers {
  readonly type: 'peers';
  readonly master: string;
  readonly agents: PeerInfo[];
  /** Increases with every change of this machine's list; heartbeats echo it so a lost list is sent again. */
  readonly version: number;
}

/**
 * A master's news of queued work, relayed to the agents (merged over masters) so idle ones park
 * while no job runs and know whom to rob when one does. Sent when it changes (at once when
 * `running` flips) and again whenever a heartbeat shows an older `version`, so a lost one is
 * repeated within a heartbeat. Replaces that master's previous hint.
 */
export interface WorkHints {
  readonly type: 'work-hint';
  readonly master: string;
  /** Increases with every change of the master's hint; heartbeats echo it (`hintVersion`). */
  readonly version: number;
  /** The master has a job that allows stealing (`stealing: true`) with packets not yet answered. */
  readonly running: boolean;
  /** Agents whose latest heartbeat showed queued packets, deepest first (a few at most). */
  readonly victims: PeerInfo[];
}

/** A master declared `machine` dead. Agents take back packets they lent to it for that master. */
export interface MachineDown {
  readonly type: 'machine-down';
  readonly master: string;
  readonly machine: MachineId;
}

/** A job failed (sent at once) or completed (sent within the master's `ackDelayMs`): drop its queued packets. */
export interface Cancel {
  readonly type: 'cancel';
  readonly job: JobId;
}

/** A master is closing normally: forget it and drop its work, quietly. */
export interface MasterClosed {
  readonly type: 'master-closed';
  readonly master: string;
}

export type MachineRef = ActorRef<MachineMsg>;
export type { AgentRef };

/**
 * Local only: leave the cluster without losing work. The machine stops stealing and registering,
 * tells its masters it is draining (in every heartbeat), waits until they acknowledged and its
 * agents' queues are empty (or `timeoutMs` passed), then deregisters from each master, which
 * places anything still booked on it elsewhere without charging an attempt.
 */
export interface Drain {
  readonly type: 'drain';
  readonly timeoutMs: number;
  readonly done: (report: DrainReport) => void;
}

/** How a drain ended. */
export interface DrainReport {
  /** Every queue emptied before the deadline. */
  readonly emptied: boolean;
  /** Packets the masters still had booked here and placed elsewhere (0 when `emptied`, unless a result was lost). */
  readonly placedAgain: number;
  /** Masters that did not answer the deregistration (they will declare the machine dead instead); -1 when the machine never reported. */
  readonly unanswered: number;
}
