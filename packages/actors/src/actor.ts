import type { ActorContext } from './actor-context.js';
import type { ActorRef } from './actor-ref.js';

/**
 * The base of every actor. The system calls {@link receive} with one message at a time: the next
 * message is not handed over until the previous call returned and, if it returned a promise,
 * that promise settled. Subclasses are `@injectable()` and built by the system's tsyringe
 * container, so their constructor parameters are injected.
 *
 * @typeParam M - the messages this actor accepts.
 */
export abstract class Actor<M = unknown> {
  /** The actor's view of the system. Set before {@link preStart}; not available in the constructor. */
  context!: ActorContext<M>;

  /** This actor's own reference. */
  get self(): ActorRef<M> {
    return this.context.self;
  }

  /**
   * Handles one message. For a message sent with `ask`, a returned value other than `undefined`
   * is the reply, and a thrown error rejects the ask (and then goes to the supervisor).
   */
  abstract receive(message: M): unknown;

  /** Called once before the first message, and on the fresh instance after a restart. */
  preStart(): void | Promise<void> {}

  /** Called once after the actor stopped (also on the old instance before a restart). */
  postStop(): void | Promise<void> {}

  /** Called on the failing instance before it is replaced by a restart. */
  preRestart(_error: unknown): void {}
}

/** A class of actors, resolved through the system's DI container. */
export type ActorClass<M> = abstract new (...args: never[]) => Actor<M>;
/** A function that makes a new actor instance (called again on every restart). */
export type ActorFactory<M> = () => Actor<M>;
