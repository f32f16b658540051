import { expect } from 'chai';
import type { NodeId } from '@armada/actors';
import type { Candidate, PlacementStrategy } from '../../src/placement/placement-strategy.js';
import { PlacementRegistry } from '../../src/placement/registry.js';
import { RandomHalfPolicy } from '../../src/stealing/random-half.js';
import { Simulation, type BatchEvent, type SimulationOptions } from '../../src/testing/index.js';
import { CountingStealPolicy, OnlyFirst, range } from './scenarios.js';

const HEARTBEAT_MS = 20;
const SETTINGS = {
  master: { deadAfterMs: 400, tickMs: 10, helloEveryMs: 1000 },
  machine: { heartbeatMs: HEARTBEAT_MS, masterTimeoutMs: 2000, agent: { stealTimeoutMs: 50, maxStealBackoffMs: 20, resultResendMs: 40, lentLeaseMs: 300 } },
  minDelayMs: 0.1,
  maxDelayMs: 1,
} as const satisfies SimulationOptions;

/** Places every packet on agent 0 of machine 1. */
class OnlySecond implements PlacementStrategy {
  readonly name = 'only-second';
  choose(candidates: readonly Candidate[]): Candidate {
    return candidates.find((c) => c.machine === 'machine-1' && c.agent.endsWith('agent-0')) ?? candidates[0]!;
  }
}

async function start(options: SimulationOptions, count: { requests: number }, batches: BatchEvent[] = []): Promise<Simulation> {
  return Simulation.start({
    ...SETTINGS,
    machines: 2,
    agentsPerMachine: 3,
    placements: new PlacementRegistry().register('only-first', OnlyFirst).register('only-second', OnlySecond),
    stealPolicy: (random) => new CountingStealPolicy(new RandomHalfPolicy(random), count),
    onBatch: (e) => batches.push(e),
    ...options,
  });
}

