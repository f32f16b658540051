import { expect } from 'chai';
import { SimulatedClock } from '@armada/actors/testkit';
import { BACKOFF_OVER, NO_HINT, Thief, type StealHint } from '../../src/agent/thief.js';
import type { AgentRef, PeerInfo } from '../../src/agent/protocol.js';
import { machineId } from '../../src/ids.js';

const peer = (k: string, machine: string): PeerInfo => ({ agent: { toString: () => k } as unknown as AgentRef, machine: machineId(machine) });
/** `a` and `b` on other machines. */
const peers: PeerInfo[] = [peer('a', 'm-a'), peer('b', 'm-b')];
const firstPeer = { victim: (c: ReadonlyArray<{ agent: string; machine: string }>) => c[0], amount: (n: number) => n / 2 };
const RUNNING: StealHint = { running: true, victims: [] };

function thief(maxRemotePerRound = 8) {
  const clock = new SimulatedClock();
  const woken: number[] = [];
  const settings = { machine: machineId('m-self'), stealing: true, stealTimeoutMs: 50, maxStealBackoffMs: 8, maxRemotePerRound };
  const t = new Thief(settings, clock, firstPeer as never, (id) => woken.push(id));
  return { clock, woken, t };
}

const asked = (t: Thief, list: readonly PeerInfo[], hint: StealHint, n: number): string[] => {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const next = t.next(list, hint);
    if (next === undefined) break;
    out.push(next.peer.agent.toString());
    t.granted(next.id, true, next.peer.agent.toString());
  }
  return out;
};

describe('Thief', () => {
  it('has one request out at a time and gives it up after stealTimeoutMs', async () => {
    const { clock, woken, t } = thief();
    const first = t.next(peers, RUNNING)!;
    expect(first.peer).to.equal(peers[0]);
    expect(t.next(peers, RUNNING)).to.equal(undefined);
    await clock.advance(50);
    expect(woken).to.deep.equal([first.id]);
    t.timedOut(first.id);
    const second = t.next(peers, RUNNING)!;
    expect(second.id).to.be.greaterThan(first.id);
    expect(second.peer).to.equal(peers[1], 'a round asks each peer once');
  });

  it('while a job runs, pauses after each empty round, doubling up to maxStealBackoffMs, until reset', async () => {
    const { clock, woken, t } = thief();
    expect(asked(t, peers, RUNNING, 5)).to.deep.equal(['a', 'b']);
    expect(t.next(peers, RUNNING)).to.equal(undefined); // a pause of 1 ms starts
    expect(t.isParked).to.equal(false);
    await clock.advance(1);
    expect(woken).to.deep.equal([BACKOFF_OVER]);
    t.timedOut(BACKOFF_OVER);
    expect(asked(t, peers, RUNNING, 5)).to.deep.equal(['a', 'b']);
    expect(t.next(peers, RUNNING)).to.equal(undefined); // 2 ms now
    await clock.advance(1);
    expect(woken).to.have.length(1);
    t.reset();
    expect(t.next(peers, RUNNING)).to.not.equal(undefined);
  });

  it('with no job that allows stealing running parks at once: no round, no timer, no request, until reset', async () => {
    const { clock, woken, t } = thief();
    expect(asked(t, peers, NO_HINT, 5)).to.deep.equal([]);
    expect(t.isParked).to.equal(true);
    expect(clock.pending).to.equal(0);
    await clock.advance(10_000);
    expect(woken).to.deep.equal([]);
    expect(t.next(peers, RUNNING)).to.equal(undefined, 'a hint alone does not unpark; the agent resets');
    t.reset();
    expect(t.next(peers, NO_HINT)).to.equal(undefined, 'reset, but still no job to steal from');
    t.reset();
    expect(t.next(peers, RUNNING)!.peer).to.equal(peers[0]);
  });

  it('parks after an empty round when the job ends during it', () => {
    const { clock, t } = thief();
    expect(asked(t, peers, RUNNING, 2)).to.deep.equal(['a', 'b']);
    expect(t.next(peers, NO_HINT)).to.equal(undefined);
    expect(t.isParked).to.equal(true);
    expect(clock.pending).to.equal(0);
  });

  it('asks hinted victims first, then its own machine, then at most maxRemotePerRound others', () => {
    const { t } = thief(1);
    const list = [peer('r1', 'm-r'), peer('r2', 'm-r'), peer('local', 'm-self'), peer('hinted', 'm-h')];
    expect(asked(t, list, { running: true, victims: ['gone', 'hinted'] }, 10)).to.deep.equal(['hinted', 'local']);
    t.reset();
    expect(asked(t, list, RUNNING, 10)).to.deep.equal(['local', 'r1']);
  });

  it('asks the peer that last gave work first in the next round', () => {
    const { t } = thief();
    const list = [peer('a', 'm-a'), peer('b', 'm-b'), peer('c', 'm-c')];
    const first = t.next(list, RUNNING)!;
    t.granted(first.id, true, 'a');
    const second = t.next(list, RUNNING)!;
    expect(second.peer.agent.toString()).to.equal('b');
    t.granted(second.id, false, 'b'); // packets: the search is over
    expect(t.next(list, RUNNING)!.peer.agent.toString()).to.equal('b');
  });

  it('stealing off never asks', () => {
    const off = new Thief(
      { machine: machineId('m-self'), stealing: false, stealTimeoutMs: 50, maxStealBackoffMs: 8, maxRemotePerRound: 8 },
      new SimulatedClock(),
      firstPeer as never,
      () => undefined,
    );
    expect(off.next(peers, RUNNING)).to.equal(undefined);
  });
});
