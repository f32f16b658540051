import { expect } from 'chai';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Cluster, Gluster } from '@armada/scheduler';
import { freePort, startNatsServer, type NatsServerHandle } from '@armada/transport-nats';
import { RecordingLogger } from '@armada/actors/testkit';
import { allReady, startArmadaMachine, type ArmadaMachine } from './helpers.js';

/** Three nats-servers routed into one NATS cluster on loopback ports. */
async function natsCluster(): Promise<NatsServerHandle[]> {
  const routePorts = await Promise.all([freePort(), freePort(), freePort()]);
  const routes = routePorts.map((p) => `nats://127.0.0.1:${p}`).join(',');
  const servers: NatsServerHandle[] = [];
  try {
    for (const port of routePorts) {
      servers.push(await startNatsServer({ args: ['--cluster_name', 'armada-it', '--cluster', `nats://127.0.0.1:${port}`, '--routes', routes] }));
    }
  } catch (error) {
    await Promise.all(servers.map((s) => s.stop()));
    throw error;
  }
  return servers;
}

/**
 * Registers a block's hooks: a fresh 3-server cluster before its tests; after them, the machines
 * its tests started and the servers are stopped. `startMachines` starts one one-agent machine on
 * each of B and C (each knows only its own server), so the master can take A.
 */
function useNatsCluster() {
  const fleet = {
    servers: [] as NatsServerHandle[],
    machines: [] as ArmadaMachine[],
    async startMachines(): Promise<NatsServerHandle[]> {
      const [, b, c] = fleet.servers;
      fleet.machines = await allReady([startArmadaMachine(b!.url, ['--name', 'on-b', '--agents', '1']), startArmadaMachine(c!.url, ['--name', 'on-c', '--agents', '1'])]);
      return fleet.servers;
    },
  };
  before(async () => {
    fleet.servers = await natsCluster();
  });
  after(async () => {
    await Promise.all(fleet.machines.map((m) => m.kill()));
    await Promise.all(fleet.servers.map((s) => s.stop()));
  });
  return fleet;
}

describe('a fleet on a 3-server NATS cluster', function () {
  this.timeout(90_000);
  const fleet = useNatsCluster();

  it('runs dmap with the master and each machine on a different server, and again after a server died', async () => {
    // Each machine knows only its own server; the client learns the others from the cluster.
    const [a, , c] = await fleet.startMachines();
    const cluster = await Cluster.start({ nats: { servers: [a!.url] } });
    try {
      // Registration crosses the routes: the master's hello goes out on A, the machines answer from B and C.
      await cluster.waitForMachines(2, 20_000);
      const xs = Array.from({ length: 600 }, (_, i) => i);
      const fn = async (x: number) => {
        await new Promise((r) => setTimeout(r, 5));
        return x + 1;
      };
      expect(await cluster.dmap(fn, xs, { timeoutMs: 30_000 })).to.deep.equal(xs.map((x) => x + 1));

      // C dies: its machine moves to A or B, which it learnt of from the cluster, and keeps working.
      await c!.stop();
      await fleet.machines[1]!.waitFor('reconnected to NATS', 20_000);
      expect(await cluster.dmap(fn, xs, { timeoutMs: 30_000 })).to.deep.equal(xs.map((x) => x + 1));
      const view = await cluster.view();
      expect(view.machines.map((m) => m.name).sort()).to.deep.equal(['on-b', 'on-c']);
    } finally {
      await cluster.close();
    }
  });
});

describe('runDist on a 3-server NATS cluster, one server killed mid-run', function () {
  this.timeout(90_000);
  const fleet = useNatsCluster();
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'armada-nats-cluster-'));
    await writeFile(
      path.join(dir, 'functions.ts'),
      'export async function slowIncrement(x: number, ms: number): Promise<number> {\n  await new Promise((r) => setTimeout(r, ms));\n  return x + 1;\n}\n',
    );
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('returns every runDist result exactly once when a machine\'s server dies during the run', async () => {
    const [a, b] = await fleet.startMachines();
    const cluster = await Cluster.start({ nats: { servers: [a!.url] } });
    const g = new Gluster(cluster, { jobTimeoutMs: 60_000 });
    try {
      await cluster.waitForMachines(2, 20_000);
      await g.importFunctionFile(path.join(dir, 'functions.ts'));
      const ids = Array.from({ length: 80 }, (_, i) => g.runDist('functions.slowIncrement', i, 40));
      // Mid-run: some jobs are done, most are queued or running on both machines.
      await g.result(ids[3]!);
      expect(ids.filter((id) => g.jobDone(id)).length, 'jobs done before the kill').to.be.below(ids.length);
      await b!.stop();
      await fleet.machines[0]!.waitFor('reconnected to NATS', 20_000);
      const results = await g.all(ids);
      expect(results).to.deep.equal(ids.map((_, i) => i + 1));
      expect(new Set(ids).size).to.equal(ids.length);
      const view = await cluster.view();
      expect(view.machines.map((m) => m.name).sort()).to.deep.equal(['on-b', 'on-c']);
    } finally {
      await cluster.close();
    }
  });
});

describe("dmap on a 3-server NATS cluster, the master's own server killed mid-run", function () {
  this.timeout(90_000);
  const fleet = useNatsCluster();

  it('completes with every result exactly once: the master reconnects to a server it learnt from the cluster', async () => {
    const [a] = await fleet.startMachines();
    const events: string[] = [];
    // Only A is given: B and C come from the cluster's INFO, as for a master told of one server.
    const log = new RecordingLogger();
    const cluster = await Cluster.start({ nats: { servers: [a!.url], onEvent: (e) => void events.push(e.type), logger: log }, logger: log, master: { deadAfterMs: 10_000 } });
    try {
      await cluster.waitForMachines(2, 20_000);
      const xs = Array.from({ length: 600 }, (_, i) => i);
      let killed: Promise<void> | undefined;
      let doneAtKill = 0;
      let killedAt = 0;
      const out = await cluster.dmap(
        async (x: number) => {
          await new Promise((r) => setTimeout(r, 5));
          return x * 3;
        },
        xs,
        {
          timeoutMs: 60_000,
          // maxRetries 0: nothing may be charged to the packets for the master's outage.
          maxRetries: 0,
          progress: (done) => {
            if (killed === undefined && done >= 100) {
              doneAtKill = done;
              killedAt = performance.now();
              killed = a!.stop();
            }
          },
        },
      );
      await killed;
      console.log(`      master's server killed at ${doneAtKill} / ${xs.length} results; the job ended ${Math.round(performance.now() - killedAt)} ms later`);
      expect(doneAtKill, 'killed mid-run').to.be.within(100, xs.length - 1);
      expect(out).to.deep.equal(xs.map((x) => x * 3));
      expect(events).to.include('reconnected');
      const view = await cluster.view();
      expect(view.machines.map((m) => m.name).sort()).to.deep.equal(['on-b', 'on-c']);
      expect(view.jobs).to.deep.equal([]);
    } finally {
      await cluster.close();
    }
  });
});
