import { expect } from 'chai';
import { RecordingLogger } from '@armada/actors/testkit';
import { Cluster } from '../../src/index.js';

describe('MachineHandle.drain', function () {
  this.timeout(30_000);

  it('leaves mid-job without losing a packet or charging a retry, and the job finishes on the others', async () => {
    const logger = new RecordingLogger();
    const cluster = await Cluster.start({ machines: 2, agentsPerMachine: 2, logger, master: { deadAfterMs: 60_000 } });
    try {
      const [leaving, staying] = cluster.localMachines;
      const xs = Array.from({ length: 600 }, (_, i) => i);
      let drained: ReturnType<typeof leaving.drain> | undefined;
      // maxRetries 0: a packet run again because its machine was lost would fail the job.
      const out = await cluster.dmap(
        async (x: number) => {
          await new Promise((r) => setTimeout(r, 2));
          return x * 2;
        },
        xs,
        { maxRetries: 0, progress: (done) => void (done >= 100 && (drained ??= leaving!.drain({ timeoutMs: 10_000 }))) },
      );
      expect(out).to.deep.equal(xs.map((x) => x * 2));
      expect(drained, 'the drain started during the job').to.not.equal(undefined);
      const report = await drained!;
      // placedAgain counts packets a peer stole just as the machine left; they run again uncharged.
      expect(report).to.include({ emptied: true, unanswered: 0 });
      const view = await cluster.view();
      expect(view.machines.map((m) => m.id)).to.deep.equal([staying!.id]);
      expect(logger.records.some((r) => r.message === 'machine declared dead')).to.equal(false);
      expect(logger.records.some((r) => r.message === 'machine left' && r.fields?.machine === leaving!.name)).to.equal(true);
    } finally {
      await cluster.close();
    }
  });

  it('places nothing on a draining machine and finishes work queued there before it leaves', async () => {
    const cluster = await Cluster.start({ machines: 1, agentsPerMachine: 1, master: { deadAfterMs: 60_000 } });
    try {
      const [only] = cluster.localMachines;
      const job = cluster.dmap(
        async (x: number) => {
          await new Promise((r) => setTimeout(r, 20));
          return x + 1;
        },
        Array.from({ length: 20 }, (_, i) => i),
        { maxRetries: 0, waitForMachinesMs: 20_000 },
      );
      await new Promise((r) => setTimeout(r, 100));
      const report = await only!.drain({ timeoutMs: 10_000 });
      expect(report.emptied).to.equal(true);
      // Whatever the machine had not been given stays with the master until another machine comes.
      const view = await cluster.view();
      expect(view.machines).to.have.length(0);
      expect(view.jobs[0]!.done).to.be.greaterThan(0);
      expect(view.jobs[0]!.inFlight).to.equal(0);
      await cluster.close();
      await job.catch(() => undefined);
    } finally {
      await cluster.close();
    }
  });

  it('reports at once when the machine was closed before', async () => {
    const cluster = await Cluster.start({ machines: 1, agentsPerMachine: 1 });
    const [only] = cluster.localMachines;
    await only!.close();
    expect(await only!.drain()).to.deep.equal({ emptied: false, placedAgain: 0, unanswered: 0 });
    await cluster.close();
  });
});
