import type { ActorClass, ActorFactory } from './actor.js';
import type { ActorCell, Envelope } from './actor-cell.js';
import type { ActorRef } from './actor-ref.js';
import type { ActorSystem, SpawnOptions } from './actor-system.js';
import type { Clock } from './clock.js';
import type { Address } from './ids.js';
import type { Logger } from './logger.js';

/** @internal What an actor cell needs from its system. */
export interface SystemInternals {
  readonly system: ActorSystem;
  readonly log: Logger;
  readonly clock: Clock;
  readonly throughput: number;
  spawnChild<C>(parent: ActorCell<unknown>, actor: ActorClass<C> | ActorFactory<C>, options: SpawnOptions): ActorRef<C>;
  /** A message that could not be handled: settle its ask with `error`, or dead-letter it. */
  undeliverable(recipient: Address, envelope: Envelope, error: Error): void;
  watch(target: ActorRef<unknown>, watcher: ActorRef<unknown>): void;
  unwatch(target: ActorRef<unknown>, watcher: ActorRef<unknown>): void;
  notifyTerminated(watcher: ActorRef<unknown>, watchee: ActorRef<unknown>, existed: boolean): void;
  removed(cell: ActorCell<unknown>): void;
}
