import { Actor, type ActorClass, type ActorFactory } from './actor.js';
import type { ActorContext } from './actor-context.js';
import type { ActorRef } from './actor-ref.js';
import type { ActorSystem, SpawnOptions } from './actor-system.js';
import { ActorFactoryError, ActorStoppedError, MailboxFullError } from './errors.js';
import type { ActorPath } from './ids.js';
import type { Logger } from './logger.js';
import { Mailbox, OverflowPolicy, type MailboxOptions } from './mailbox.js';
import { Directive, RestartBudget, type SupervisorStrategy } from './supervision.js';
import type { SystemInternals } from './system-internals.js';
import { Terminated } from './terminated.js';

/** Settles an ask exactly once (later calls are ignored by the system). */
export type Reply = (ok: boolean, value: unknown) => void;

/** One message waiting in a mailbox. */
export interface Envelope {
  readonly message: unknown;
  readonly sender: ActorRef<unknown> | undefined;
  readonly reply: Reply | undefined;
}

const enum State {
  Starting,
  Running,
  Stopped,
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as PromiseLike<unknown>).then === 'function';
}

/**
 * The runtime of one actor: its mailbox, the one-at-a-time processing loop, its children,
 * supervision of its own failures and death watch. It is also the actor's {@link ActorContext}.
 */
export class ActorCell<M> implements ActorContext<M> {
  readonly childCells = new Map<string, ActorCell<unknown>>();
  /** Who watches this actor: key is the watcher's address, value its ref. */
  readonly watchers = new Map<string, ActorRef<unknown>>();
  /** What this actor watches: key is the watchee's address, value the message to deliver. */
  private readonly watching = new Map<string, { ref: ActorRef<unknown>; message: unknown }>();
  private readonly mailbox = new Mailbox<Envelope>();
  private readonly budget: RestartBudget;
  private actor!: Actor<M>;
  private state = State.Starting;
  /** A message (or preStart) is in progress, possibly awaiting a promise. */
  private busy = false;
  private scheduled = false;
  private stopRequested = false;
  /** Suspended because it escalated a failure; resumed if the parent resumes. */
  private escalated = false;
  private current: Envelope | undefined;
  private readonly terminatedWaiters: Array<() => void> = [];

  constructor(
    readonly self: ActorRef<M>,
    readonly parentCell: ActorCell<unknown> | undefined,
    private readonly make: () => Actor<M>,
    private readonly strategy: SupervisorStrategy,
    private readonly mailboxOptions: Required<MailboxOptions>,
    private readonly internals: SystemInternals,
  ) {
    this.budget = new RestartBudget(strategy);
  }

  get path(): ActorPath {
    return this.self.address.path;
  }
  get parent(): ActorRef<unknown> | undefined {
    return this.parentCell?.self;
  }
  get system(): ActorSystem {
    return this.internals.system;
  }
  get sender(): ActorRef<unknown> | undefined {
    return this.current?.sender;
  }
  get log(): Logger {
    return this.internals.log;
  }
  get stopped(): boolean {
    return this.state === State.Stopped;
  }

  /** Builds the first instance and runs `preStart`; messages wait until it is done. */
  start(): void {
    this.busy = true;
    this.incarnate();
  }

  enqueue(envelope: Envelope): void {
    if (this.state === State.Stopped) {
      this.internals.undeliverable(this.self.address, envelope, new ActorStoppedError(this.self.toString()));
      return;
    }
    if (this.mailbox.size >= this.mailboxOptions.capacity) {
      const full = new MailboxFullError(this.self.toString(), this.mailboxOptions.capacity);
      if (this.mailboxOptions.overflow === OverflowPolicy.DropNew) {
        this.internals.undeliverable(this.self.address, envelope, full);
        return;
      }
      const oldest = this.mailbox.shift();
      if (oldest !== undefined) this.internals.undeliverable(this.self.address, oldest, full);
    }
    this.mailbox.push(envelope);
    this.schedule();
  }

  // --- ActorContext ---

  spawn<C>(actor: ActorClass<C> | ActorFactory<C>, options: SpawnOptions = {}): ActorRef<C> {
    return this.internals.spawnChild(this as ActorCell<unknown>, actor, options);
  }

  stop(child?: ActorRef<unknown>): void {
    if (child === undefined || child.equals(this.self)) {
      this.requestStop();
      return;
    }
    for (const cell of this.childCells.values()) if (cell.self.equals(child)) cell.requestStop();
  }

  watch(target: ActorRef<unknown>, message?: M): void {
    const key = target.toString();
    if (this.watching.has(key) || this.state === State.Stopped) return;
    this.watching.set(key, { ref: target, message });
    this.internals.watch(target, this.self as ActorRef<unknown>);
  }

  unwatch(target: ActorRef<unknown>): void {
    if (this.watching.delete(target.toString())) this.internals.unwatch(target, this.self as ActorRef<unknown>);
  }

  children(): ActorRef<unknown>[] {
    return [...this.childCells.values()].map((c) => c.self);
  }

  // --- called by the system ---

  /** A watched actor stopped (or was never there). Delivered at most once per watch. */
  watcheeTerminated(watchee: ActorRef<unknown>, existed: boolean): void {
    const entry = this.watching.get(watchee.toString());
    if (entry === undefined) return;
    this.watching.delete(watchee.toString());
    const message = entry.message !== undefined ? entry.message : new Terminated(watchee, existed);
    this.enqueue({ message, sender: watchee, reply: undefined });
  }

  /** Stops after the message in progress; immediately when idle. Returns when fully stopped. */
  requestStop(): Promise<void> {
    const done = new Promise<void>((resolve) => (this.state === State.Stopped ? resolve() : this.terminatedWaiters.push(resolve)));
    if (this.state !== State.Stopped) {
      this.stopRequested = true;
      if (!this.busy) this.finalize();
    }
    return done;
  }

