import type { Clock } from './clock.js';
import { Deadlines, type Timed } from './deadlines.js';
import { AskTimeoutError, NoRespondersError } from './errors.js';
import { formatAddress, type Address } from './ids.js';

/**
 * One request (an ask, or the acknowledgement of a remote watch) waiting for its single reply.
 * `deadline` and `done` belong to {@link PendingAsks}: start them at `0` and `false`.
 */
export interface PendingRequest extends Timed {
  /** The correlation id, from {@link PendingAsks.nextId}. */
  readonly id: string;
  /** Where the request went: its node is named when nobody serves it, the whole address on timeout. */
  readonly target: Address;
  settle(ok: boolean, value: unknown): void;
}

/** An ask: its promise is settled with the reply, or rejected with the error. */
export class PendingAsk implements PendingRequest {
  deadline = 0;
  done = false;

  constructor(
    readonly id: string,
    readonly target: Address,
    readonly timeoutMs: number,
    private readonly resolve: (value: unknown) => void,
    private readonly reject: (error: unknown) => void,
  ) {}

  settle(ok: boolean, value: unknown): void {
    if (ok) this.resolve(value);
    else this.reject(value);
  }
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
  private readonly deadlines: Deadlines<PendingRequest>;
  /** Keeps ids of systems sharing a process (and of a restarted node) apart. */
  private readonly prefix: string;
  private counter = 0;

  /** `random` (`() => [0, 1)`) draws the prefix of the ids, once. */
  constructor(clock: Clock, random: () => number = Math.random) {
    this.prefix = random().toString(36).slice(2, 6);
    this.deadlines = new Deadlines<PendingRequest>(clock, (entry) => {
      if (this.entries.get(entry.id) !== entry) return;
      this.entries.delete(entry.id);
      entry.settle(false, new AskTimeoutError(formatAddress(entry.target), entry.timeoutMs));
    });
  }

  /** Requests waiting right now. */
  get size(): number {
    return this.entries.size;
  }

  /** A correlation id never handed out before by this node: `[a-z0-9]`, short. */
  nextId(): string {
    return this.prefix + (++this.counter).toString(36);
  }

  /** The request waiting under `id`, if any. */
  get(id: string): PendingRequest | undefined {
    return this.entries.get(id);
  }

  /** Registers a request waiting for one reply, with its deadline. */
  track(entry: PendingRequest): void {
    this.entries.set(entry.id, entry);
    this.deadlines.add(entry);
  }

  /** Settles request `id` once; later settlements of the same id are ignored. */
  settle(id: string, ok: boolean, value: unknown): void {
    const entry = this.entries.get(id);
    if (entry !== undefined) this.settleEntry(entry, ok, value);
  }

  /** Settles `entry`, found with {@link get}, unless it is settled already. */
  settleEntry(entry: PendingRequest, ok: boolean, value: unknown): void {
    if (entry.done) return;
    this.entries.delete(entry.id);
    this.deadlines.remove(entry);
    entry.settle(ok, value);
  }

  /** The transport found no node serving the target of request `id`. */
  unreachable(id: string): void {
    const entry = this.entries.get(id);
    if (entry !== undefined) this.settleEntry(entry, false, new NoRespondersError(entry.target.node));
  }

  /** Fails every waiting request with a fresh error from `error` and stops the deadline timer. */
  closeAll(error: () => Error): void {
    const entries = [...this.entries.values()];
    this.entries.clear();
    this.deadlines.clear();
    for (const entry of entries) entry.settle(false, error());
  }
}
