import { expect } from 'chai';
import { Cluster, PlacementRegistry, type AgentView, type Candidate, type ClusterView, type PlacementStrategy } from '@armada/scheduler';

/** Every packet on one agent, so the others can only get work by stealing it. */
class FirstAgent implements PlacementStrategy {
  readonly name = 'first';
  choose(candidates: readonly Candidate[]): Candidate {
    return [...candidates].sort((a, b) => a.agent.toString().localeCompare(b.agent.toString()))[0]!;
  }
}

const agentsOf = (view: ClusterView): AgentView[] => view.machines.flatMap((m) => [...m.agents]);
const sum = (agents: readonly AgentView[], key: 'done' | 'stolenIn' | 'stolenOut' | 'running') => agents.reduce((n, a) => n + (a[key] ?? 0), 0);

describe("Agents' counts in the cluster view", function () {
  this.timeout(30_000);

  it('sum done to the packets run, stolen in to stolen out, after a job that needed stealing', async () => {
    const cluster = await Cluster.start({
      machines: 2,
      agentsPerMachine: 2,
      placements: new PlacementRegistry().register('first', FirstAgent),
      // Tail copies would run some packets twice: `done` counts runs, and this test counts packets.
      machineSettings: { agent: { lendCopies: false } },
    });
    try {
      await cluster.waitForMachines(2, 5_000);
      const before = agentsOf(await cluster.view());
      expect(before).to.have.length(4);
      const xs = Array.from({ length: 300 }, (_, i) => i);
      const out = await cluster.dmap(
        async (x: number) => {
          await new Promise((r) => setTimeout(r, 2));
          return x + 1;
        },
        xs,
        { mode: 'first' },
      );
      expect(out).to.deep.equal(xs.map((x) => x + 1));
      // The counts travel in heartbeats: wait (bounded) for one sent after the last result.
      const deadline = Date.now() + 5_000;
      let agents = agentsOf(await cluster.view());
      while (sum(agents, 'done') < xs.length && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
        agents = agentsOf(await cluster.view());
      }
      for (const a of agents) expect(a.done, a.agent).to.be.a('number');
      expect(sum(agents, 'done')).to.equal(xs.length);
      expect(sum(agents, 'running')).to.equal(0);
      expect(sum(agents, 'stolenIn')).to.be.above(0);
      expect(sum(agents, 'stolenIn')).to.equal(sum(agents, 'stolenOut'));
      // Work reached the other agents only by stealing.
      const first = agents.reduce((a, b) => ((b.stolenOut ?? 0) > (a.stolenOut ?? 0) ? b : a));
      for (const a of agents) if (a !== first) expect(a.done! - a.stolenIn!, a.agent).to.be.at.most(0);
    } finally {
      await cluster.close();
    }
  });
});