describe('a quiet idle fleet (simulated)', function () {
  this.timeout(60_000);

  it('sends no steal request once it settled after a job, and little else, whatever is lost', async () => {
    // 21, 36 and 77 lost a machine's register reply: it did not heartbeat, the master counted it
    // dead, and its agents never heard that the job ended, so they kept stealing.
    for (const seed of [1, 2, 3, 21, 36, 77]) {
      const count = { requests: 0 };
      const sim = await start({ seed, lossRate: 0.1, duplicateRate: 0.05, cost: (x) => 1 + ((x as number) % 5) }, count);
      try {
        const out = await sim.run(sim.cluster.dmap((x: number) => x + 1, range(60), { maxRetries: 10 }));
        expect(out).to.deep.equal(range(60).map((x) => x + 1));
        expect(count.requests, 'the job itself stole').to.be.greaterThan(0);
        // Lost work hints are repeated with the next heartbeats.
        await sim.advance(20 * HEARTBEAT_MS);
        const requests = count.requests;
        const sent = sim.network.stats.sent;
        const windowMs = 100 * HEARTBEAT_MS;
        await sim.advance(windowMs);
        expect(count.requests - requests, `seed ${seed}: steal requests of an idle fleet`).to.equal(0);
        // A heartbeat per machine per interval, an answer to at most each, and the odd hello.
        const beats = sim.machines.length * (windowMs / HEARTBEAT_MS);
        expect(sim.network.stats.sent - sent, `seed ${seed}: messages of an idle fleet`).to.be.at.most(2 * beats + 3 * 3);
      } finally {
        await sim.close();
      }
    }
  });

  it('sends no steal request while the only job running does not allow stealing, and steals at once for one that does', async () => {
    for (const seed of [1, 2]) {
      const count = { requests: 0 };
      const batches: BatchEvent[] = [];
      const sim = await start({ seed, cost: () => 5 }, count, batches);
      try {
        // Every packet on machine-0/agent-0, stealing off: five agents idle for the whole job.
        const out = await sim.run(sim.cluster.dmap((x: number) => x, range(40), { mode: 'only-first', stealing: false }));
        expect(out).to.deep.equal(range(40));
        expect(count.requests, `seed ${seed}: steal requests during a job with stealing off`).to.equal(0);
        expect(new Set(batches.map((b) => b.executor))).to.deep.equal(new Set(['machine-0/agent-0']));
        // The same job with stealing on: the idle agents take part.
        batches.length = 0;
        await sim.run(sim.cluster.dmap((x: number) => x, range(40), { mode: 'only-first', stealing: true }));
        expect(count.requests).to.be.greaterThan(0);
        expect(new Set(batches.map((b) => b.executor)).size, `seed ${seed}: agents that ran packets`).to.be.greaterThan(1);
      } finally {
        await sim.close();
      }
    }
  });

  it('jobs run one after another cost the fleet no work hints between them', async () => {
    const hints: number[] = [];
    const count = { requests: 0 };
    const sim = await start({ seed: 5, onDeliver: (d) => void (Buffer.from(d.data).includes('work-hint') && hints.push(d.at)) }, count);
    try {
      await sim.advance(5 * HEARTBEAT_MS);
      const before = hints.length;
      let ended = 0;
      for (let i = 0; i < 10; i++) {
        const job = sim.cluster.dmap((x: number) => x + 1, range(6)).finally(() => (ended = sim.now));
        expect(await sim.run(job)).to.deep.equal(range(6).map((x) => x + 1));
      }
      // The first job's "a job runs" reaches both machines; nothing until the last job ended.
      expect(hints.length - before, 'hints while the jobs ran').to.equal(2);
      await sim.advance(5 * HEARTBEAT_MS);
      // Then, quietHintDelayMs after the last job, "no job runs".
      expect(hints.length - before, 'hints in all').to.equal(4);
      expect(hints.at(-1)! - ended).to.be.at.least(50);
    } finally {
      await sim.close();
    }
  });

  it('heartbeats alone: about one and a half messages per machine per interval without loss', async () => {
    const count = { requests: 0 };
    const sim = await start({ seed: 7 }, count);
    try {
      await sim.run(sim.cluster.dmap((x: number) => x, range(20)));
      await sim.advance(10 * HEARTBEAT_MS);
      const sent = sim.network.stats.sent;
      await sim.advance(100 * HEARTBEAT_MS);
      const perMachineBeat = (sim.network.stats.sent - sent) / (2 * 100);
      expect(perMachineBeat).to.be.within(1.4, 1.6);
    } finally {
      await sim.close();
    }
  });

  it('an agent that runs dry while a peer holds a queue steals within a few ms', async () => {
    const count = { requests: 0 };
    const batches: BatchEvent[] = [];
    const sim = await start({ seed: 5, duplicateRate: 0.05, cost: () => 10 }, count, batches);
    try {
      await sim.advance(10 * HEARTBEAT_MS); // parked
      // machine-1/agent-0 is busy with a short job of its own (not stealable) when a long queue
      // lands on machine-0/agent-0; it runs dry later, while that queue is still long.
      const short = sim.cluster.dmap((x: number) => x, range(3), { mode: 'only-second', stealing: false });
      await sim.advance(2);
      const long = sim.cluster.dmap((x: number) => x, range(60).map((x) => x + 100), { mode: 'only-first' });
      await sim.run(Promise.all([long, short]));
      const thief = batches.filter((b) => b.executor === 'machine-1/agent-0');
      const lastShort = thief.filter((b) => b.args.some((a) => (a as number) < 100)).at(-1)!;
      const dryAt = lastShort.at + 10 * lastShort.args.length;
      const firstStolen = thief.find((b) => b.at >= dryAt && b.args.some((a) => (a as number) >= 100));
      expect(firstStolen, 'machine-1/agent-0 stole once dry').to.not.equal(undefined);
      expect(firstStolen!.at - dryAt).to.be.at.most(5);
      // The parked agents of machine-0 woke for the job too, and within a few ms of its start.
      const local = batches.filter((b) => b.executor === 'machine-0/agent-1');
      expect(local.length).to.be.greaterThan(0);
    } finally {
      await sim.close();
    }
  });

  it('a parked fleet wakes within a few ms for a job placed on one agent', async () => {
    const count = { requests: 0 };
    const batches: BatchEvent[] = [];
    const sim = await start({ seed: 9, cost: () => 10 }, count, batches);
    try {
      await sim.advance(10 * HEARTBEAT_MS);
      const requests = count.requests;
      const t0 = sim.now;
      await sim.run(sim.cluster.dmap((x: number) => x, range(60), { mode: 'only-first' }));
      expect(count.requests).to.be.greaterThan(requests);
      const executors = new Set(batches.filter((b) => b.at >= t0).map((b) => b.executor));
      expect(executors.size, 'every agent ran some of it').to.equal(6);
      const firstElsewhere = Math.min(...batches.filter((b) => b.at >= t0 && b.executor !== 'machine-0/agent-0').map((b) => b.at));
      expect(firstElsewhere - t0).to.be.at.most(10);
    } finally {
      await sim.close();
    }
  });

  it('a work hint lost once is repeated with the next heartbeat and the work still spreads', async () => {
    const count = { requests: 0 };
    const batches: BatchEvent[] = [];
    const sim = await start({ seed: 11, lossRate: 0.05, cost: () => 10 }, count, batches);
    try {
      await sim.advance(10 * HEARTBEAT_MS);
      // Everything to and from machine-1 is lost around the job's start: its "a job runs" hint too.
      const t0 = sim.now;
      sim.network.outage({ fromMs: t0, toMs: t0 + 5, nodes: ['machine-1' as NodeId] });
      const out = await sim.run(sim.cluster.dmap((x: number) => x * 3, range(80), { mode: 'only-first', maxRetries: 10 }));
      expect(out).to.deep.equal(range(80).map((x) => x * 3));
      const remote = batches.filter((b) => b.at >= t0 && b.executor.startsWith('machine-1/'));
      expect(remote.length, 'machine-1 took part by stealing').to.be.greaterThan(0);
      // Woken by the hint a later heartbeat repeated: within a few heartbeats of the outage.
      expect(Math.min(...remote.map((b) => b.at)) - (t0 + 5)).to.be.at.most(3 * HEARTBEAT_MS);
    } finally {
      await sim.close();
    }
  });
});
