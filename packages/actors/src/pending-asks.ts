import type { Clock } from './clock.js';
import { Deadlines } from './deadlines.js';
import { AskTimeoutError, NoRespondersError } from './errors.js';
import { formatAddress, type Address, type NodeId } from './ids.js';

/** One request (an ask, or the acknowledgement of a remote watch) waiting for its single reply. */
export interface PendingRequest {
  /** The node the request went to, to name it when nobody serves it. */
  readonly node: NodeId;
  /** Where the request went, for the timeout error. */
  readonly target: Address;
  readonly timeoutMs: number;
  settle(ok: boolean, value: unknown): void;
}

/**
 * The requests of one node that wait for a reply, by correlation id, with their deadlines.
 *
 * Guarantee: each tracked request is settled exactly once: by its reply, by `unreachable`
 * (`NoRespondersError`), by its deadline (`AskTimeoutError`) or by {@link closeAll}; later
 * settlements of the same id are ignored, so a duplicated or late reply is harmless.
 */
export class PendingAsks {
  private readonly entries = new Map<string, PendingRequest>();
  private readonly deadlines: Deadlines;
  /** Keeps ids of systems sharing a process (and of a restarted node) apart. */
  private readonly prefix = Math.random().toString(36).slice(2, 6);
  private counter = 0;

  constructor(clock: Clock) {
    this.deadlines = new Deadlines(clock, (id, timeoutMs) => {
      const entry = this.entries.get(id);
      if (entry !== undefined) this.settle(id, false, new AskTimeoutError(formatAddress(entry.target), timeoutMs));
    });
  }

  /** Requests waiting right now. */
  get size(): number {
    return this.entries.size;
  }

  /** A correlation id never handed out before by this node: `[A-Za-z0-9]`, short. */
  nextId(): string {
    return this.prefix + (++this.counter).toString(36);
  }

  /** True while `id` waits for its reply. */
  has(id: string): boolean {
    return this.entries.has(id);
  }

  /** Registers a request waiting for one reply, with its deadline. */
  track(id: string, entry: PendingRequest): void {
    this.entries.set(id, entry);
    this.deadlines.add(id, entry.timeoutMs);
  }

  /** Settles request `id` once; later settlements of the same id are ignored. */
  settle(id: string, ok: boolean, value: unknown): void {
    const entry = this.entries.get(id);
    if (entry === undefined) return;
    this.entries.delete(id);
    this.deadlines.remove(id, entry.timeoutMs);
    entry.settle(ok, value);
  }

  /** The transport found no node serving the target of request `id`. */
  unreachable(id: string): void {
    const entry = this.entries.get(id);
    if (entry !== undefined) this.settle(id, false, new NoRespondersError(entry.node));
  }

  /** Fails every waiting request with a fresh error from `error` and stops the deadline timer. */
  closeAll(error: () => Error): void {
    for (const id of [...this.entries.keys()]) this.settle(id, false, error());
    this.deadlines.clear();
  }
}
