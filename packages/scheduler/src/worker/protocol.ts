/**
 * The Worker's protocol. A Worker runs the chunks its Agent hands it, one at a time and one
 * packet at a time, on its own `worker_thread`, and tells the agent what happened (`ran`). A dead
 * thread is replaced by the executor; the agent decides about retries.
 */
import type { ActorRef } from '@armada/actors';
import type { FunctionDef } from '../functions/function-def.js';

export type WorkerMsg = Run;

/** Run `fn` on each of `args`, in order. */
export interface Run {
  readonly type: 'run';
  /** The definition, or undefined when the agent does not hold it: the worker fetches `hash`. */
  readonly fn: FunctionDef | undefined;
  readonly hash: string;
  /** The node of the job's master, which serves the definition, module and shared values. */
  readonly master: string;
  readonly args: unknown[];
}

export type WorkerRef = ActorRef<WorkerMsg>;
