import type { ActorRef } from './actor-ref.js';

/**
 * Delivered to a watcher when an actor it watches has stopped, or could not be found (then
 * `existed` is false). Sent at most once per watch.
 */
export class Terminated {
  readonly type = 'Terminated' as const;
  constructor(
    readonly ref: ActorRef<unknown>,
    readonly existed: boolean = true,
  ) {}
}
