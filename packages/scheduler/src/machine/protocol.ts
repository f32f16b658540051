/**
 * The Machine's protocol. A machine is one process (or, embedded, one actor system) with one
 * Agent+Worker pair per core. It registers with every master it hears of, heartbeats its stats,
 * answers health checks for placement, and relays cluster news (peers, dead machines, cancelled
 * jobs) from masters to its agents.
 */
import type { ActorRef } from '@armada/actors';
import type { AgentRef, PeerInfo } from '../agent/protocol.js';
import type { JobId, MachineId } from '../ids.js';
import type { MasterRef } from '../master/protocol.js';
import type { MachineStats } from '../placement/placement-strategy.js';

/** Where masters send `master-hello` broadcasts: every machine lives at this path on its node. */
export const MACHINE_PATH = '/user/armada-machine';

export type MachineMsg = MasterHello | Health | Peers | MachineDown | Cancel | Beat;

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

/** A master's current list of live agents, for stealing. Replaces that master's previous list. */
export interface Peers {
  readonly type: 'peers';
  readonly master: string;
  readonly agents: PeerInfo[];
}

/** A master declared `machine` dead. Agents take back packets they lent to it for that master. */
export interface MachineDown {
  readonly type: 'machine-down';
  readonly master: string;
  readonly machine: MachineId;
}

/** A job finished or failed: drop its queued packets. */
export interface Cancel {
  readonly type: 'cancel';
  readonly job: JobId;
}

/** Local only: heartbeat timer. */
export interface Beat {
  readonly type: 'beat';
}

export type MachineRef = ActorRef<MachineMsg>;
export type { AgentRef };
