import { expect } from 'chai';
import { SimulatedClock } from '@armada/actors/testkit';
import type { AgentRef } from '../../src/agent/protocol.js';
import { AckBatcher } from '../../src/master/ack-batcher.js';

/** An agent ref that records what it is told. */
function agent(name: string): { ref: AgentRef; told: unknown[] } {
  const told: unknown[] = [];
  const ref = { tell: (msg: unknown) => told.push(msg), toString: () => name };
  return { ref: ref as unknown as AgentRef, told };
}

describe('AckBatcher', () => {
  it('sends each agent one results-acks with every seq that waited, once the delay is over', async () => {
    const clock = new SimulatedClock();
    let wakes = 0;
    const acks = new AckBatcher(clock, 20, () => {
      wakes++;
      acks.flush();
    });
    const a = agent('a');
    const b = agent('b');
    acks.add(a.ref, 1);
    await clock.advance(5);
    acks.add(b.ref, 7);
    acks.add(a.ref, 2);
    await clock.advance(14);
    expect(a.told).to.deep.equal([]);
    await clock.advance(1);
    expect(wakes).to.equal(1);
    expect(a.told).to.deep.equal([{ type: 'results-acks', seqs: [1, 2] }]);
    expect(b.told).to.deep.equal([{ type: 'results-acks', seqs: [7] }]);
    // The next ack starts a new delay; nothing is sent twice.
    acks.add(a.ref, 3);
    await clock.advance(20);
    expect(a.told).to.deep.equal([{ type: 'results-acks', seqs: [1, 2] }, { type: 'results-acks', seqs: [3] }]);
    expect(b.told).to.have.length(1);
  });

  it('acknowledges at once with a delay of 0', () => {
    const clock = new SimulatedClock();
    const acks = new AckBatcher(clock, 0, () => expect.fail('no timer with a delay of 0'));
    const a = agent('a');
    acks.add(a.ref, 4);
    acks.add(a.ref, 5);
    expect(a.told).to.deep.equal([{ type: 'results-acks', seqs: [4] }, { type: 'results-acks', seqs: [5] }]);
  });

  it('drops what waits when closed, and its timer with it', async () => {
    const clock = new SimulatedClock();
    let wakes = 0;
    const acks = new AckBatcher(clock, 20, () => wakes++);
    const a = agent('a');
    acks.add(a.ref, 1);
    acks.close();
    await clock.advance(100);
    acks.flush();
    expect(wakes).to.equal(0);
    expect(a.told).to.deep.equal([]);
  });
});
