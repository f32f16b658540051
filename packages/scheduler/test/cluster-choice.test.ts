import { expect } from 'chai';
import { RecordingLogger } from '@armada/actors/testkit';
import { startNatsServer } from '@armada/transport-nats';
import { Cluster, NatsUrlMissingError } from '../src/index.js';

describe('Cluster.start: which cluster', function () {
  this.timeout(20_000);
  const VARIABLES = ['ARMADA_NATS_URL', 'ARMADA_CLUSTER'] as const;
  let saved: Array<string | undefined> = [];
  beforeEach(() => {
    saved = VARIABLES.map((v) => process.env[v]);
    for (const v of VARIABLES) delete process.env[v];
  });
  afterEach(() => {
    VARIABLES.forEach((v, i) => {
      if (saved[i] === undefined) delete process.env[v];
      else process.env[v] = saved[i];
    });
  });

  it('refuses nats: undefined given explicitly when ARMADA_NATS_URL is unset, instead of starting an embedded cluster', async () => {
    const error = await Cluster.start({ nats: process.env.NOT_SET_ANYWHERE }).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(NatsUrlMissingError);
    expect((error as NatsUrlMissingError).code).to.equal('ERR_NO_NATS_URL');
    expect((error as Error).message).to.include('ARMADA_NATS_URL');
  });

  it('falls back to ARMADA_NATS_URL for nats: undefined, with the ARMADA_* settings beside it, and logs the cluster it joined', async () => {
    const server = await startNatsServer();
    const logger = new RecordingLogger();
    try {
      process.env.ARMADA_NATS_URL = server.url;
      process.env.ARMADA_CLUSTER = 'blue';
      const cluster = await Cluster.start({ nats: undefined, logger });
      try {
        const joined = logger.records.find((r) => r.message === 'master joined cluster');
        expect(joined?.fields).to.deep.include({ kind: 'nats', servers: server.url, cluster: 'blue' });
        expect((await cluster.view()).machines).to.deep.equal([]);
      } finally {
        await cluster.close();
      }
    } finally {
      await server.stop();
    }
  });

  it('starts embedded without the option, and says so', async () => {
    const logger = new RecordingLogger();
    const cluster = await Cluster.start({ machines: 1, agentsPerMachine: 1, logger });
    try {
      expect(logger.records.find((r) => r.message === 'master joined cluster')?.fields).to.deep.equal({ kind: 'embedded', machines: 1 });
      expect(cluster.localMachines).to.have.length(1);
    } finally {
      await cluster.close();
    }
  });
});
