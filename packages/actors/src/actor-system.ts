import 'reflect-metadata';
import { container as rootContainer, type DependencyContainer, type InjectionToken } from 'tsyringe';
import { Actor, type ActorClass, type ActorFactory } from './actor.js';
import { ActorCell, type Envelope } from './actor-cell.js';
import { ActorRef, type AskOptions, type RefOwner } from './actor-ref.js';
import { CborSerializer } from './cbor-serializer.js';
import { SystemClock, type Clock } from './clock.js';
import { DeadLetters } from './dead-letters.js';
import { DeathWatch } from './death-watch.js';
import { EndpointReader } from './endpoint-reader.js';
import { EndpointWriter } from './endpoint-writer.js';
import { ActorNameTakenError, ActorNotFoundError, ActorStoppedError, InvalidArgumentError, TransportClosedError, type ErrorClass } from './errors.js';
import { checkActorName, formatAddress, nodeId, randomNodeId, type ActorPath, type Address, type NodeId } from './ids.js';
import { InMemoryNetwork } from './in-memory-network.js';
import { InMemoryTransport } from './in-memory-transport.js';
import { ConsoleLogger, type Logger } from './logger.js';
import { MAILBOX_DEFAULTS, type MailboxOptions } from './mailbox.js';
import { PendingAsk, PendingAsks } from './pending-asks.js';
import type { RefResolver, Serializer } from './serializer.js';
import { DEFAULT_SUPERVISOR_STRATEGY, type SupervisorStrategy } from './supervision.js';
import type { SystemInternals } from './system-internals.js';
import { RateLimitedWarning } from './rate-limited-warning.js';
import { Tokens } from './tokens.js';
import type { Transport } from './transport.js';
import { Kind, TEMP_PATH } from './wire.js';

/** A value registered in the container of one spawned actor (and its restarts). */
export interface Provider {
  /** The token the value is registered under. */
  readonly token: InjectionToken<unknown>;
  /** The value injected for it. */
  readonly useValue: unknown;
}

/** How to start one actor. */
export interface SpawnOptions {
  /** Unique among its siblings; default a generated `$n`. */
  name?: string;
  /** How this actor's failures are handled; default restart, at most 10 times in 60 s. */
  supervisor?: SupervisorStrategy;
  /** Mailbox capacity and overflow policy; default 100,000 and `drop-new`. */
  mailbox?: MailboxOptions;
  /** Values injected into this actor's constructor, on top of the system's container. */
  provide?: readonly Provider[];
}

/** Settings of an {@link ActorSystem}. Everything is optional. */
export interface ActorSystemOptions {
  /** Used as the prefix of a generated node id. */
  name?: string;
  /** This node's id on the transport; default `<name>-<random>`. */
  nodeId?: string;
  /** Default: an {@link InMemoryTransport} on `network`. */
  transport?: Transport;
  /** The network of the default in-memory transport; default a private one. */
  network?: InMemoryNetwork;
  /** Default: {@link CborSerializer} rebuilding {@link ActorSystemOptions.errors}. */
  serializer?: Serializer;
  /**
   * Error classes that arrive from other nodes as themselves (not as `RemoteError`), on top of
   * the built-in and `@armada/actors` ones. Ignored when `serializer` is given.
   */
  errors?: readonly ErrorClass[];
  /** Default: {@link SystemClock}. */
  clock?: Clock;
  /**
   * Randomness (`() => [0, 1)`) of the generated node id and of the ask correlation ids' prefix.
   * Default `Math.random`; a seeded one makes the bytes a node sends replay exactly in simulation.
   */
  random?: () => number;
  /** Default: {@link ConsoleLogger} at `ARMADA_LOG_LEVEL` (warn). */
  logger?: Logger;
  /** Parent of the system's DI container; default tsyringe's root container. */
  container?: DependencyContainer;
  /** Default ask timeout. Default 5000 ms. */
  askTimeoutMs?: number;
  /** Default supervisor strategy of spawned actors. */
  supervisor?: SupervisorStrategy;
  /** Default mailbox settings of spawned actors. */
  mailbox?: MailboxOptions;
  /**
   * Messages one actor handles in a row before it yields to I/O and other actors. Default 500:
   * replies to the messages of one socket read leave in one write only if the actor handles them
   * all before yielding (a 64 KiB read holds a few hundred small asks).
   */
  throughput?: number;
}

const DEFAULTS = { name: 'armada', askTimeoutMs: 5000, throughput: 500 } as const;

