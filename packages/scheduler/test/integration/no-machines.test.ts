import { expect } from 'chai';
import { startNatsServer, type NatsServerHandle } from '@armada/transport-nats';
import { Cluster, NoMachinesError } from '../../src/index.js';

describe('Cluster.dmap over NATS with no machines', function () {
  this.timeout(30_000);
  let server: NatsServerHandle | undefined;
  let cluster: Cluster | undefined;

  before(async () => {
    server = await startNatsServer();
  });

  after(async () => {
    await cluster?.close();
    await server?.stop();
  });

  it('rejects with NoMachinesError once waitForMachinesMs has passed', async () => {
    cluster = await Cluster.start({ nats: server!.url });
    const error = await cluster.dmap((x: number) => x, [1, 2, 3], { waitForMachinesMs: 300 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(NoMachinesError);
    expect((error as NoMachinesError).waitedMs).to.equal(300);
    expect((await cluster.view()).jobs).to.deep.equal([]);
  });
});
