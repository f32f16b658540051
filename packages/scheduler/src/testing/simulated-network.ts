import { InvalidArgumentError, type Clock, type NodeId, type TransportHandlers } from '@armada/actors';
import { mulberry32 } from './mulberry32.js';

/** Tunables of a {@link SimulatedNetwork}, merged over {@link SIMULATED_NETWORK_DEFAULTS}. */
export interface SimulatedNetworkOptions {
  /** Seed of the message delays. Ignored when `random` is given. */
  readonly seed?: number;
  /** The source of the delays (`() => [0, 1)`), for a caller that derives it from its own seed. */
  readonly random?: () => number;
  /** Shortest delay of a message, in simulated milliseconds. */
  readonly minDelayMs?: number;
  /** Longest delay of a message, in simulated milliseconds. */
  readonly maxDelayMs?: number;
  /** A fixed delay for the link `from` → `to` instead of a random one; `undefined` keeps the random one. */
  readonly linkDelayMs?: (from: NodeId, to: NodeId) => number | undefined;
}

/** Defaults of {@link SimulatedNetworkOptions}: delays of 0..5 simulated ms, seed 1. */
export const SIMULATED_NETWORK_DEFAULTS = {
  seed: 1,
  minDelayMs: 0,
  maxDelayMs: 5,
} as const;

/** What a {@link SimulatedNetwork} did so far. */
export interface NetworkStats {
  /** Messages and replies accepted for delivery; a broadcast counts once per node it goes to. */
  readonly sent: number;
  /** Handed to their target node. */
  readonly delivered: number;
  /** Lost to a crash: queued to or from a node when it crashed, or sent by a crashed node. */
  readonly dropped: number;
  /** Due while their target was not on the network; correlated sends were reported undeliverable. */
  readonly undeliverable: number;
  /** Queued and not yet delivered. */
  readonly inFlight: number;
}

/** One message on its way. */
interface Parcel {
  readonly at: number;
  readonly seq: number;
  readonly from: NodeId;
  readonly to: NodeId;
  readonly reply: boolean;
  readonly data: Uint8Array;
  readonly correlationId: string | undefined;
}

/**
 * The wire shared by {@link SimulatedTransport}s: nothing arrives by itself. Every send waits in
 * a queue with a seeded random delay (`minDelayMs..maxDelayMs` of simulated time) and is handed
 * over only by {@link deliverDue}, which whoever drives the simulation calls after moving the
 * clock. So the order in which messages of different senders arrive is explored by the seed.
 *
 * Guarantees, as the `Transport` contract asks: messages (and replies) from one node to another
 * arrive in the order they were sent, at most once; pairs interleave freely. Due messages are
 * delivered in due-time order, ties in send order. The same seed and the same sends give the same
 * deliveries.
 *
 * {@link crash} takes a node off at once and loses everything queued to or from it, and whatever
 * it sends later: a dead process never flushed its buffers. A node that left cleanly (closed its
 * transport) still gets its queued messages out. A correlated send (an ask) that falls due while
 * its target is off the network is reported to the sender's `onUndeliverable`, as the in-memory
 * network does.
 */
export class SimulatedNetwork {
  private readonly nodes = new Map<NodeId, TransportHandlers>();
  private readonly crashed = new Set<NodeId>();
  /** Sorted by (at, seq). */
  private queue: Parcel[] = [];
  /** Due time of the last message queued per `from to` pair, to keep each pair in order. */
  private readonly lastAt = new Map<string, number>();
  private readonly random: () => number;
  private readonly minDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly linkDelayMs: ((from: NodeId, to: NodeId) => number | undefined) | undefined;
  private seq = 0;
  private counts = { sent: 0, delivered: 0, dropped: 0, undeliverable: 0 };

  /** `clock` says what time a send happens at; the delays are added to it. */
  constructor(
    private readonly clock: Clock,
    options: SimulatedNetworkOptions = {},
  ) {
    const o = { ...SIMULATED_NETWORK_DEFAULTS, ...options };
    if (!(Number.isFinite(o.minDelayMs) && o.minDelayMs >= 0)) throw new InvalidArgumentError(`minDelayMs must be a finite number ≥ 0, got ${String(o.minDelayMs)}`);
    if (!(Number.isFinite(o.maxDelayMs) && o.maxDelayMs >= o.minDelayMs)) {
      throw new InvalidArgumentError(`maxDelayMs must be a finite number ≥ minDelayMs (${o.minDelayMs}), got ${String(o.maxDelayMs)}`);
    }
    this.minDelayMs = o.minDelayMs;
    this.maxDelayMs = o.maxDelayMs;
    this.random = options.random ?? mulberry32(o.seed);
    this.linkDelayMs = options.linkDelayMs;
  }