/** Counters a system keeps about itself. */
export interface SystemStats {
  /** Bytes from the transport that could not be decoded or were not a valid envelope. */
  malformedMessages: number;
  /** Dead letters published. */
  deadLetters: number;
  /** Asks waiting for a reply. */
  pendingAsks: number;
  /** Live actors. */
  actors: number;
}

const USER = '/user';

/**
 * A node: a tree of actors, a transport that links it to other nodes, a serializer for the wire
 * and a DI container. Create one with {@link ActorSystem.create}; several can live in one process.
 */
export class ActorSystem implements RefOwner {
  /** This node's id. */
  readonly node: NodeId;
  /** The DI container actors are resolved from. */
  readonly container: DependencyContainer;
  /** The clock ask timeouts and restart windows run on. */
  readonly clock: Clock;
  /** The system's logger; actors get it as `context.log`. */
  readonly log: Logger;
  /** Where undeliverable messages go; subscribe to observe them. */
  readonly deadLetters: DeadLetters;
  /** The transport linking this node to others; closed by `terminate()`. */
  readonly transport: Transport;
  private readonly askTimeoutMs: number;
  private readonly defaultSupervisor: SupervisorStrategy;
  private readonly defaultMailbox: Required<MailboxOptions>;
  private readonly cells = new Map<string, ActorCell<unknown>>();
  private readonly topLevel = new Map<string, ActorCell<unknown>>();
  private readonly pending: PendingAsks;
  private readonly writer: EndpointWriter;
  private readonly deathWatch: DeathWatch;
  private readonly reader: EndpointReader;
  private nameCounter = 0;
  private malformed = 0;
  private malformedWarning: RateLimitedWarning | undefined;
  private closed = false;
  private readonly internals: SystemInternals;
  private readonly resolveRef: RefResolver = (address) => this.refFor(address);

  private constructor(options: ActorSystemOptions) {
    const name = options.name ?? DEFAULTS.name;
    const random = options.random ?? Math.random;
    this.node = options.nodeId !== undefined ? nodeId(options.nodeId) : randomNodeId(name, options.random);
    this.clock = options.clock ?? new SystemClock();
    this.log = options.logger ?? new ConsoleLogger(undefined, name);
    this.transport = options.transport ?? new InMemoryTransport(options.network ?? new InMemoryNetwork());
    const serializer = options.serializer ?? new CborSerializer({ errors: options.errors ?? [] });
    this.askTimeoutMs = positive(options.askTimeoutMs ?? DEFAULTS.askTimeoutMs, 'askTimeoutMs');
    this.defaultSupervisor = options.supervisor ?? DEFAULT_SUPERVISOR_STRATEGY;
    this.defaultMailbox = { ...MAILBOX_DEFAULTS, ...options.mailbox };
    this.deadLetters = new DeadLetters(this.log);
    this.pending = new PendingAsks(this.clock, random);
    this.writer = new EndpointWriter(this.transport, serializer, this.log);
    this.deathWatch = new DeathWatch(this.node, this.cells, this.pending, this.writer, this.askTimeoutMs);
    this.reader = new EndpointReader(serializer, this.resolveRef, this.pending, this.writer, this.deathWatch, {
      deliver: (path, envelope) => this.deliverLocal(path, envelope),
      deliverBroadcast: (path, envelope) => this.cells.get(path)?.enqueue(envelope),
      dropMalformed: (data, error) => this.dropMalformed(data, error),
    });
    this.container = (options.container ?? rootContainer).createChildContainer();
    this.container.register(Tokens.ActorSystem, { useValue: this });
    this.container.register(ActorSystem as unknown as InjectionToken<ActorSystem>, { useValue: this });
    this.container.register(Tokens.Clock, { useValue: this.clock });
    this.container.register(Tokens.Logger, { useValue: this.log });
    const throughput = positive(options.throughput ?? DEFAULTS.throughput, 'throughput');
    this.internals = {
      system: this,
      log: this.log,
      clock: this.clock,
      throughput,
      spawnChild: (parent, actor, opts) => this.spawnCell(parent, actor, opts),
      undeliverable: (recipient, envelope, error) => this.undeliverable(recipient, envelope, error),
      watch: (target, watcher) => this.deathWatch.watch(target, watcher),
      unwatch: (target, watcher) => this.deathWatch.unwatch(target, watcher),
      notifyTerminated: (watcher, watchee, existed) => this.deathWatch.notifyTerminated(watcher, watchee, existed),
      removed: (cell) => this.removed(cell),
    };
  }

