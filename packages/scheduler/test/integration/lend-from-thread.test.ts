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

describe('An agent lends the chunk it queued in its thread', function () {
  this.timeout(30_000);

  it('to a peer that found nothing queued anywhere: two long packets on one agent end up one on each', async () => {
    const cluster = await Cluster.start({ machines: 1, agentsPerMachine: 2, placements: new PlacementRegistry().register('first', FirstAgent) });
    try {
      await cluster.waitForMachines(1, 5_000);
      // The first agent gets both packets and hands both to its thread at once: one runs, one waits
      // behind it. Its queue is empty, so only the waiting one can go to the idle agent.
      const out = await cluster.dmap(
        async (x: number) => {
          await new Promise((r) => setTimeout(r, 400));
          return x * 10;
        },
        [1, 2],
        { mode: 'first' },
      );
      expect(out).to.deep.equal([10, 20]);
      // The counts travel in heartbeats: wait (bounded) for one sent after the last result.
      const deadline = Date.now() + 5_000;
      let agents = agentsOf(await cluster.view());
      while (agents.reduce((n, a) => n + (a.done ?? 0), 0) < 2 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
        agents = agentsOf(await cluster.view());
      }
      expect(agents.map((a) => a.done).sort()).to.deep.equal([1, 1]);
      expect(agents.map((a) => a.stolenIn ?? 0).sort()).to.deep.equal([0, 1]);
    } finally {
      await cluster.close();
    }
  });
});
