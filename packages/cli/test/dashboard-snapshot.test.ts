import { expect } from 'chai';
import type { ClusterView } from '@armada/scheduler';
import { SnapshotBuilder } from '../src/dashboard/snapshot.js';

const STATS = { cores: 2, totalMemory: 8 * 2 ** 30, freeMemory: 4 * 2 ** 30, load: 0.5 };

/** A view with machines `m1` (agents a0, a1) and optionally `m2` (agent b0). */
function view(o: { done?: Record<string, number>; steals?: number; m2?: boolean; m2HeardMs?: number; departed?: ClusterView['activity']['departed'] }): ClusterView {
  const done = o.done ?? {};
  const agent = (key: string) => ({ agent: key, queued: 3, outstanding: 2 });
  const machines: ClusterView['machines'] = [
    { id: 'id-1' as never, name: 'm1', stats: STATS, lastHeardMs: 100, draining: false, agents: [agent('x/m1/agent-0'), agent('x/m1/agent-1')] },
    ...(o.m2 === false ? [] : [{ id: 'id-2' as never, name: 'm2', stats: STATS, lastHeardMs: o.m2HeardMs ?? 100, draining: false, agents: [agent('x/m2/agent-0')] }]),
  ];
  return {
    machines,
    jobs: [],
    definitionsShipped: 0,
    activity: {
      done: Object.values(done).reduce((a, b) => a + b, 0),
      failed: 0,
      agents: Object.entries(done).map(([a, n]) => ({ agent: a, done: n, failed: 0 })),
      steals: o.steals === undefined ? [] : [{ from: 'x/m1/agent-0', to: 'x/m2/agent-0', steals: 1, packets: o.steals }],
      departed: o.departed ?? [],
      deadAfterMs: 3000,
    },
  };
}

describe('SnapshotBuilder', () => {
  it('labels agents by machine, and takes rates from counter differences over the window', () => {
    const b = new SnapshotBuilder('t', { rateWindowMs: 2_000 });
    const first = b.next(view({ done: { 'x/m1/agent-0': 0 }, steals: 0 }), 10_000);
    expect(first.totals.perSecond).to.equal(0);
    expect(first.machines.map((m) => m.agents.map((a) => a.label))).to.deep.equal([['m1/agent-0', 'm1/agent-1'], ['m2/agent-0']]);
    const second = b.next(view({ done: { 'x/m1/agent-0': 100, 'x/m2/agent-0': 50 }, steals: 20 }), 11_000);
    expect(second.totals.perSecond).to.equal(150);
    expect(second.machines[0]!.agents[0]).to.include({ done: 100, perSecond: 100, queued: 3, running: 2 });
    expect(second.steals).to.deep.equal([{ from: 'm1/agent-0', to: 'm2/agent-0', packets: 20, perSecond: 20 }]);
    expect(second.throughput.map(([, v]) => v)).to.deep.equal([0, 150]);
  });

  it('shows a machine silent for deadAfterMs as dead, then keeps it as dead with the reason once the view drops it', () => {
    const b = new SnapshotBuilder('t');
    expect(b.next(view({ m2HeardMs: 1_600 }), 1_000).machines[1]!.state).to.equal('late');
    expect(b.next(view({ m2HeardMs: 3_100 }), 2_000).machines[1]).to.include({ state: 'dead', detail: 'no heartbeat for 3100 ms' });
    const gone = b.next(view({ m2: false, departed: [{ id: 'id-2' as never, name: 'm2', reason: 'dead', detail: 'no heartbeat for 3050 ms', agoMs: 10 }] }), 3_000);
    expect(gone.machines.map((m) => [m.name, m.state])).to.deep.equal([['m1', 'alive'], ['m2', 'dead']]);
    expect(gone.machines[1]!.detail).to.equal('no heartbeat for 3050 ms');
    expect(gone.machines[1]!.agents[0]).to.include({ label: 'm2/agent-0', queued: 0, running: 0 });
    expect(gone.totals).to.include({ alive: 1, agents: 2 });
  });

  it('shows a drained machine as left, and forgets departed machines after keepGoneMs', () => {
    const b = new SnapshotBuilder('t', { keepGoneMs: 5_000 });
    b.next(view({}), 0);
    const left = b.next(view({ m2: false, departed: [{ id: 'id-2' as never, name: 'm2', reason: 'left', detail: 'drained; 0 placed again', agoMs: 1 }] }), 1_000);
    expect(left.machines[1]).to.include({ name: 'm2', state: 'left' });
    expect(b.next(view({ m2: false }), 7_000).machines.map((m) => m.name)).to.deep.equal(['m1']);
  });

  it('marks the last snapshot with the error when the master does not answer', () => {
    const b = new SnapshotBuilder('t');
    expect(b.failed('timeout', 1)).to.equal(undefined);
    b.next(view({}), 0);
    expect(b.failed('the master did not answer', 500)).to.include({ error: 'the master did not answer', at: 500 });
  });

  it("carries the agents' own counts when the heartbeats had them, and null otherwise", () => {
    const v = view({});
    const counted: ClusterView = {
      ...v,
      machines: v.machines.map((m) => (m.name === 'm1' ? { ...m, agents: m.agents.map((a) => ({ ...a, running: 1, done: 40, stolenIn: 5, stolenOut: 2 })) } : m)),
    };
    const snap = new SnapshotBuilder('t').next(counted, 1_000);
    expect(snap.machines[0]!.agents[0]!.fleet).to.deep.equal({ running: 1, done: 40, stolenIn: 5, stolenOut: 2 });
    expect(snap.machines[1]!.agents[0]!.fleet).to.equal(null);
  });
});
