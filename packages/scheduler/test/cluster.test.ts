import { expect } from 'chai';
import { InMemoryNetwork, InMemoryTransport, InvalidArgumentError } from '@armada/actors';
import { RecordingLogger } from '@armada/actors/testkit';
import {
  CapturedVariableError,
  Cluster,
  ClusterClosedError,
  JobTimeoutError,
  NoMachinesError,
  RetriesExhaustedError,
  TaskError,
  UnknownStrategyError,
} from '../src/index.js';

// Names the shipped functions get from their environment (`env`), declared for the type checker.
declare const factor: number;
declare const offset: Float64Array;

describe('Cluster (embedded)', function () {
  this.timeout(30_000);
  let cluster: Cluster;
  const logger = new RecordingLogger();
  before(async () => {
    cluster = await Cluster.start({ machines: 2, agentsPerMachine: 1, logger });
  });
  after(() => cluster.close());

  it('returns results in input order, for arrays, sets and generators', async () => {
    const xs = Array.from({ length: 2000 }, (_, i) => i);
    expect(await cluster.dmap((x: number) => x * 3, xs)).to.deep.equal(xs.map((x) => x * 3));
    expect(await cluster.dmap((s: string) => s.toUpperCase(), new Set(['a', 'b', 'c']))).to.deep.equal(['A', 'B', 'C']);
    function* gen(): Generator<number> {
      for (let i = 0; i < 500; i++) yield i;
    }
    expect(await cluster.dmap((x: number) => -x - 1, gen())).to.deep.equal(xs.slice(0, 500).map((x) => -x - 1));
    expect(await cluster.dmap((x: number) => x, [])).to.deep.equal([]);
  });

  it('runs async functions and uses the environment shipped with the function', async () => {
    const out = await cluster.dmap(
      async (x: number) => {
        await new Promise((r) => setTimeout(r, 1));
        return x * factor + offset.length;
      },
      [1, 2, 3],
      { env: { factor: 10, offset: new Float64Array(4) } },
    );
    expect(out).to.deep.equal([14, 24, 34]);
  });

  it('carries bigints and typed arrays both ways', async () => {
    const fac = (n: bigint) => {
      let r = 1n;
      for (let i = 2n; i <= n; i++) r *= i;
      return r;
    };
    const out = await cluster.dmap(fac, [0n, 5n, 30n]);
    expect(out).to.deep.equal([1n, 120n, 265252859812191058636308480000000n]);
    const arrays = await cluster.dmap((a: Float64Array) => a.map((v) => v * 2), [Float64Array.of(1, 2), Float64Array.of(3)]);
    expect(arrays[0]).to.be.instanceOf(Float64Array);
    expect([...arrays[0]!, ...arrays[1]!]).to.deep.equal([2, 4, 6]);
  });

  it('refuses a function that captures a variable, naming it, before anything is sent', async () => {
    const secret = 42;
    const error = await cluster.dmap((x: number) => x + secret, [1]).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(CapturedVariableError);
    expect((error as Error).message).to.contain('"secret"');
  });

  it('refuses bad arguments with typed errors', async () => {
    const bad = [
      cluster.dmap((x: number) => x, 5 as unknown as number[]),
      cluster.dmap(5 as unknown as (x: number) => number, [1]),
      cluster.dmap((x: number) => x, [1], { maxRetries: -1 }),
      cluster.dmap((x: number) => x, [1], { timeoutMs: 0 }),
    ];
    for (const p of bad) expect(await p.catch((e: unknown) => e)).to.be.instanceOf(InvalidArgumentError);
    expect(await cluster.dmap((x: number) => x, [1], { mode: 'fastest' }).catch((e: unknown) => e)).to.be.instanceOf(UnknownStrategyError);
  });

  it('rejects with the remote error and stack when user code throws', async () => {
    const error = (await cluster
      .dmap(
        (x: number) => {
          if (x === 7) throw new RangeError(`no ${x}`);
          return x;
        },
        Array.from({ length: 20 }, (_, i) => i),
      )
      .catch((e: unknown) => e)) as TaskError;
    expect(error).to.be.instanceOf(TaskError);
    expect(error.index).to.equal(7);
    expect(error.remoteName).to.equal('RangeError');
    expect(error.message).to.contain('RangeError: no 7');
    expect(error.stack).to.contain('remote stack');
  });

  it('retries user errors only when asked', async () => {
    // The first run of each packet on a thread throws; the retry on the same thread succeeds.
    const flaky = (x: number) => {
      const seen = ((globalThis as Record<string, unknown>).seen ??= new Set<number>()) as Set<number>;
      if (!seen.has(x)) {
        seen.add(x);
        throw new Error('first try fails');
      }
      return x;
    };
    expect(await cluster.dmap(flaky, [100, 101], { retryErrors: true, maxRetries: 2, stealing: false })).to.deep.equal([100, 101]);
    expect(await cluster.dmap(flaky, [200], { maxRetries: 2 }).catch((e: unknown) => e)).to.be.instanceOf(TaskError);
  });

  it('replaces a worker thread that dies and gives up after maxRetries', async () => {
    const error = (await cluster
      .dmap(
        (x: number) => {
          if (x === 3) process.exit(1);
          return x;
        },
        [1, 2, 3, 4],
        { maxRetries: 1 },
      )
      .catch((e: unknown) => e)) as RetriesExhaustedError;
    expect(error).to.be.instanceOf(RetriesExhaustedError);
    expect(error.index).to.equal(2);
    expect(logger.records.some((r) => r.message.startsWith('worker thread died'))).to.equal(true);
    expect(await cluster.dmap((x: number) => x + 1, [1, 2, 3])).to.deep.equal([2, 3, 4]);
  });

  it('blames only the packet that kills its thread, not the chunk queued behind it', async () => {
    const xs = Array.from({ length: 400 }, (_, i) => i);
    expect(await cluster.dmap((x: number) => x * 2, xs)).to.deep.equal(xs.map((x) => x * 2));
    for (let round = 0; round < 3; round++) {
      const error = (await cluster
        .dmap(
          (x: number) => {
            if (x === 300) process.exit(1);
            return x;
          },
          xs,
          { maxRetries: 1 },
        )
        .catch((e: unknown) => e)) as RetriesExhaustedError;
      expect(error).to.be.instanceOf(RetriesExhaustedError);
      expect(error.index).to.equal(300);
    }
  });

  it('rejects with JobTimeoutError when the call takes longer than timeoutMs', async () => {
    const error = await cluster
      .dmap(() => new Promise((r) => setTimeout(r, 400)), [1, 2, 3], { timeoutMs: 100 })
      .catch((e: unknown) => e);
    expect(error).to.be.instanceOf(JobTimeoutError);
  });

  it('reports progress up to the total, never past it', async () => {
    const seen: number[] = [];
    await cluster.dmap((x: number) => x, Array.from({ length: 3000 }, (_, i) => i), {
      progress: (done, total) => {
        expect(total).to.equal(3000);
        seen.push(done);
      },
    });
    expect(seen.at(-1)).to.equal(3000);
    expect(seen.every((d, i) => i === 0 || d >= seen[i - 1]!)).to.equal(true);
  });

  it('reads inputs lazily and keeps at most maxInFlight packets in flight', async () => {
    let read = 0;
    let done = 0;
    let ahead = 0;
    function* inputs(): Generator<number> {
      for (let i = 0; i < 50_000; i++) {
        read++;
        ahead = Math.max(ahead, read - done);
        yield i;
      }
    }
    const out = await cluster.dmap((x: number) => x + 1, inputs(), { maxInFlight: 1000, progress: (d) => (done = d) });
    expect(out.length).to.equal(50_000);
    expect(out[49_999]).to.equal(50_000);
    expect(ahead).to.be.at.most(1000);
  });

  it('shows machines, agents and queues in its view', async () => {
    const view = await cluster.view();
    expect(view.machines.map((m) => m.name).sort()).to.deep.equal(['local-0', 'local-1']);
    for (const m of view.machines) {
      expect(m.agents).to.have.length(1);
      expect(m.stats.cores).to.be.greaterThan(0);
      expect(m.stats.freeMemory).to.be.greaterThan(0);
    }
  });

  it('runs in every built-in mode, with stealing on and off', async () => {
    const xs = Array.from({ length: 300 }, (_, i) => i);
    for (const mode of ['round-robin', 'low-latency', 'by-memory']) {
      for (const stealing of [true, false]) {
        expect(await cluster.dmap((x: number) => x * x, xs, { mode, stealing })).to.deep.equal(xs.map((x) => x * x));
      }
    }
  });
});

