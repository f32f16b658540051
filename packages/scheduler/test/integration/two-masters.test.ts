import { expect } from 'chai';
import { startNatsServer, type NatsServerHandle } from '@armada/transport-nats';
import { Cluster } from '../../src/index.js';
import { forkMachines, stopMachines, type MachineProcess } from './machines.js';

/** Bound through `env` in the shipped function, not in this module. */
declare const suffix: string;

describe('Two masters sharing machine processes over NATS', function () {
  this.timeout(60_000);
  let server: NatsServerHandle | undefined;
  let machines: MachineProcess[] = [];
  const clusters: Cluster[] = [];

  before(async () => {
    server = await startNatsServer();
    machines = await forkMachines(server.url, 2, { agents: 2 });
  });

  after(async () => {
    await Promise.all(clusters.map((c) => c.close()));
    await stopMachines(machines);
    await server?.stop();
  });

  it('runs a dmap from each master at once and gives each its own correct results', async () => {
    clusters.push(await Cluster.start({ nats: server!.url }), await Cluster.start({ nats: server!.url }));
    const [a, b] = clusters as [Cluster, Cluster];
    await Promise.all([a.waitForMachines(2), b.waitForMachines(2)]);

    const numbers = Array.from({ length: 400 }, (_, i) => i);
    const words = Array.from({ length: 400 }, (_, i) => `w${i.toString(36)}`);
    const [doubled, shouted] = await Promise.all([
      a.dmap(
        async (x: number) => {
          await new Promise((resolve) => setTimeout(resolve, 2));
          return x * 2;
        },
        numbers,
      ),
      b.dmap(
        async (w: string) => {
          await new Promise((resolve) => setTimeout(resolve, 2));
          return w.toUpperCase() + suffix;
        },
        words,
        { env: { suffix: '!' } },
      ),
    ]);

    expect(doubled).to.deep.equal(numbers.map((x) => x * 2));
    expect(shouted).to.deep.equal(words.map((w) => `${w.toUpperCase()}!`));
    for (const cluster of [a, b]) {
      expect((await cluster.view()).machines.map((m) => m.id)).to.have.members(machines.map((m) => m.id));
    }
  });
});
