/**
 * The Worker's protocol. A Worker runs the chunks its Agent hands it, one at a time and one
 * packet at a time, on its own `worker_thread`, and tells the agent what happened (`ran`). A dead
 * thread is replaced by the executor; the agent decides about retries. For a chunk with a time
 * limit it first tells the agent `started`, once a thread is loaded, so start-up is not counted.
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
  /** Set when the chunk has a time limit: the worker tells its agent `started` with it once a thread is ready to run it. */
  readonly timed?: number;
}

export type WorkerRef = ActorRef<WorkerMsg>;
