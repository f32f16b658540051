import { InvalidArgumentError, type Clock, type NodeId, type TransportHandlers } from '@armada/actors';
import { MinHeap } from './min-heap.js';
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
  /** Probability (0..1) that any one message or reply is lost, as NATS core may lose it. Default 0. */
  readonly lossRate?: number;
  /** Probability (0..1) that any one message or reply is delivered twice. Default 0. */
  readonly duplicateRate?: number;
  /**
   * Called with each message or reply as it is handed to its target, in delivery order (not for
   * lost, dropped or undeliverable ones), to record a run: the same seed gives the same calls.
   */
  readonly onDeliver?: (delivery: Delivery) => void;
}

/** A message or reply a {@link SimulatedNetwork} hands to its target. */
export interface Delivery {
  /** The simulated time it arrives at. */
  readonly at: number;
  /** The sender. */
  readonly from: NodeId;
  /** The target. */
  readonly to: NodeId;
  /** Whether it is a reply to an ask (else an envelope). */
  readonly reply: boolean;
  /** The encoded bytes, as sent; do not change them. */
  readonly data: Uint8Array;
}

/** A message or reply as it is sent, for {@link SimulatedNetwork.loseWhen}. */
export type SentMessage = Omit<Delivery, 'at'>;

/**
 * A window of simulated time in which every message to or from `nodes` (every node when absent) is
 * lost: sent in the window, or falling due in it. A NATS server restart is an outage of every node.
 */
export interface Outage {
  readonly fromMs: number;
  readonly toMs: number;
  readonly nodes?: readonly NodeId[];
}

