import { expect } from 'chai';
import { startNatsServer, type NatsServerHandle } from '@armada/transport-nats';
import { Cluster } from '../../src/index.js';
import { forkMachines, stopMachines, type MachineProcess } from './machines.js';

/** Bound through `env` in the shipped function, not in this module. */
declare const scale: number;
declare const offset: number;

const MODES = ['round-robin', 'low-latency', 'by-memory'] as const;

describe('Cluster.dmap on two machine processes over NATS', function () {
  this.timeout(60_000);
  let server: NatsServerHandle | undefined;
  let machines: MachineProcess[] = [];
  let cluster: Cluster | undefined;
  const inputs = Array.from({ length: 500 }, (_, i) => i);

  before(async () => {
    server = await startNatsServer();
    machines = await forkMachines(server.url, 2, { agents: 2 });
  });

  after(async () => {
    await stopMachines(machines);
    await server?.stop();
  });

  beforeEach(async () => {
    cluster = await Cluster.start({ nats: server!.url });
    await cluster.waitForMachines(2);
  });

  afterEach(async () => {
    await cluster?.close();
    cluster = undefined;
  });

  for (const mode of MODES) {
    for (const stealing of [true, false]) {
      it(`returns every result in input order with ${mode} placement, stealing ${stealing ? 'on' : 'off'}`, async () => {
        const linear = await cluster!.dmap((x: number) => x * scale + offset, inputs, { mode, stealing, env: { scale: 3, offset: -7 } });
        expect(linear).to.deep.equal(inputs.map((x) => x * 3 - 7));

        // Uneven timer-based packets: some agents run dry while others still have a queue to steal from.
        const uneven = await cluster!.dmap(
          async (x: number) => {
            await new Promise((resolve) => setTimeout(resolve, x % 5 === 0 ? 6 : 1));
            return `${x}:${x * x}`;
          },
          inputs,
          { mode, stealing },
        );
        expect(uneven).to.deep.equal(inputs.map((x) => `${x}:${x * x}`));
      });
    }
  }
});
