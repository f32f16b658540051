import { expect } from 'chai';
import type { AgentRef } from '../../src/agent/protocol.js';
import { machineId } from '../../src/ids.js';
import { Membership } from '../../src/master/membership.js';
import { seededRandom } from '../placement/candidates.js';

const ref = (key: string): AgentRef => ({ toString: () => key }) as unknown as AgentRef;
const stats = (freeMemory = 1) => ({ cores: 1, totalMemory: 1, freeMemory, load: 0 });

function fleet(machines: number, agents = 2, peerMachines = 8): Membership {
  const members = new Membership({ peerMachines, random: seededRandom(1) });
  for (let i = 0; i < machines; i++) {
    members.add(
      { id: machineId(`m${i}`), name: `m${i}`, ref: {} as never, stats: stats(), lastHeard: 0, incarnation: 1, reportSeq: -1 },
      Array.from({ length: agents }, (_, a) => ref(`m${i}/a${a}`)),
    );
  }
  return members;
}

describe('Membership', () => {
  it('hands out the same frozen candidate list until the candidate set changes, with live figures', () => {
    const members = fleet(3);
    const first = members.candidates();
    expect(Object.isFrozen(first.candidates)).to.equal(true);
    expect(first.candidates).to.have.length(6);
    members.slot('m1/a0')!.outstanding = 5;
    members.get(machineId('m1'))!.stats = stats(7);
    expect(members.candidates()).to.equal(first);
    const c = first.candidates.find((x) => x.agent === 'm1/a0')!;
    expect(c.outstanding).to.equal(5);
    expect(c.stats.freeMemory).to.equal(7);
    expect(first.slotOf(c)).to.equal(members.slot('m1/a0'));
    expect(first.slotOf({ ...c })).to.equal(undefined);

    members.remove(machineId('m2'));
    const second = members.candidates();
    expect(second).to.not.equal(first);
    expect(second.candidates.map((x) => x.machine)).to.not.include('m2');
  });

  it('keeps the placeable count and leaves out draining machines, and quiet ones until heard again', () => {
    const members = fleet(3);
    expect(members.placeableAgentCount).to.equal(6);
    expect(members.drain(members.get(machineId('m0'))!)).to.equal(true);
    expect(members.drain(members.get(machineId('m0'))!)).to.equal(false);
    expect(members.placeableAgentCount).to.equal(4);
    expect(new Set(members.candidates().candidates.map((c) => c.machine))).to.deep.equal(new Set(['m1', 'm2']));

    members.heard(machineId('m2'), 100);
    members.markQuiet(50);
    expect(new Set(members.candidates().candidates.map((c) => c.machine))).to.deep.equal(new Set(['m2']));
    members.heard(machineId('m1'), 120);
    expect(new Set(members.candidates().candidates.map((c) => c.machine))).to.deep.equal(new Set(['m1', 'm2']));
    // Every machine not draining quiet: all of them rather than none.
    members.markQuiet(1000);
    expect(new Set(members.candidates().candidates.map((c) => c.machine))).to.deep.equal(new Set(['m1', 'm2']));
    members.remove(machineId('m1'));
    expect(members.placeableAgentCount).to.equal(2);
  });

  it('gives each machine its own agents and those of its sample as peers, bounded in a large fleet', () => {
    const small = fleet(3, 2, 8);
    expect(small.peersOf(machineId('m0')).map((p) => p.agent.toString()).sort()).to.deep.equal(['m0/a0', 'm0/a1', 'm1/a0', 'm1/a1', 'm2/a0', 'm2/a1']);
    const large = fleet(100, 2, 4);
    for (let i = 0; i < 100; i++) {
      const peers = large.peersOf(machineId(`m${i}`)).map((p) => p.agent.toString());
      expect(peers.slice(0, 2)).to.deep.equal([`m${i}/a0`, `m${i}/a1`]);
      expect(peers.length).to.be.within(2 + 2 * 4, 2 + 2 * 8);
    }
  });

  it('says whose peer lists changed on a join and on a leave', () => {
    const members = fleet(20, 1, 3);
    const { member, peersChanged } = members.add(
      { id: machineId('new'), name: 'new', ref: {} as never, stats: stats(), lastHeard: 0, incarnation: 1, reportSeq: -1 },
      [ref('new/a0')],
    );
    expect(peersChanged[0]).to.equal(member);
    expect(peersChanged).to.have.length(4);
    const holders = [...members.peerSamples.holdersOf(machineId('new'))].sort();
    expect(members.remove(machineId('new'))!.peersChanged.map((m) => m.id).sort()).to.deep.equal(holders);
  });
});

describe('Membership candidates seen by a strategy', () => {
  it('keep their live figures when spread or serialised', () => {
    const members = fleet(1, 1);
    members.slot('m0/a0')!.outstanding = 3;
    const [c] = members.candidates().candidates;
    expect({ ...c }).to.deep.include({ agent: 'm0/a0', machine: 'm0', outstanding: 3, stats: stats() });
    expect(JSON.parse(JSON.stringify(c))).to.deep.include({ outstanding: 3 });
  });
});
