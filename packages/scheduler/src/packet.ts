import type { ActorRef } from '@armada/actors';
import type { JobId, MachineId } from './ids.js';
import type { TaskErrorData } from './worker/executor.js';

/**
 * A run of packets of one job, as it travels from a master to an agent (assign) and from agent to
 * agent (steal grant). A packet is `(job, index)`: index `i` of the job's inputs, with `args[k]`
 * the input of `indices[k]`. Packets carry only the function's hash; definitions travel beside
 * them, once per agent and job.
 */
export interface PacketBatch {
  readonly job: JobHeader;
  readonly indices: number[];
  readonly args: unknown[];
  /** Crash retries already spent per packet (absent: none). */
  readonly attempts?: number[];
}

/** What every holder of a job's packets needs to know about the job. */
export interface JobHeader {
  readonly id: JobId;
  /** The master collecting the results; `results` and `moved` go there. */
  readonly master: ActorRef<unknown>;
  /** Hash of the job's function definition. */
  readonly fn: string;
  /** Crash retries per packet before it fails. */
  readonly maxRetries: number;
  /** Whether user errors are retried too (up to `maxRetries`). */
  readonly retryErrors: boolean;
  /** Whether idle agents may steal this job's packets. */
  readonly stealable: boolean;
}

/** A failed packet: the error user code threw, or why it could not run. */
export interface PacketFailure {
  readonly index: number;
  readonly error: TaskErrorData | Error;
  /** Where it ran (or last crashed). */
  readonly machine: MachineId;
}

