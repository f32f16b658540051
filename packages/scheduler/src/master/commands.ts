import type { ActorRef } from '@armada/actors';
import type { Job } from './job.js';

/**
 * What the cluster handle in the master's own process tells its master. These carry closures and
 * live objects, so they never cross the wire; a master reached over the network sees only
 * `MasterMsg`.
 */
export type MasterCommand = Submit | WaitMachines | ViewRequest;

/** Starts a job (one `dmap` call). */
export interface Submit {
  readonly type: 'submit';
  readonly job: Job;
}

/** Settle once `count` machines are registered, or reject after `timeoutMs`. */
export interface WaitMachines {
  readonly type: 'wait-machines';
  readonly count: number;
  readonly timeoutMs: number;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

/** Asked: the master's view of the cluster, a `ClusterView`. */
export interface ViewRequest {
  readonly type: 'view';
}

export type MasterCommandRef = ActorRef<MasterCommand>;
