import { expect } from 'chai';
import { SimulatedClock } from '@armada/actors/testkit';
import { BACKOFF_OVER, Thief } from '../../src/agent/thief.js';
import type { AgentRef, PeerInfo } from '../../src/agent/protocol.js';
import { machineId } from '../../src/ids.js';

const peers: PeerInfo[] = ['a', 'b'].map((k) => ({ agent: { toString: () => k } as unknown as AgentRef, machine: machineId(`m-${k}`) }));
const firstPeer = { victim: (c: ReadonlyArray<{ agent: string; machine: string }>) => c[0], amount: (n: number) => n / 2 };

function thief() {
  const clock = new SimulatedClock();
  const woken: number[] = [];
  const t = new Thief({ stealing: true, stealTimeoutMs: 50, maxStealBackoffMs: 8 }, clock, firstPeer as never, (id) => woken.push(id));
  return { clock, woken, t };
}

describe('Thief', () => {
  it('has one request out at a time and gives it up after stealTimeoutMs', async () => {
    const { clock, woken, t } = thief();
    const first = t.next(peers)!;
    expect(first.peer).to.equal(peers[0]);
    expect(t.next(peers)).to.equal(undefined);
    await clock.advance(50);
    expect(woken).to.deep.equal([first.id]);
    t.timedOut(first.id);
    expect(t.next(peers)!.id).to.be.greaterThan(first.id);
  });

  it('after a quick round over the peers pauses, doubling up to maxStealBackoffMs, until reset', async () => {
    const { clock, woken, t } = thief();
    for (let i = 0; i < 2; i++) t.granted(t.next(peers)!.id, true);
    expect(t.next(peers)).to.equal(undefined); // a pause of 1 ms starts
    await clock.advance(1);
    expect(woken).to.deep.equal([BACKOFF_OVER]);
    t.timedOut(BACKOFF_OVER);
    t.granted(t.next(peers)!.id, true);
    expect(t.next(peers)).to.equal(undefined); // 2 ms now
    t.reset();
    expect(t.next(peers)).to.not.equal(undefined);
  });

  it('a full grant resets the back-off; stealing off never asks', () => {
    const { t } = thief();
    for (let i = 0; i < 2; i++) t.granted(t.next(peers)!.id, true);
    expect(t.next(peers)).to.equal(undefined);
    const off = new Thief({ stealing: false, stealTimeoutMs: 50, maxStealBackoffMs: 8 }, new SimulatedClock(), firstPeer as never, () => undefined);
    expect(off.next(peers)).to.equal(undefined);
  });
});
