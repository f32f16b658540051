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
  readonly fn: FunctionDef;
  readonly args: unknown[];
}

export type WorkerRef = ActorRef<WorkerMsg>;
