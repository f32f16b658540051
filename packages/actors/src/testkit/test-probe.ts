import { Actor } from '../actor.js';
import type { ActorRef } from '../actor-ref.js';
import type { ActorSystem } from '../actor-system.js';
import { ExpectationError } from '../errors.js';

/** One message a probe received, with its sender. */
export interface Received<T> {
  readonly message: T;
  readonly sender: ActorRef<unknown> | undefined;
}

/**
 * An actor for tests: it records every message and lets the test wait for them, each wait bounded
 * by a timeout. Pass `probe.ref` wherever an actor ref is expected.
 */
export class TestProbe<T = unknown> {
  /** The probe's actor; every message sent to it is recorded in arrival order. */
  readonly ref: ActorRef<T>;
  private readonly queue: Received<T>[] = [];
  private waiter: (() => void) | undefined;

  constructor(system: ActorSystem, name?: string) {
    const probe = this;
    class ProbeActor extends Actor<T> {
      receive(message: T): void {
        probe.queue.push({ message, sender: this.context.sender });
        probe.waiter?.();
      }
    }
    this.ref = system.spawn(() => new ProbeActor(), name === undefined ? {} : { name });
  }

  /** Messages received and not yet taken. */
  get pending(): number {
    return this.queue.length;
  }

  /** Takes the next message, waiting up to `timeoutMs`; rejects if none arrives. */
  async receive(timeoutMs = 3000): Promise<Received<T>> {
    const deadline = Date.now() + timeoutMs;
    while (this.queue.length === 0) {
      const left = deadline - Date.now();
      if (left <= 0) throw new ExpectationError(`probe ${this.ref} received nothing within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(timer);
          this.waiter = undefined;
          resolve();
        };
      });
    }
    return this.queue.shift()!;
  }

  /** Takes the next message's payload. */
  async expectMessage(timeoutMs?: number): Promise<T> {
    return (await this.receive(timeoutMs)).message;
  }

  /** Takes `n` messages in arrival order. */
  async receiveN(n: number, timeoutMs = 5000): Promise<T[]> {
    const out: T[] = [];
    const deadline = Date.now() + timeoutMs;
    while (out.length < n) out.push(await this.expectMessage(Math.max(1, deadline - Date.now())));
    return out;
  }

  /**
   * Asserts that nothing arrives for `ms`. This one waits on purpose: silence can only be
   * observed over time.
   */
  async expectNoMessage(ms = 100): Promise<void> {
    await new Promise((r) => setTimeout(r, ms));
    if (this.queue.length > 0) throw new ExpectationError(`probe ${this.ref} received ${this.queue.length} unexpected message(s)`);
  }
}
