import { expect } from 'chai';
import fc from 'fast-check';
import { InvalidArgumentError, SystemClock, nodeId, type NodeId, type TransportHandlers } from '@armada/actors';
import { SimulatedClock, transportConformance } from '@armada/actors/testkit';
import { SimulatedNetwork } from '../../src/testing/simulated-network.js';
import { SimulatedTransport } from '../../src/testing/simulated-transport.js';

interface Inbox {
  readonly handlers: TransportHandlers;
  readonly messages: number[][];
  readonly replies: string[];
  readonly undeliverable: string[];
}

function inbox(): Inbox {
  const box: Inbox = {
    messages: [],
    replies: [],
    undeliverable: [],
    handlers: {
      onMessage: (data) => box.messages.push([...data]),
      onReply: (correlationId) => box.replies.push(correlationId),
      onUndeliverable: (correlationId) => box.undeliverable.push(correlationId),
    },
  };
  return box;
}

async function nodes(network: SimulatedNetwork, ...names: string[]): Promise<Array<{ id: NodeId; transport: SimulatedTransport; box: Inbox }>> {
  return Promise.all(
    names.map(async (name) => {
      const transport = new SimulatedTransport(network);
      const box = inbox();
      await transport.start(nodeId(name), box.handlers);
      return { id: nodeId(name), transport, box };
    }),
  );
}

/** Delivers everything, stepping the clock to each due time. */
async function drain(clock: SimulatedClock, network: SimulatedNetwork): Promise<void> {
  for (let next = network.nextDeliveryAt(); next !== undefined; next = network.nextDeliveryAt()) {
    await clock.advance(Math.max(0, next - clock.now()));
    network.deliverDue();
  }
}

