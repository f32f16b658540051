import { expect } from 'chai';
import fc from 'fast-check';
import { Actor, InMemoryTransport, type ActorRef, type NodeId, type Transport, type TransportHandlers } from '../src/index.js';
import { Systems, eventually } from './helpers.js';

/**
 * A transport that holds outgoing messages in one FIFO per destination and releases them in a
 * random order across destinations (seeded), so arrival order interleaves differently on each run
 * while each sender→receiver pair keeps its order, as the Transport contract promises.
 */
class InterleavingTransport implements Transport {
  private readonly queues = new Map<string, Array<() => void>>();
  private flushing = false;

  constructor(
    private readonly inner: Transport,
    private rng: number,
  ) {}
  get maxMessageBytes(): number {
    return this.inner.maxMessageBytes;
  }
  start(node: NodeId, handlers: TransportHandlers): Promise<void> {
    return this.inner.start(node, handlers);
  }
  send(to: NodeId, data: Uint8Array, correlationId?: string): void {
    this.hold(`m:${to}`, () => this.inner.send(to, data, correlationId));
  }
  reply(to: NodeId, correlationId: string, data: Uint8Array): void {
    this.hold(`r:${to}`, () => this.inner.reply(to, correlationId, data));
  }
  broadcast(data: Uint8Array): void {
    this.hold('b', () => this.inner.broadcast(data));
  }
  close(): Promise<void> {
    return this.inner.close();
  }
  private hold(key: string, send: () => void): void {
    const queue = this.queues.get(key) ?? [];
    queue.push(send);
    this.queues.set(key, queue);
    if (!this.flushing) {
      this.flushing = true;
      setImmediate(() => this.flush());
    }
  }
  private flush(): void {
    const keys = [...this.queues.keys()].filter((k) => this.queues.get(k)!.length > 0);
    if (keys.length === 0) {
      this.flushing = false;
      return;
    }
    this.rng = (this.rng * 1103515245 + 12345) & 0x7fffffff;
    const queue = this.queues.get(keys[this.rng % keys.length]!)!;
    const burst = 1 + (this.rng % 3);
    for (let i = 0; i < burst && queue.length > 0; i++) queue.shift()!();
    setImmediate(() => this.flush());
  }
}

type Sent = { from: string; seq: number };

describe('Ordering and ask correlation', () => {
  it('keeps per sender→receiver order under random interleavings of senders and nodes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 120 }),
        fc.integer({ min: 1, max: 2 ** 30 }),
        async (schedule, seed) => {
          const systems = new Systems();
          try {
            const nodes = await Promise.all(
              [0, 1, 2].map((i) => systems.create({ transport: new InterleavingTransport(new InMemoryTransport(systems.network), seed + i) })),
            );
            const received: Sent[] = [];
            class Sink extends Actor<Sent> {
              async receive(msg: Sent): Promise<void> {
                if (msg.seq % 3 === 0) await Promise.resolve();
                received.push(msg);
              }
            }
            const sink = nodes[2]!.spawn(Sink, { name: 'sink' });
            // Six senders: two per node, including the sink's own node (local delivery).
            const targets: ActorRef<Sent>[] = [0, 1, 2, 0, 1, 2].map((n) => nodes[n]!.refFor<Sent>(sink.address));
            const next = new Array<number>(6).fill(0);
            for (const s of schedule) targets[s]!.tell({ from: `s${s}`, seq: next[s]!++ });
            await eventually(() => received.length === schedule.length, 5000);
            for (let s = 0; s < 6; s++) {
              expect(received.filter((m) => m.from === `s${s}`).map((m) => m.seq)).to.deep.equal([...Array(next[s]).keys()]);
            }
          } finally {
            await systems.close();
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it('matches every ask to its own reply under random delays and interleavings', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ node: fc.integer({ min: 0, max: 2 }), value: fc.integer(), delay: fc.integer({ min: 0, max: 3 }) }), { minLength: 1, maxLength: 60 }),
        fc.integer({ min: 1, max: 2 ** 30 }),
        async (asks, seed) => {
          const systems = new Systems();
          try {
            const nodes = await Promise.all(
              [0, 1, 2].map((i) => systems.create({ transport: new InterleavingTransport(new InMemoryTransport(systems.network), seed * 7 + i) })),
            );
            class Doubler extends Actor<{ value: number; delay: number }> {
              async receive(msg: { value: number; delay: number }): Promise<{ doubled: number }> {
                for (let i = 0; i < msg.delay; i++) await new Promise((r) => setImmediate(r));
                return { doubled: msg.value * 2 };
              }
            }
            const doublers = nodes.map((n) => n.spawn(Doubler, { name: 'doubler' }));
            const replies = await Promise.all(
              asks.map((a, i) => nodes[i % 3]!.refFor<{ value: number; delay: number }>(doublers[a.node]!.address).ask<{ doubled: number }>(a)),
            );
            expect(replies.map((r) => r.doubled)).to.deep.equal(asks.map((a) => a.value * 2));
            for (const n of nodes) expect(n.stats().pendingAsks).to.equal(0);
          } finally {
            await systems.close();
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});
