import { expect } from 'chai';
import { Actor, ActorSystem, InMemoryNetwork } from '@armada/actors';
import { Cluster, DefinitionUnavailableError, SchedulerTokens, describeFunction } from '../../src/index.js';
import { DefinitionClient } from '../../src/functions/definition-client.js';
import { DEFINITIONS_PATH, type Fetch, type FetchReply } from '../../src/functions/definitions-protocol.js';

describe('Definitions by hash', function () {
  this.timeout(30_000);

  describe('on an embedded cluster', () => {
    let cluster: Cluster;
    before(async () => {
      // Completed jobs cancelled at once: an agent that still held the last job would take the
      // definition from it, and the fetch below would not happen.
      cluster = await Cluster.start({ machines: 1, agentsPerMachine: 1, master: { ackDelayMs: 0 } });
    });
    after(() => cluster.close());

    it('ships a definition once: a second call of the same function sends only its hash', async () => {
      const double = (x: number) => x * 2;
      expect(await cluster.dmap(double, [1, 2, 3])).to.deep.equal([2, 4, 6]);
      const shippedOnce = (await cluster.view()).definitionsShipped;
      expect(shippedOnce).to.equal(1);
      expect(await cluster.dmap(double, [4, 5])).to.deep.equal([8, 10]);
      expect(await cluster.dmap(double, [6])).to.deep.equal([12]);
      expect((await cluster.view()).definitionsShipped).to.equal(shippedOnce);
      expect(await cluster.dmap((x: number) => x + 1, [1])).to.deep.equal([2]);
      expect((await cluster.view()).definitionsShipped).to.equal(shippedOnce + 1);
    });

    it('fetches a definition its machine dropped from the master, by hash', async () => {
      const triple = (x: number) => x * 3;
      expect(await cluster.dmap(triple, [1])).to.deep.equal([3]);
      const machine = cluster.localMachines[0]!;
      const client = machine.system.container.resolve<DefinitionClient>(SchedulerTokens.Definitions);
      expect(client.definitions.delete(describeFunction(triple).hash)).to.equal(true);
      const before = client.stats().definitions;
      expect(await cluster.dmap(triple, [2, 3])).to.deep.equal([6, 9]);
      expect(client.stats().definitions).to.equal(before + 1);
    });
  });

  describe('DefinitionClient', () => {
    const network = new InMemoryNetwork();
    let server: ActorSystem;
    let machine: ActorSystem;
    let asks = 0;
    let stallFirst = false;
    const def = describeFunction((x: number) => x - 1);

    /** A definition server whose first answer (when `stallFirst`) comes after the asker gave up. */
    class SlowServer extends Actor<Fetch> {
      async receive(msg: Fetch): Promise<FetchReply> {
        asks++;
        if (stallFirst && asks === 1) await new Promise((resolve) => setTimeout(resolve, 80));
        return msg.hash === def.hash ? { found: true, def } : { found: false };
      }
    }

    before(async () => {
      server = await ActorSystem.create({ name: 'defs-server', network });
      machine = await ActorSystem.create({ name: 'defs-machine', network });
      server.spawn(SlowServer, { name: DEFINITIONS_PATH.slice('/user/'.length) });
    });
    after(async () => {
      await machine.terminate();
      await server.terminate();
    });
    beforeEach(() => {
      asks = 0;
      stallFirst = false;
    });

    it('asks again when an answer is late, and keeps what it fetched', async () => {
      stallFirst = true;
      const client = new DefinitionClient(machine, { fetchTimeoutMs: 50, fetchAttempts: 3 });
      expect(await client.definition(def.hash, server.node)).to.deep.equal(def);
      expect(asks).to.equal(2);
      await client.definition(def.hash, server.node);
      expect(asks, 'held after the first fetch').to.equal(2);
    });

    it('fails at once with DefinitionUnavailableError when the master holds no such hash', async () => {
      const client = new DefinitionClient(machine, { fetchTimeoutMs: 50, fetchAttempts: 3 });
      const error = await client.definition('no-such-hash-000', server.node).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(DefinitionUnavailableError);
      expect(asks).to.equal(1);
    });

    it('gives up with DefinitionUnavailableError after its attempts when no answer comes', async () => {
      const client = new DefinitionClient(machine, { fetchTimeoutMs: 30, fetchAttempts: 3 });
      const started = performance.now();
      const error = await client.definition(def.hash, 'node-that-is-not-there').catch((e: unknown) => e);
      expect(error).to.be.instanceOf(DefinitionUnavailableError);
      expect(performance.now() - started).to.be.below(2_000);
    });
  });
});