  /** Creates a system and starts its transport. Rejects if the transport cannot start. */
  static async create(options: ActorSystemOptions = {}): Promise<ActorSystem> {
    const system = new ActorSystem(options);
    // Bound, so a transport may keep the handlers apart from their object.
    const reader = system.reader;
    await system.transport.start(system.node, {
      onMessage: (data) => reader.onMessage(data),
      onReply: (correlationId, data) => reader.onReply(correlationId, data),
      onUndeliverable: (correlationId) => reader.onUndeliverable(correlationId),
    });
    return system;
  }

  /**
   * Starts a top-level actor under `/user`. A class is resolved through the DI container (make it
   * `@injectable()`); a function is called to make each instance. Throws `ActorNameTakenError`
   * for a name in use and `InvalidArgumentError` for a bad name or actor.
   */
  spawn<M>(actor: ActorClass<M> | ActorFactory<M>, options: SpawnOptions = {}): ActorRef<M> {
    return this.spawnCell(undefined, actor, options);
  }

  /** A reference to an actor anywhere, by address. Refs are cheap; make them freely. */
  refFor<M = unknown>(address: Address): ActorRef<M> {
    return new ActorRef<M>(address, this);
  }

  /** A reference to the actor at `path` on `node` (for example `/user/echo`). */
  ref<M = unknown>(node: string, path: string): ActorRef<M> {
    if (!path.startsWith('/')) throw new InvalidArgumentError(`actor path must start with "/": ${path}`);
    return this.refFor<M>({ node: nodeId(node), path: path as ActorPath });
  }

  /** Stops an actor of this node and its children; resolves when it has stopped. */
  stop(ref: ActorRef<unknown>): Promise<void> {
    const cell = ref.address.node === this.node ? this.cells.get(ref.address.path) : undefined;
    return cell === undefined ? Promise.resolve() : cell.requestStop();
  }

  /** Counters about this node. */
  stats(): SystemStats {
    return { malformedMessages: this.malformed, deadLetters: this.deadLetters.count, pendingAsks: this.pending.size, actors: this.cells.size };
  }

  /**
   * Stops every actor, rejects waiting asks with `TransportClosedError` and closes the transport.
   * Idempotent.
   */
  async terminate(): Promise<void> {
    if (this.closed) return;
    await Promise.all([...this.topLevel.values()].map((cell) => cell.requestStop()));
    this.closed = true;
    this.pending.closeAll(() => new TransportClosedError('actor system terminated'));
    await this.transport.close();
  }

  /**
   * Tells `message` to the actor at `path` on every node of the network, this one included.
   * Nodes without such an actor ignore it quietly (no dead letter): this is for discovery, where
   * most nodes are not interested. At most once per node. Throws `InvalidArgumentError` for a
   * path not starting with `/`; a send failure is logged, not thrown.
   */
  broadcast(path: string, message: unknown, sender?: ActorRef<unknown>): void {
    if (!path.startsWith('/')) throw new InvalidArgumentError(`actor path must start with "/": ${path}`);
    try {
      this.writer.broadcast([Kind.Broadcast, path as ActorPath, message, sender ?? null]);
    } catch (error) {
      this.log.warn('broadcast not sent', { path, error });
    }
  }

  // --- RefOwner ---

  /** @internal */
  tell(target: Address, message: unknown, sender: ActorRef<unknown> | undefined): void {
    if (target.node === this.node) {
      this.deliverLocal(target.path, { message, sender, reply: undefined });
      return;
    }
    try {
      if (target.path.startsWith(TEMP_PATH)) this.writer.answer(target.node, target.path.slice(TEMP_PATH.length), message);
      else this.writer.send(target.node, [Kind.Tell, target.path, message, sender ?? null]);
    } catch (error) {
      this.deadLetter(target, message, sender, error);
    }
  }

  /** @internal */
  ask(target: Address, build: unknown, options: AskOptions | undefined): Promise<unknown> {
    const timeoutMs = options?.timeoutMs ?? this.askTimeoutMs;
    return new Promise((resolve, reject) => {
      if (!(Number.isFinite(timeoutMs) && timeoutMs > 0)) {
        reject(new InvalidArgumentError(`ask timeoutMs must be a positive number, got ${String(timeoutMs)}`));
        return;
      }
      if (this.closed) {
        reject(new TransportClosedError('actor system terminated'));
        return;
      }
      const id = this.pending.nextId();
      this.pending.track(new PendingAsk(id, target, timeoutMs, resolve, reject));
      // The temporary reply ref is only made when something can see it.
      const local = target.node === this.node;
      const replyTo = local || typeof build === 'function' ? this.refFor({ node: this.node, path: (TEMP_PATH + id) as ActorPath }) : undefined;
      let message: unknown;
      try {
        message = typeof build === 'function' ? (build as (r: ActorRef<unknown>) => unknown)(replyTo!) : build;
      } catch (error) {
        this.pending.settle(id, false, error);
        return;
      }
      if (local) {
        this.deliverLocal(target.path, { message, sender: replyTo, reply: (ok, value) => this.pending.settle(id, ok, value) });
        return;
      }
      try {
        this.writer.send(target.node, [Kind.Ask, target.path, message, id, this.node], id);
      } catch (error) {
        this.pending.settle(id, false, error);
      }
    });
  }