describe('SimulatedNetwork', () => {
  // With a real clock and a pump the network is an ordinary transport: it must pass the suite.
  transportConformance('SimulatedTransport', async () => {
    const network = new SimulatedNetwork(new SystemClock(), { seed: 7, maxDelayMs: 2 });
    const pump = setInterval(() => network.deliverDue(), 1);
    return { create: () => new SimulatedTransport(network), dispose: async () => clearInterval(pump) };
  });

  it('delivers nothing until the simulation moves', async () => {
    const clock = new SimulatedClock();
    const network = new SimulatedNetwork(clock, { minDelayMs: 3, maxDelayMs: 5 });
    const [a, b] = await nodes(network, 'a', 'b');
    a!.transport.send(b!.id, Uint8Array.of(1));
    await new Promise((resolve) => setImmediate(resolve));
    expect(network.deliverDue()).to.equal(0);
    expect(b!.box.messages).to.deep.equal([]);
    expect(network.nextDeliveryAt()).to.be.within(3, 5);
    await drain(clock, network);
    expect(b!.box.messages).to.deep.equal([[1]]);
    expect(network.stats).to.deep.equal({ sent: 1, delivered: 1, dropped: 0, undeliverable: 0, inFlight: 0 });
  });

  it('keeps per-pair order and delivers every message once, whatever the seed and delays', async () => {
    const sends = fc.array(fc.record({ from: fc.nat(2), to: fc.nat(2), reply: fc.boolean() }), { maxLength: 60 });
    await fc.assert(
      fc.asyncProperty(fc.integer(), fc.integer({ min: 0, max: 20 }), sends, async (seed, maxDelayMs, plan) => {
        const clock = new SimulatedClock();
        const network = new SimulatedNetwork(clock, { seed, maxDelayMs });
        const all = await nodes(network, 'n0', 'n1', 'n2');
        const arrived = new Map<string, number[]>();
        for (const n of all) {
          const record = (data: Uint8Array) => {
            const key = `${data[0]}>${n.id}`;
            arrived.set(key, [...(arrived.get(key) ?? []), data[1]!]);
          };
          Object.assign(n.box.handlers, { onMessage: record, onReply: (_: string, data: Uint8Array) => record(data) });
        }
        const sent = new Map<string, number[]>();
        for (const [k, { from, to, reply }] of plan.entries()) {
          // Sends between steps of the clock too, so some go out while others are in flight.
          if (k % 7 === 3) await clock.advance(1);
          network.deliverDue();
          const data = Uint8Array.of(from, k);
          if (reply) all[from]!.transport.reply(all[to]!.id, `c${k}`, data);
          else all[from]!.transport.send(all[to]!.id, data);
          const key = `${from}>${all[to]!.id}`;
          sent.set(key, [...(sent.get(key) ?? []), k]);
        }
        await drain(clock, network);
        expect(Object.fromEntries(arrived)).to.deep.equal(Object.fromEntries(sent));
      }),
      { numRuns: 100 },
    );
  });

  it('lets different pairs overtake each other', async () => {
    const clock = new SimulatedClock();
    const network = new SimulatedNetwork(clock, { seed: 3, maxDelayMs: 10 });
    const [a, b, c] = await nodes(network, 'a', 'b', 'c');
    const order: string[] = [];
    c!.box.handlers.onMessage = (data) => order.push(String.fromCharCode(data[0]!));
    for (let i = 0; i < 20; i++) {
      a!.transport.send(c!.id, Uint8Array.of(97));
      b!.transport.send(c!.id, Uint8Array.of(98));
    }
    await drain(clock, network);
    expect(order.join('')).to.not.equal('ab'.repeat(20));
    expect(order.filter((x) => x === 'a')).to.have.length(20);
  });

  it('delays a link by its fixed delay when one is given, and the others randomly', async () => {
    const clock = new SimulatedClock();
    const network = new SimulatedNetwork(clock, { seed: 5, minDelayMs: 1, maxDelayMs: 2, linkDelayMs: (from, to) => (to === 'far' ? 20 : from === 'far' ? 30 : undefined) });
    const [near, far] = await nodes(network, 'near', 'far');
    const arrivals: Array<[string, number]> = [];
    near!.box.handlers.onMessage = () => arrivals.push(['near', clock.now()]);
    far!.box.handlers.onMessage = () => arrivals.push(['far', clock.now()]);
    near!.transport.send(far!.id, Uint8Array.of(1));
    far!.transport.send(near!.id, Uint8Array.of(2));
    near!.transport.send(near!.id, Uint8Array.of(3));
    await drain(clock, network);
    expect(arrivals).to.have.length(3);
    expect(arrivals[0]![0]).to.equal('near');
    expect(arrivals[0]![1]).to.be.within(1, 2);
    expect(arrivals.slice(1)).to.deep.equal([
      ['far', 20],
      ['near', 30],
    ]);
  });

  it('gives the same deliveries at the same times for the same seed', async () => {
    const trace = async (seed: number) => {
      const clock = new SimulatedClock();
      const network = new SimulatedNetwork(clock, { seed, maxDelayMs: 10 });
      const [a, b, c] = await nodes(network, 'a', 'b', 'c');
      const seen: string[] = [];
      c!.box.handlers.onMessage = (data) => seen.push(`${data[0]}@${clock.now().toFixed(6)}`);
      for (let i = 0; i < 30; i++) (i % 2 === 0 ? a : b)!.transport.send(c!.id, Uint8Array.of(i));
      await drain(clock, network);
      return seen;
    };
    expect(await trace(11)).to.deep.equal(await trace(11));
    expect(await trace(11)).to.not.deep.equal(await trace(12));
  });

  it('drops everything queued to or from a crashed node, and what it sends later', async () => {
    const clock = new SimulatedClock();
    const network = new SimulatedNetwork(clock, { minDelayMs: 1, maxDelayMs: 5 });
    const [a, b, c] = await nodes(network, 'a', 'b', 'c');
    a!.transport.send(b!.id, Uint8Array.of(1));
    b!.transport.send(a!.id, Uint8Array.of(2));
    c!.transport.send(a!.id, Uint8Array.of(3));
    network.crash(b!.id);
    b!.transport.send(a!.id, Uint8Array.of(4));
    b!.transport.broadcast(Uint8Array.of(5));
    await drain(clock, network);
    expect(a!.box.messages).to.deep.equal([[3]]);
    expect(b!.box.messages).to.deep.equal([]);
    expect(network.stats).to.include({ delivered: 1, dropped: 4 });
    expect(network.isCrashed(b!.id)).to.equal(true);
    expect(network.members()).to.have.members([a!.id, c!.id]);
  });

  it('reports an ask to a crashed or unknown node as undeliverable, and none for a plain send', async () => {
    const clock = new SimulatedClock();
    const network = new SimulatedNetwork(clock, { maxDelayMs: 5 });
    const [a, b] = await nodes(network, 'a', 'b');
    network.crash(b!.id);
    a!.transport.send(b!.id, Uint8Array.of(1), 'ask-1');
    a!.transport.send(nodeId('ghost'), Uint8Array.of(1), 'ask-2');
    a!.transport.send(nodeId('ghost'), Uint8Array.of(1));
    await drain(clock, network);
    expect(a!.box.undeliverable).to.have.members(['ask-1', 'ask-2']);
    expect(network.stats.undeliverable).to.equal(3);
  });

  it('still delivers what a cleanly closed node sent, and refuses a crashed id rejoining', async () => {
    const clock = new SimulatedClock();
    const network = new SimulatedNetwork(clock, { maxDelayMs: 5 });
    const [a, b] = await nodes(network, 'a', 'b');
    a!.transport.send(b!.id, Uint8Array.of(1));
    await a!.transport.close();
    await drain(clock, network);
    expect(b!.box.messages).to.deep.equal([[1]]);
    network.crash(b!.id);
    expect(await nodes(network, 'b').catch((e: unknown) => e)).to.be.instanceOf(InvalidArgumentError);
  });

  it('broadcasts to every node, the sender included', async () => {
    const clock = new SimulatedClock();
    const network = new SimulatedNetwork(clock, { maxDelayMs: 5 });
    const all = await nodes(network, 'a', 'b', 'c');
    all[0]!.transport.broadcast(Uint8Array.of(9));
    await drain(clock, network);
    expect(all.map((n) => n.box.messages)).to.deep.equal([[[9]], [[9]], [[9]]]);
  });

  it('refuses bad delays', () => {
    const clock = new SimulatedClock();
    expect(() => new SimulatedNetwork(clock, { minDelayMs: -1 })).to.throw(InvalidArgumentError);
    expect(() => new SimulatedNetwork(clock, { minDelayMs: 5, maxDelayMs: 2 })).to.throw(InvalidArgumentError);
    expect(() => new SimulatedNetwork(clock, { maxDelayMs: Infinity })).to.throw(InvalidArgumentError);
  });
});
