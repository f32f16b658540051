import { expect } from 'chai';
import { fileURLToPath } from 'node:url';
import { startNatsServer, type NatsServerHandle } from '@armada/transport-nats';
import { Cluster, Gluster } from '../../src/index.js';
import { forkMachines, stopMachines, type MachineProcess } from './machines.js';

const FUNCTIONS = fileURLToPath(new URL('../../../test/gluster/fixtures/functions.ts', import.meta.url));

describe('Cluster.share on nats-server with JetStream', function () {
  this.timeout(60_000);
  let server: NatsServerHandle | undefined;
  let machines: MachineProcess[] = [];
  let cluster: Cluster | undefined;

  before(async () => {
    server = await startNatsServer({ jetstream: true });
    machines = await forkMachines(server.url, 3, { agents: 1 });
    cluster = await Cluster.start({ nats: server.url });
    await cluster.waitForMachines(3);
  });
  after(async () => {
    await cluster?.close();
    await stopMachines(machines);
    await server?.stop();
  });

  it('uploads a value once to the object store; each machine reads it once, the master sends none', async () => {
    const g = new Gluster(cluster!);
    await g.importFunctionFile(FUNCTIONS);
    const width = 512;
    const rows = 256;
    // Unique per run, so no machine holds it from before.
    const seed = Math.random();
    const matrix = Float64Array.from({ length: width * rows }, (_, i) => (i % 11) + seed);
    const shared = await g.share(matrix);
    expect(shared.store).to.equal('jetstream');

    const ids = Array.from({ length: rows }, (_, r) => g.runDist('functions.rowSum', shared, r, width));
    const sums = (await g.all(ids)) as number[];
    sums.forEach((sum, r) => expect(sum).to.be.closeTo(matrix.subarray(r * width, (r + 1) * width).reduce((a, b) => a + b, 0), 1e-6));

    const egress = cluster!.transferStats();
    expect(egress.uploadedBytes, 'uploaded once').to.equal(shared.bytes);
    expect(egress.sharedBytes, 'the master served no machine itself').to.equal(0);
    const ingress = await cluster!.machineIngress();
    const readers = Object.values(ingress).filter((s) => s.sharedBytes > 0);
    expect(readers.length, 'machines that ran jobs').to.be.at.least(2);
    for (const stats of readers) expect(stats.sharedBytes, 'each machine received it once').to.equal(shared.bytes);
  });
});