  // --- spawning and local delivery ---

  private spawnCell<M>(parent: ActorCell<unknown> | undefined, actor: ActorClass<M> | ActorFactory<M>, options: SpawnOptions): ActorRef<M> {
    if (this.closed) throw new TransportClosedError('actor system terminated');
    if (typeof actor !== 'function') throw new InvalidArgumentError('spawn needs an Actor class or a factory function');
    const siblings = parent === undefined ? this.topLevel : parent.childCells;
    const name = options.name !== undefined ? checkActorName(options.name) : `$${(++this.nameCounter).toString(36)}`;
    const path = `${parent === undefined ? USER : parent.path}/${name}` as ActorPath;
    if (siblings.has(name)) throw new ActorNameTakenError(path);
    const make = this.maker(actor, options.provide);
    const ref = this.refFor<M>({ node: this.node, path });
    const cell = new ActorCell<M>(
      ref,
      parent,
      make,
      options.supervisor ?? this.defaultSupervisor,
      { ...this.defaultMailbox, ...options.mailbox },
      this.internals,
    );
    siblings.set(name, cell as ActorCell<unknown>);
    this.cells.set(path, cell as ActorCell<unknown>);
    cell.start();
    return ref;
  }

  private maker<M>(actor: ActorClass<M> | ActorFactory<M>, provide: readonly Provider[] | undefined): () => Actor<M> {
    if (actor.prototype instanceof Actor) {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const cls = actor as unknown as new (...args: any[]) => Actor<M>;
      return () => {
        const scope = provide === undefined || provide.length === 0 ? this.container : this.container.createChildContainer();
        if (scope !== this.container) for (const p of provide!) scope.register(p.token, { useValue: p.useValue });
        return scope.resolve(cls);
      };
    }
    return actor as ActorFactory<M>;
  }

  private removed(cell: ActorCell<unknown>): void {
    this.cells.delete(cell.path);
    const name = cell.path.slice(cell.path.lastIndexOf('/') + 1);
    const siblings = cell.parentCell === undefined ? this.topLevel : cell.parentCell.childCells;
    if (siblings.get(name) === cell) siblings.delete(name);
  }

  private deliverLocal(path: ActorPath, envelope: Envelope): void {
    if (path.startsWith(TEMP_PATH)) {
      this.pending.settle(path.slice(TEMP_PATH.length), true, envelope.message);
      return;
    }
    const cell = this.cells.get(path);
    if (cell === undefined) this.undeliverable({ node: this.node, path }, envelope, new ActorNotFoundError(formatAddress({ node: this.node, path })));
    else cell.enqueue(envelope);
  }

  private undeliverable(recipient: Address, envelope: Envelope, error: Error): void {
    if (envelope.reply !== undefined) envelope.reply(false, error);
    else this.deadLetter(recipient, envelope.message, envelope.sender, error);
  }

  private deadLetter(recipient: Address, message: unknown, sender: ActorRef<unknown> | undefined, error: unknown): void {
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    // A missing actor, or one stopped with messages still queued, is the ordinary end of a
    // conversation (a system shutting down, a peer gone): dead letters record it, a warning would be noise.
    if (error instanceof ActorNotFoundError || error instanceof ActorStoppedError) this.log.debug('message not delivered', { to: formatAddress(recipient), reason });
    else this.log.warn('message not delivered', { to: formatAddress(recipient), reason });
    this.deadLetters.publish({ recipient, message, sender, reason });
  }

  private dropMalformed(data: Uint8Array, error: unknown): void {
    this.malformed++;
    (this.malformedWarning ??= new RateLimitedWarning(this.log, 'dropped a malformed message')).warn({ node: this.node, bytes: data.byteLength, error });
  }
}

function positive(value: number, name: string): number {
  if (!(typeof value === 'number' && Number.isFinite(value) && value > 0)) {
    throw new InvalidArgumentError(`${name} must be a positive number, got ${String(value)}`);
  }
  return value;
}
