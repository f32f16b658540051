/**
 * `@armada/actors`: location-transparent actors with typed refs, `tell` / `ask`, supervision,
 * death watch, dependency injection and a CBOR wire format. Everything exported here is the
 * public API and follows semver; `@armada/actors/internal` is for sibling packages only.
 */
import 'reflect-metadata';

export { Actor, type ActorClass, type ActorFactory } from './actor.js';
export type { ActorContext } from './actor-context.js';
export { ActorRef, type AskOptions } from './actor-ref.js';
export { ActorSystem, type ActorSystemOptions, type SpawnOptions, type Provider, type SystemStats } from './actor-system.js';
export { CborSerializer, type CborSerializerOptions } from './cbor-serializer.js';
export { SystemClock, type Clock, type TimerHandle } from './clock.js';
export { DeadLetters, type DeadLetter } from './dead-letters.js';
export {
  ArmadaError,
  AskTimeoutError,
  ActorNotFoundError,
  NoRespondersError,
  ActorStoppedError,
  TransportClosedError,
  PayloadTooLargeError,
  SerializationError,
  MailboxFullError,
  InvalidArgumentError,
  ActorNameTakenError,
  NodeAlreadyJoinedError,
  ActorFactoryError,
  ExpectationError,
  RemoteError,
  ACTOR_ERRORS,
  type ErrorClass,
} from './errors.js';
export { nodeId, type NodeId, type ActorPath, type Address } from './ids.js';
export { InMemoryNetwork } from './in-memory-network.js';
export { InMemoryTransport, type InMemoryTransportOptions } from './in-memory-transport.js';
export { ConsoleLogger, LogLevel, type Logger } from './logger.js';
export { OverflowPolicy, type MailboxOptions } from './mailbox.js';
export type { Serializer, RefResolver } from './serializer.js';
export { Directive, supervisorStrategy, DEFAULT_SUPERVISOR_STRATEGY, type SupervisorStrategy } from './supervision.js';
export { Terminated } from './terminated.js';
export { Tokens } from './tokens.js';
export type { Transport, TransportHandlers } from './transport.js';
export { injectable, inject, singleton } from 'tsyringe';
