import { expect } from 'chai';
import fc from 'fast-check';
import { InvalidArgumentError, nodeId, type NodeId, type TransportHandlers } from '@armada/actors';
import { SimulatedClock } from '@armada/actors/testkit';
import { SimulatedNetwork } from '../../src/testing/simulated-network.js';
import { SimulatedTransport } from '../../src/testing/simulated-transport.js';

async function pair(network: SimulatedNetwork): Promise<{ a: SimulatedTransport; b: NodeId; received: number[] }> {
  const received: number[] = [];
  const handlers = (push: boolean): TransportHandlers => ({
    onMessage: (data) => void (push && received.push(data[0]!)),
    onReply: () => undefined,
    onUndeliverable: () => undefined,
  });
  const a = new SimulatedTransport(network);
  await a.start(nodeId('a'), handlers(false));
  const bt = new SimulatedTransport(network);
  await bt.start(nodeId('b'), handlers(true));
  return { a, b: nodeId('b'), received };
}

async function drain(clock: SimulatedClock, network: SimulatedNetwork): Promise<void> {
  for (let next = network.nextDeliveryAt(); next !== undefined; next = network.nextDeliveryAt()) {
    await clock.advance(Math.max(0, next - clock.now()));
    network.deliverDue();
  }
}

describe('SimulatedNetwork faults', () => {
  it('loses about lossRate of the messages and keeps the order of the rest', async () => {
    const clock = new SimulatedClock();
    const network = new SimulatedNetwork(clock, { seed: 3, lossRate: 0.3 });
    const { a, b, received } = await pair(network);
    for (let i = 0; i < 200; i++) a.send(b, Uint8Array.of(i));
    await drain(clock, network);
    expect(received.length).to.be.within(110, 170);
    expect(network.stats.lost).to.equal(200 - received.length);
    expect(received).to.deep.equal([...received].sort((x, y) => x - y));
  });

  it('delivers duplicates after their original, never before', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer(), async (seed) => {
        const clock = new SimulatedClock();
        const network = new SimulatedNetwork(clock, { seed, duplicateRate: 0.5, maxDelayMs: 10 });
        const { a, b, received } = await pair(network);
        for (let i = 0; i < 30; i++) a.send(b, Uint8Array.of(i));
        await drain(clock, network);
        expect(received.length).to.equal(30 + network.stats.duplicated);
        expect(received).to.deep.equal([...received].sort((x, y) => x - y));
        expect(new Set(received).size).to.equal(30);
      }),
      { numRuns: 20 },
    );
  });

  it('loses exactly the messages a loseWhen rule picks, from the time it is set, and counts them lost', async () => {
    const clock = new SimulatedClock();
    const network = new SimulatedNetwork(clock);
    const { a, b, received } = await pair(network);
    a.send(b, Uint8Array.of(1));
    network.loseWhen((m) => m.from === nodeId('a') && m.to === b && !m.reply && m.data[0]! % 2 === 1);
    for (let i = 2; i <= 9; i++) a.send(b, Uint8Array.of(i));
    await drain(clock, network);
    expect(received).to.deep.equal([1, 2, 4, 6, 8]);
    expect(network.stats.lost).to.equal(4);
  });

  it('loses everything sent or falling due in an outage, both ways, and only for the nodes named', async () => {
    const clock = new SimulatedClock();
    const network = new SimulatedNetwork(clock, { minDelayMs: 5, maxDelayMs: 5 });
    const { a, b, received } = await pair(network);
    network.outage({ fromMs: 10, toMs: 20, nodes: [b] });
    a.send(b, Uint8Array.of(1)); // due at 5: arrives
    await clock.advance(7);
    a.send(b, Uint8Array.of(2)); // due at 12, in the outage: lost
    await clock.advance(5);
    a.send(b, Uint8Array.of(3)); // sent at 12, in the outage: lost
    await clock.advance(8);
    a.send(b, Uint8Array.of(4)); // sent at 20, due at 25: arrives
    await drain(clock, network);
    expect(received).to.deep.equal([1, 4]);
    expect(network.stats.lost).to.equal(2);
    expect(network.lastOutageEnd).to.equal(20);
  });

  it('rejects rates outside [0, 1) and empty outages with InvalidArgumentError', () => {
    const network = new SimulatedNetwork(new SimulatedClock());
    expect(() => network.setFaults({ lossRate: 1 })).to.throw(InvalidArgumentError);
    expect(() => network.setFaults({ duplicateRate: -0.1 })).to.throw(InvalidArgumentError);
    expect(() => new SimulatedNetwork(new SimulatedClock(), { lossRate: Number.NaN })).to.throw(InvalidArgumentError);
    expect(() => network.outage({ fromMs: 5, toMs: 5 })).to.throw(InvalidArgumentError);
  });
});