  /** A child escalated `error`: this actor fails with it. */
  childEscalated(error: unknown): void {
    this.fail(error, undefined);
  }

  // --- processing ---

  private schedule(): void {
    if (this.scheduled || this.busy || this.state !== State.Running) return;
    this.scheduled = true;
    queueMicrotask(() => this.drain());
  }

  private drain(): void {
    this.scheduled = false;
    let handled = 0;
    while (!this.busy && this.state === State.Running && !this.stopRequested) {
      const envelope = this.mailbox.shift();
      if (envelope === undefined) return;
      this.current = envelope;
      let result: unknown;
      try {
        result = this.actor.receive(envelope.message as M);
      } catch (error) {
        this.fail(error, envelope);
        return;
      }
      if (isThenable(result)) {
        this.busy = true;
        result.then(
          (value) => this.afterAsync(envelope, value),
          (error: unknown) => {
            this.busy = false;
            this.fail(error, envelope);
          },
        );
        return;
      }
      this.complete(envelope, result);
      if (++handled >= this.internals.throughput && this.mailbox.size > 0) {
        // Yield to I/O and other actors; continue on a later turn.
        this.scheduled = true;
        setImmediate(() => this.drain());
        return;
      }
    }
    if (this.stopRequested && !this.busy) this.finalize();
  }

  private afterAsync(envelope: Envelope, value: unknown): void {
    this.busy = false;
    this.complete(envelope, value);
    if (this.stopRequested) this.finalize();
    else this.schedule();
  }

  private complete(envelope: Envelope, value: unknown): void {
    this.current = undefined;
    if (envelope.reply !== undefined && value !== undefined) envelope.reply(true, value);
  }

  /** Handles a failure of `receive`, of `preStart`, or escalated from a child. */
  private fail(error: unknown, envelope: Envelope | undefined): void {
    this.current = undefined;
    envelope?.reply?.(false, error);
    if (this.state === State.Stopped) return;
    let directive: Directive;
    try {
      directive = this.strategy.decide(error);
    } catch (decideError) {
      this.log.error('supervisor strategy threw; stopping the actor', { actor: this.self.toString(), error: decideError });
      directive = Directive.Stop;
    }
    this.log.warn(`actor failed: ${directive}`, { actor: this.self.toString(), error });
    switch (directive) {
      case Directive.Resume:
        this.resume();
        for (const child of this.childCells.values()) if (child.escalated) child.resume();
        return;
      case Directive.Restart:
        if (this.stopRequested) return this.finalize();
        if (!this.budget.take(this.internals.clock.now())) {
          this.log.error('restart budget spent; stopping the actor', { actor: this.self.toString() });
          return this.finalize();
        }
        return this.restart(error);
      case Directive.Escalate:
        this.busy = true;
        this.escalated = true;
        if (this.parentCell !== undefined && !this.parentCell.stopped) this.parentCell.childEscalated(error);
        else this.finalize();
        return;
      case Directive.Stop:
      default:
        this.finalize();
    }
  }

  private resume(): void {
    this.busy = false;
    this.escalated = false;
    if (this.stopRequested) this.finalize();
    else this.schedule();
  }

  private restart(error: unknown): void {
    this.busy = true;
    const old = this.actor;
    try {
      old.preRestart(error);
    } catch (hookError) {
      this.log.warn('preRestart threw', { actor: this.self.toString(), error: hookError });
    }
    for (const child of [...this.childCells.values()]) child.finalize();
    this.runHook(() => old.postStop(), 'postStop');
    this.incarnate();
  }

  /** Makes a fresh instance and runs `preStart`, then opens the mailbox. */
  private incarnate(): void {
    let result: unknown;
    try {
      this.actor = this.make();
      if (!(this.actor instanceof Actor)) throw new ActorFactoryError('an actor factory must return an instance of Actor');
      this.actor.context = this;
      result = this.actor.preStart();
    } catch (error) {
      this.state = State.Running;
      this.fail(error, undefined);
      return;
    }
    const opened = () => {
      this.busy = false;
      if (this.state === State.Stopped) return;
      this.state = State.Running;
      if (this.stopRequested) this.finalize();
      else this.schedule();
    };
    if (isThenable(result)) {
      result.then(opened, (error: unknown) => {
        this.state = State.Running;
        this.fail(error, undefined);
      });
    } else opened();
  }

  /** Stops children, runs `postStop`, turns the mailbox into dead letters and tells watchers. */
  private finalize(): void {
    if (this.state === State.Stopped) return;
    this.state = State.Stopped;
    this.busy = false;
    for (const child of [...this.childCells.values()]) child.finalize();
    if (this.actor !== undefined) this.runHook(() => this.actor.postStop(), 'postStop');
    const stoppedError = new ActorStoppedError(this.self.toString());
    for (const envelope of this.mailbox.drain()) this.internals.undeliverable(this.self.address, envelope, stoppedError);
    for (const { ref } of this.watching.values()) this.internals.unwatch(ref, this.self as ActorRef<unknown>);
    this.watching.clear();
    this.internals.removed(this as ActorCell<unknown>);
    for (const watcher of this.watchers.values()) this.internals.notifyTerminated(watcher, this.self as ActorRef<unknown>, true);
    this.watchers.clear();
    for (const resolve of this.terminatedWaiters.splice(0)) resolve();
  }

  private runHook(hook: () => void | Promise<void>, name: string): void {
    try {
      const result = hook();
      if (isThenable(result)) result.then(undefined, (error: unknown) => this.log.warn(`${name} rejected`, { actor: this.self.toString(), error }));
    } catch (error) {
      this.log.warn(`${name} threw`, { actor: this.self.toString(), error });
    }
  }
}
