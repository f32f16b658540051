import type { ActorRef } from './actor-ref.js';

/**
 * Delivered to a watcher when an actor it watches has stopped, or could not be found (then
 * `existed` is false). Sent at most once per watch.
 */
export class Terminated {
  /** Discriminant, so `Terminated` fits a message union on `type`. */
  readonly type = 'Terminated' as const;
  constructor(
    /** The watched actor. */
    readonly ref: ActorRef<unknown>,
    /** False when the actor was never found (absent, or its node unreachable). */
    readonly existed: boolean = true,
  ) {}
}
