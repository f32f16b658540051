import type { ActorClass, ActorFactory } from './actor.js';
import type { ActorRef } from './actor-ref.js';
import type { ActorSystem, SpawnOptions } from './actor-system.js';
import type { Logger } from './logger.js';

/** What an actor can see of and do in the system. Use it only from inside the actor. */
export interface ActorContext<M> {
  /** This actor's reference. */
  readonly self: ActorRef<M>;
  /** The parent; the user guardian for top-level actors. */
  readonly parent: ActorRef<unknown> | undefined;
  /** The system the actor lives in. */
  readonly system: ActorSystem;
  /**
   * The sender of the message being handled: the ref given to `tell`, or for an `ask` a
   * temporary ref that completes the ask when told. Undefined when nobody was named.
   */
  readonly sender: ActorRef<unknown> | undefined;
  /** The system's logger. */
  readonly log: Logger;
  /** Starts a child; it stops when this actor stops. */
  spawn<C>(actor: ActorClass<C> | ActorFactory<C>, options?: SpawnOptions): ActorRef<C>;
  /** Stops this actor (no argument) or one of its children, after the current message. */
  stop(child?: ActorRef<unknown>): void;
  /**
   * Watches another actor, local or remote: when it stops (or if it does not exist) this actor
   * receives `message`, by default a `Terminated`. Delivered at most once per watch.
   */
  watch(target: ActorRef<unknown>, message?: M): void;
  /** Stops watching; a `Terminated` not yet delivered will not be. */
  unwatch(target: ActorRef<unknown>): void;
  /** The live children. */
  children(): ActorRef<unknown>[];
}