/** Defaults of {@link SimulatedNetworkOptions}: delays of 0..5 simulated ms, seed 1. */
export const SIMULATED_NETWORK_DEFAULTS = {
  seed: 1,
  minDelayMs: 0,
  maxDelayMs: 5,
  lossRate: 0,
  duplicateRate: 0,
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
  /** Lost at random (`lossRate`) or in an outage. */
  readonly lost: number;
  /** Extra copies queued (`duplicateRate`). */
  readonly duplicated: number;
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
 * arrive in the order they were sent, at most once; pairs interleave freely. With `lossRate`,
 * `duplicateRate` or {@link outage}s it behaves as NATS core may: any message may be lost, or
 * arrive twice (the copy never before the original), and nothing is said to the sender. Due messages are
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
  /** Ordered by (at, seq). */
  private readonly queue = new MinHeap<Parcel>((a, b) => a.at < b.at || (a.at === b.at && a.seq < b.seq));
  /**
   * Due time of the last message queued per `from` → `to` pair, to keep each pair in order; an
   * entry goes once that message is delivered (a later one is due later anyway), so this holds
   * about the pairs with messages in flight rather than every pair that ever spoke.
   */
  private readonly lastAt = new Map<NodeId, Map<NodeId, number>>();
  private readonly random: () => number;
  private readonly minDelayMs: number;
  private readonly maxDelayMs: number;
  private lossRate: number;
  private duplicateRate: number;
  private readonly outages: Outage[] = [];
  private readonly loseRules: Array<(message: SentMessage) => boolean> = [];
  private readonly linkDelayMs: ((from: NodeId, to: NodeId) => number | undefined) | undefined;
  private readonly onDeliver: ((delivery: Delivery) => void) | undefined;
  private seq = 0;
  private counts = { sent: 0, delivered: 0, dropped: 0, undeliverable: 0, lost: 0, duplicated: 0 };

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
    this.lossRate = checkRate('lossRate', o.lossRate);
    this.duplicateRate = checkRate('duplicateRate', o.duplicateRate);
    this.minDelayMs = o.minDelayMs;
    this.maxDelayMs = o.maxDelayMs;
    this.random = options.random ?? mulberry32(o.seed);
    this.linkDelayMs = options.linkDelayMs;
    this.onDeliver = options.onDeliver;
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
    this.counts.dropped += this.queue.retain((p) => p.from !== node && p.to !== node);
  }

  /** Changes the loss and duplication rates from now on (see {@link SimulatedNetworkOptions}). */
  setFaults(faults: { readonly lossRate?: number; readonly duplicateRate?: number }): void {
    if (faults.lossRate !== undefined) this.lossRate = checkRate('lossRate', faults.lossRate);
    if (faults.duplicateRate !== undefined) this.duplicateRate = checkRate('duplicateRate', faults.duplicateRate);
  }

  /**
   * Loses every message to or from `nodes` (all nodes when absent) sent or falling due between
   * `fromMs` and `toMs` of simulated time. Throws `InvalidArgumentError` for an empty or reversed window.
   */
  outage(outage: Outage): void {
    if (!(Number.isFinite(outage.fromMs) && Number.isFinite(outage.toMs) && outage.toMs > outage.fromMs)) {
      throw new InvalidArgumentError(`an outage needs finite fromMs < toMs, got ${String(outage.fromMs)}..${String(outage.toMs)}`);
    }
    this.outages.push(outage);
  }

  /**
   * Loses every message or reply sent from now on for which `rule` returns true, as NATS core may
   * lose any one of them: a test's way to lose a chosen message (an assign, a fetch) rather than
   * random ones. `rule` sees each send once, before any copy is made; rules add up. Counted as `lost`.
   */
  loseWhen(rule: (message: SentMessage) => boolean): void {
    this.loseRules.push(rule);
  }

  /** When the next queued message falls due, in simulated milliseconds; undefined when none is queued. */
  nextDeliveryAt(): number | undefined {
    return this.queue.peek()?.at;
  }

  /**
   * Hands every message due by the clock's time to its target, in due-time order, and returns how
   * many it handed over (or reported undeliverable). Messages sent with no delay while it runs
   * are delivered too.
   */
  deliverDue(): number {
    const now = this.clock.now();
    let count = 0;
    while ((this.queue.peek()?.at ?? Infinity) <= now) {
      this.deliver(this.queue.pop()!);
      count++;
    }
    return count;
  }

  /** Counters so far. */
  get stats(): NetworkStats {
    return { ...this.counts, inFlight: this.queue.size };
  }

  /** The end of the last outage, in simulated milliseconds; undefined when none was scheduled. */
  get lastOutageEnd(): number | undefined {
    return this.outages.length === 0 ? undefined : Math.max(...this.outages.map((o) => o.toMs));
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
    this.counts.sent++;
    // No draw at a zero rate, so seeds found before loss existed still replay the same delays.
    const lose = this.lossRate > 0 && this.random() < this.lossRate;
    const twice = this.duplicateRate > 0 && this.random() < this.duplicateRate;
    if (lose || this.inOutage(from, to, this.clock.now()) || this.loseRules.some((rule) => rule({ from, to, reply, data }))) {
      this.counts.lost++;
      return;
    }
    this.queueCopy(from, to, data, correlationId, reply);
    if (twice) {
      this.counts.duplicated++;
      this.queueCopy(from, to, data, correlationId, reply);
    }
  }

  private queueCopy(from: NodeId, to: NodeId, data: Uint8Array, correlationId: string | undefined, reply: boolean): void {
    let pairs = this.lastAt.get(from);
    if (pairs === undefined) this.lastAt.set(from, (pairs = new Map()));
    // A later message on a pair never overtakes an earlier one; ties keep send order by seq.
    const at = Math.max(this.clock.now() + (this.linkDelayMs?.(from, to) ?? this.delay()), pairs.get(to) ?? -Infinity);
    pairs.set(to, at);
    this.queue.push({ at, seq: this.seq++, from, to, reply, data, correlationId });
  }

  private inOutage(from: NodeId, to: NodeId, at: number): boolean {
    for (const o of this.outages) {
      if (at < o.fromMs || at >= o.toMs) continue;
      if (o.nodes === undefined || o.nodes.includes(from) || o.nodes.includes(to)) return true;
    }
    return false;
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

  private deliver(parcel: Parcel): void {
    const pairs = this.lastAt.get(parcel.from);
    if (pairs?.get(parcel.to) === parcel.at) pairs.delete(parcel.to);
    if (this.inOutage(parcel.from, parcel.to, parcel.at)) {
      this.counts.lost++;
      return;
    }
    const target = this.nodes.get(parcel.to);
    if (target === undefined) {
      this.counts.undeliverable++;
      if (!parcel.reply && parcel.correlationId !== undefined) this.nodes.get(parcel.from)?.onUndeliverable(parcel.correlationId);
      return;
    }
    this.counts.delivered++;
    this.onDeliver?.({ at: parcel.at, from: parcel.from, to: parcel.to, reply: parcel.reply, data: parcel.data });
    if (parcel.reply) target.onReply(parcel.correlationId!, parcel.data);
    else target.onMessage(parcel.data);
  }
}

function checkRate(key: string, rate: number): number {
  if (!(rate >= 0 && rate < 1)) throw new InvalidArgumentError(`${key} must be a number in [0, 1), got ${String(rate)}`);
  return rate;
}
