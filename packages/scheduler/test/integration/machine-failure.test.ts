import { expect } from 'chai';
import { ConsoleLogger } from '@armada/actors';
import { startNatsServer, type NatsServerHandle } from '@armada/transport-nats';
import { Cluster } from '../../src/index.js';
import { forkMachines, stopMachines, type MachineProcess } from './machines.js';

describe('Cluster.dmap when a machine process is SIGKILLed mid-run', function () {
  this.timeout(60_000);
  let server: NatsServerHandle | undefined;
  let machines: MachineProcess[] = [];
  let cluster: Cluster | undefined;

  before(async () => {
    server = await startNatsServer();
  });

  afterEach(async () => {
    await cluster?.close();
    cluster = undefined;
    await stopMachines(machines);
    machines = [];
  });

  after(async () => {
    await server?.stop();
  });

  it('delivers every result exactly once and in order, and drops the dead machine from the view', async () => {
    machines = await forkMachines(server!.url, 3, { agents: 2, heartbeatMs: 200 });
    cluster = await Cluster.start({
      nats: server!.url,
      master: { deadAfterMs: 1000, tickMs: 100 },
      // The master warns when it declares the machine dead; that is the point of this test.
      logger: new ConsoleLogger('error'),
    });
    await cluster.waitForMachines(3);
    const victim = machines[1]!;
    const inputs = Array.from({ length: 600 }, (_, i) => i);
    const total = inputs.length;

    // The callback runs inside the master; record what is wrong and assert after the run.
    const violations: string[] = [];
    let lastDone = 0;
    let killedAt: number | undefined;
    const results = await cluster.dmap(
      async (x: number) => {
        await new Promise((resolve) => setTimeout(resolve, 10));
        return x * 2 + 1;
      },
      inputs,
      {
        progress: (done, reportedTotal) => {
          if (reportedTotal !== total) violations.push(`total reported as ${String(reportedTotal)}`);
          if (done > total) violations.push(`done ${done} exceeds total ${total}`);
          if (done < lastDone) violations.push(`done went back from ${lastDone} to ${done}`);
          lastDone = done;
          if (killedAt === undefined && done >= total * 0.3) {
            killedAt = done;
            victim.child.kill('SIGKILL');
          }
        },
      },
    );

    expect(violations).to.deep.equal([]);
    expect(killedAt, 'the victim was killed mid-run').to.be.a('number').and.lessThan(total);
    expect(lastDone).to.equal(total);
    expect(results).to.deep.equal(inputs.map((x) => x * 2 + 1));
    expect((await victim.exited).signal).to.equal('SIGKILL');

    // A survivor that was slow to heartbeat under load may have been dropped and be registering again.
    await cluster.waitForMachines(2);
    const view = await cluster.view();
    expect(view.machines.map((m) => m.id)).to.have.members([machines[0]!.id, machines[2]!.id]);
    expect(view.jobs).to.deep.equal([]);
  });
});