  /** The nodes on the network now. */
  members(): NodeId[] {
    return [...this.nodes.keys()];
  }

  /** Whether `node` crashed. */
  isCrashed(node: NodeId): boolean {
    return this.crashed.has(node);
  }

  /**
   * Kills `node`: it leaves the network at once, every message queued to or from it is dropped,
   * and what it sends from now on is dropped too. Its transport does not notice. A no-op for a
   * node that is not on the network.
   */
  crash(node: NodeId): void {
    if (!this.nodes.has(node)) return;
    this.nodes.delete(node);
    this.crashed.add(node);
    const kept = this.queue.filter((p) => p.from !== node && p.to !== node);
    this.counts.dropped += this.queue.length - kept.length;
    this.queue = kept;
  }

  /** When the next queued message falls due, in simulated milliseconds; undefined when none is queued. */
  nextDeliveryAt(): number | undefined {
    return this.queue[0]?.at;
  }

  /**
   * Hands every message due by the clock's time to its target, in due-time order, and returns how
   * many it handed over (or reported undeliverable). Messages sent with no delay while it runs
   * are delivered too.
   */
  deliverDue(): number {
    const now = this.clock.now();
    let count = 0;
    while (this.queue.length > 0 && this.queue[0]!.at <= now) {
      this.deliver(this.queue.shift()!);
      count++;
    }
    return count;
  }

  /** Counters so far. */
  get stats(): NetworkStats {
    return { ...this.counts, inFlight: this.queue.length };
  }

  /** @internal Adds a node. Throws if the id is taken or crashed: a restarted node needs a new id. */
  join(node: NodeId, handlers: TransportHandlers): void {
    if (this.nodes.has(node)) throw new InvalidArgumentError(`node ${node} is already on this network`);
    if (this.crashed.has(node)) throw new InvalidArgumentError(`node ${node} crashed; a restarted node needs a new id`);
    this.nodes.set(node, handlers);
  }

  /** @internal Removes a node that closed its transport; what it sent is still delivered. */
  leave(node: NodeId): void {
    this.nodes.delete(node);
  }

  /** @internal Queues a message or reply from `from` to `to`. */
  post(from: NodeId, to: NodeId, data: Uint8Array, correlationId: string | undefined, reply: boolean): void {
    if (this.crashed.has(from)) {
      this.counts.dropped++;
      return;
    }
    const key = `${from} ${to}`;
    // A later message on a pair never overtakes an earlier one; ties keep send order by seq.
    const at = Math.max(this.clock.now() + (this.linkDelayMs?.(from, to) ?? this.delay()), this.lastAt.get(key) ?? -Infinity);
    this.lastAt.set(key, at);
    this.insert({ at, seq: this.seq++, from, to, reply, data, correlationId });
    this.counts.sent++;
  }

  /** @internal Queues `data` to every node on the network now, the sender included. */
  broadcast(from: NodeId, data: Uint8Array): void {
    if (this.crashed.has(from)) {
      this.counts.dropped++;
      return;
    }
    for (const node of this.nodes.keys()) this.post(from, node, data, undefined, false);
  }

  private delay(): number {
    return this.minDelayMs + this.random() * (this.maxDelayMs - this.minDelayMs);
  }

  private insert(parcel: Parcel): void {
    // Upper bound on `at`: equal times keep insertion (= send) order.
    let lo = 0;
    let hi = this.queue.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.queue[mid]!.at <= parcel.at) lo = mid + 1;
      else hi = mid;
    }
    this.queue.splice(lo, 0, parcel);
  }

  private deliver(parcel: Parcel): void {
    const target = this.nodes.get(parcel.to);
    if (target === undefined) {
      this.counts.undeliverable++;
      if (!parcel.reply && parcel.correlationId !== undefined) this.nodes.get(parcel.from)?.onUndeliverable(parcel.correlationId);
      return;
    }
    this.counts.delivered++;
    if (parcel.reply) target.onReply(parcel.correlationId!, parcel.data);
    else target.onMessage(parcel.data);
  }
}
