import { expect } from 'chai';
import { InMemoryNetwork } from '@armada/actors';
import { Cluster, startMachine } from '../../src/index.js';

describe('Master activity (ClusterView.activity)', function () {
  this.timeout(30_000);

  it('counts each accepted result once per agent, the steals between agents, and a machine that left', async () => {
    // Slow workers (half of them at 4x) leave work behind on their queues for the fast ones to steal.
    const network = new InMemoryNetwork();
    const cluster = await Cluster.start({ network, machines: 2, agentsPerMachine: 2, machineSettings: { slow: { fraction: 0.5, factor: 4 } } });
    const extra = await startMachine({ network, name: 'extra', agents: 1 });
    try {
      await cluster.waitForMachines(3, 5_000);
      const before = (await cluster.view()).activity;
      expect(before.done).to.equal(0);
      expect(before.deadAfterMs).to.be.above(0);
      const xs = Array.from({ length: 400 }, (_, i) => i);
      const out = await cluster.dmap(async (x: number) => (await new Promise((r) => setTimeout(r, 2)), x + 1), xs);
      expect(out).to.deep.equal(xs.map((x) => x + 1));
      const view = await cluster.view();
      const activity = view.activity;
      expect(activity.done).to.equal(xs.length);
      expect(activity.failed).to.equal(0);
      expect(activity.agents.reduce((n, a) => n + a.done, 0)).to.equal(xs.length);
      const known = new Set(view.machines.flatMap((m) => m.agents.map((a) => a.agent)));
      for (const a of activity.agents) expect(known.has(a.agent), a.agent).to.equal(true);
      expect(activity.steals.length).to.be.above(0);
      for (const s of activity.steals) {
        expect(known.has(s.from) && known.has(s.to) && s.from !== s.to).to.equal(true);
        expect(s.packets).to.be.at.least(s.steals);
      }
      await extra.drain();
      const after = (await cluster.view()).activity;
      expect(after.departed.map((d) => [d.name, d.reason])).to.deep.equal([['extra', 'left']]);
    } finally {
      await extra.close();
      await cluster.close();
    }
  });
});
