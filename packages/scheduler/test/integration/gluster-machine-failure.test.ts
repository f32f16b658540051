import { expect } from 'chai';
import { ConsoleLogger } from '@armada/actors';
import { startNatsServer, type NatsServerHandle } from '@armada/transport-nats';
import { fileURLToPath } from 'node:url';
import { Cluster, Gluster } from '../../src/index.js';
import { forkMachines, stopMachines, type MachineProcess } from './machines.js';

const FUNCTIONS = fileURLToPath(new URL('../../../test/gluster/fixtures/functions.ts', import.meta.url));

describe('Gluster.runDist when a machine process is SIGKILLed mid-run', function () {
  this.timeout(60_000);
  let server: NatsServerHandle | undefined;
  let machines: MachineProcess[] = [];
  let cluster: Cluster | undefined;

  before(async () => {
    server = await startNatsServer();
  });
  after(async () => {
    await cluster?.close();
    await stopMachines(machines);
    await server?.stop();
  });

  it('ends every job with its value; the dead machine\'s jobs run elsewhere', async () => {
    machines = await forkMachines(server!.url, 3, { agents: 2, heartbeatMs: 200 });
    cluster = await Cluster.start({ nats: server!.url, master: { deadAfterMs: 1000, tickMs: 100 }, logger: new ConsoleLogger('error') });
    await cluster.waitForMachines(3);
    const g = new Gluster(cluster);
    await g.importFunctionFile(FUNCTIONS);

    const ids = Array.from({ length: 60 }, () => g.runDist('functions.wait', 50));
    let ended = 0;
    const victim = machines[1]!;
    await Promise.all(
      ids.map((id) =>
        g.result(id).then(() => {
          // Kill a machine once some jobs are done and most are still running or queued.
          if (++ended === 10) victim.child.kill('SIGKILL');
        }),
      ),
    );
    expect((await victim.exited).signal).to.equal('SIGKILL');
    expect(ids.every((id) => g.jobDone(id) && g.getReturn(id) === 50)).to.equal(true);
    expect((await cluster.view()).jobs).to.deep.equal([]);
  });
});