describe('Cluster without machines', function () {
  this.timeout(10_000);

  it('rejects dmap with NoMachinesError after the wait timeout', async () => {
    const cluster = await Cluster.start({ transport: new InMemoryTransport(new InMemoryNetwork()), logger: new RecordingLogger() });
    try {
      const error = await cluster.dmap((x: number) => x, [1], { waitForMachinesMs: 100 }).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(NoMachinesError);
      expect(await cluster.waitForMachines(1, 50).catch((e: unknown) => e)).to.be.instanceOf(NoMachinesError);
    } finally {
      await cluster.close();
    }
  });

  it('rejects running and later calls with ClusterClosedError once closed', async () => {
    const cluster = await Cluster.start({ transport: new InMemoryTransport(new InMemoryNetwork()), logger: new RecordingLogger() });
    const running = cluster.dmap((x: number) => x, [1]).catch((e: unknown) => e);
    await cluster.close();
    expect(await running).to.be.instanceOf(ClusterClosedError);
    expect(await cluster.dmap((x: number) => x, [1]).catch((e: unknown) => e)).to.be.instanceOf(ClusterClosedError);
  });
});

describe('Cluster placement registry', function () {
  this.timeout(10_000);

  it('takes user strategies from the registry in its DI container', async () => {
    const { container } = await import('tsyringe');
    const { PlacementRegistry, PlacementTokens } = await import('../src/index.js');
    const chosen: string[] = [];
    const parent = container.createChildContainer();
    parent.register(PlacementTokens.Registry, {
      useValue: new PlacementRegistry().register('first', () => ({
        name: 'first',
        choose: (candidates) => {
          chosen.push(candidates[0]!.agent);
          return candidates[0]!;
        },
      })),
    });
    const cluster = await Cluster.start({ machines: 1, agentsPerMachine: 1, container: parent, logger: new RecordingLogger() });
    try {
      expect(await cluster.dmap((x: number) => x + 1, [1, 2, 3], { mode: 'first' })).to.deep.equal([2, 3, 4]);
      expect(chosen.length).to.be.greaterThan(0);
    } finally {
      await cluster.close();
    }
  });
});
