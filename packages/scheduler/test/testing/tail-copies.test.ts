import { RecordingLogger } from '@armada/actors/testkit';
import { expect } from 'chai';
import { Mode } from '../../src/placement/registry.js';
import { Simulation, type SimulationOptions } from '../../src/testing/index.js';
import { FAST, range } from './scenarios.js';

/**
 * The tail behind slow workers: 2 machines x 2 agents, one agent of each 4x slow; workers keep a
 * second chunk waiting behind the running one, as threads do. Returns the makespan and how many
 * times each packet started, anywhere.
 */
async function tail(lendCopies: boolean, seed: number): Promise<{ makespanMs: number; starts: Map<number, number> }> {
  const starts = new Map<number, number>();
  const options: SimulationOptions = {
    ...FAST,
    machine: { ...FAST.machine, agent: { ...FAST.machine.agent, lendCopies } },
    seed,
    machines: 2,
    agentsPerMachine: 2,
    slow: { fraction: 0.5, factor: 4 },
    queueing: true,
    cost: () => 10,
    onBatch: (e) => {
      for (const arg of e.args) starts.set(arg as number, (starts.get(arg as number) ?? 0) + 1);
    },
  };
  const sim = await Simulation.start(options);
  try {
    const n = 40;
    const begin = sim.now;
    const out = await sim.run(sim.cluster.dmap((x: number) => x * 3, range(n), { mode: Mode.RoundRobin }));
    expect(out).to.deep.equal(range(n).map((x) => x * 3));
    return { makespanMs: sim.now - begin, starts };
  } finally {
    await sim.close();
  }
}

/** 2 machines x 1 agent, the first 8x slow, one chunk at a time (no waiting chunk to copy). */
async function slowRunning(lendCopies: boolean, seed: number): Promise<{ makespanMs: number; twice: number }> {
  const starts = new Map<number, number>();
  const sim = await Simulation.start({
    ...FAST,
    machine: { ...FAST.machine, agent: { ...FAST.machine.agent, lendCopies } },
    seed,
    machines: 2,
    agentsPerMachine: 1,
    slow: (i) => (i === 0 ? { fraction: 1, factor: 8 } : undefined),
    cost: () => 10,
    onBatch: (e) => {
      for (const arg of e.args) starts.set(arg as number, (starts.get(arg as number) ?? 0) + 1);
    },
  });
  try {
    const begin = sim.now;
    const out = await sim.run(sim.cluster.dmap((x: number) => x + 1, range(12), { mode: Mode.RoundRobin }));
    expect(out).to.deep.equal(range(12).map((x) => x + 1));
    return { makespanMs: sim.now - begin, twice: [...starts.values()].filter((c) => c > 1).length };
  } finally {
    await sim.close();
  }
}

describe('copies of chunks held by slow workers', () => {
  it('an idle thief runs a copy of the chunk waiting in a slow worker, and the job ends sooner', async () => {
    for (const seed of [1, 2, 3]) {
      const copies = await tail(true, seed);
      const none = await tail(false, seed);
      const twice = [...copies.starts.values()].filter((c) => c > 1).length;
      expect(twice, `seed ${seed}: packets started twice`).to.be.greaterThan(0);
      expect(copies.makespanMs, `seed ${seed}`).to.be.lessThan(none.makespanMs);
    }
  });

  it('a fast idle agent runs a copy of the chunk a far slower one is running, and the job ends sooner', async () => {
    for (const seed of [1, 2]) {
      const copies = await slowRunning(true, seed);
      const none = await slowRunning(false, seed);
      expect(copies.twice, `seed ${seed}`).to.equal(1);
      expect(none.twice, `seed ${seed}`).to.equal(0);
      // The slow agent's last packet takes 80 ms; the copy on the fast one 10 ms.
      expect(copies.makespanMs, `seed ${seed}`).to.be.below(none.makespanMs - 20);
    }
  });

  it("a copy's thief dying costs the packet no attempt: the victim's own run still answers", async () => {
    // The victim runs each packet 200 ms, twice the failure detector's 100 ms, so the thief's
    // machine is declared dead while the victim still runs the copied one. Had the copy been booked
    // on the thief, that death would charge the packet an attempt and, with maxRetries 0, fail the job.
    for (const seed of [1, 2, 3]) {
      const starts = new Map<number, string[]>();
      let crashed: string | undefined;
      const logger = new RecordingLogger();
      const sim = await Simulation.start({
        ...FAST,
        master: { ...FAST.master, deadAfterMs: 100 },
        logger,
        seed,
        machines: 2,
        agentsPerMachine: 1,
        slow: (i) => (i === 0 ? { fraction: 1, factor: 20 } : undefined),
        cost: () => 10,
        onBatch: (e) => {
          for (const arg of e.args) {
            const where = starts.get(arg as number) ?? [];
            starts.set(arg as number, [...where, e.executor]);
            // The first packet to start twice: its second run is the copy (10 ms). Its machine dies
            // 7 ms in: after what it sent at the start reached the master (delays are at most 5 ms),
            // before the copy's result leaves.
            if (where.length === 1 && crashed === undefined) {
              crashed = e.executor.split('/')[0]!;
              sim.crash(Number(crashed.slice('machine-'.length)), 7);
            }
          }
        },
      });
      try {
        const out = await sim.run(sim.cluster.dmap((x: number) => x + 1, range(24), { mode: Mode.RoundRobin, maxRetries: 0 }));
        expect(out, `seed ${seed}`).to.deep.equal(range(24).map((x) => x + 1));
        expect(crashed, `seed ${seed}: a copy ran`).to.equal('machine-1');
        expect(logger.records.some((r) => r.message === 'machine declared dead' && r.fields?.machine === 'machine-1'), `seed ${seed}: the thief was declared dead`).to.equal(true);
      } finally {
        await sim.close();
      }
    }
  });

  it('with lendCopies off, on a network that loses nothing, every packet starts once', async () => {
    for (const seed of [1, 2, 3]) {
      const { starts } = await tail(false, seed);
      expect([...starts.values()].every((c) => c === 1), `seed ${seed}`).to.equal(true);
      expect(starts.size).to.equal(40);
    }
  });
});
