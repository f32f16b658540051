/**
 * Suite `w5-matmul` (WORKLOADS.md W5, Gluster's matrix multiply): C = A·B with Float64Array,
 * N = 1024 and 2048, the rows of A split into `runDist` jobs, B passed as a `share` handle.
 *
 * Per size: a single-thread local multiply (the baseline; the same function on one thread of this
 * process, so the master keeps answering heartbeats meanwhile) and the
 * distributed multiply over machine processes (default 2 x 1 agent) on a loopback nats-server
 * with JetStream, C checked equal to the local one. The first distributed round of a size pays
 * for B reaching each machine; later rounds of that size find it cached. Speedup = median local
 * time / median distributed time. Reported with it: bytes the master sent (A's rows go with their
 * jobs; B uploaded once to the object store) and what each machine received of B.
 *
 * A second part shares one N = 1024 B with 4 machine processes and reports the master's egress
 * for it against its size (target ≤ 1.5x). Headline: the N = 1024 speedup.
 */
import { fileURLToPath } from 'node:url';
import { Gluster, type Cluster } from '@armada/scheduler';
import { startNatsServer, type NatsServerHandle } from '@armada/transport-nats';
import {
  formatFixed,
  formatNumber,
  formatRatio,
  intFlag,
  median,
  printTable,
  round,
  startLocalThread,
  startMachineCluster,
  UsageError,
  writeResults,
  type LocalThread,
  type MachineCluster,
  type Suite,
  type SuiteValues,
} from '../lib/index.js';

const SUITE = 'w5-matmul';
const TARGET = '>= 1.8x on 2 machine processes; B received once per machine; master egress for B <= 1.5x its size on 4 machines (JetStream on)';
const MATMUL_URL = new URL('../functions/matmul.js', import.meta.url);
const MATMUL_FILE = fileURLToPath(MATMUL_URL);
/** The master is busy assembling C from large results; give machines more time than the default. */
const MASTER = { deadAfterMs: 10_000 } as const;

function matrix(n: number, seed: number): Float64Array {
  let state = seed;
  const m = new Float64Array(n * n);
  for (let i = 0; i < m.length; i++) {
    state = (state * 1103515245 + 12345) >>> 0;
    m[i] = (state % 1000) / 100;
  }
  return m;
}

async function distributed(g: Gluster, a: Float64Array, b: Awaited<ReturnType<Gluster['share']>>, n: number, jobs: number): Promise<Float64Array> {
  const per = Math.ceil(n / jobs);
  const blocks: Array<{ id: string; first: number }> = [];
  for (let first = 0; first < n; first += per) {
    const rows = Math.min(per, n - first);
    blocks.push({ id: g.runDist('matmul.multiplyRows', a.subarray(first * n, (first + rows) * n), b, n, rows), first });
  }
  const c = new Float64Array(n * n);
  await Promise.all(blocks.map(({ id, first }) => g.result(id).then((rows) => c.set(rows as Float64Array, first * n))));
  return c;
}

function same(x: Float64Array, y: Float64Array): boolean {
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

interface SizeResult {
  n: number;
  localMs: number[];
  distributedMs: number[];
  speedup: number;
  bBytes: number;
  masterSent: { sharedServed: number; uploaded: number; moduleAndShared: number };
  machineReceivedB: Record<string, number>;
}

async function measureSize(cluster: Cluster, g: Gluster, local: LocalThread, n: number, rounds: number, jobs: number): Promise<SizeResult> {
  const a = matrix(n, 1);
  const b = matrix(n, 2);
  const before = cluster.transferStats();
  const ingressBefore = await cluster.machineIngress();
  const shared = await g.share(b);
  const localMs: number[] = [];
  const distributedMs: number[] = [];
  let expected: Float64Array | undefined;
  for (let r = 0; r < rounds; r++) {
    // Alternate which side goes first, as the machine's load drifts.
    const sides = r % 2 === 0 ? (['local', 'dist'] as const) : (['dist', 'local'] as const);
    for (const side of sides) {
      const started = performance.now();
      if (side === 'local') {
        // On its own thread, so the master on this one keeps answering heartbeats; timed in the thread.
        const { ms, value } = await local.call<Float64Array>([a, b, n, n]);
        expected = value;
        localMs.push(ms);
      } else {
        const c = await distributed(g, a, shared, n, jobs);
        distributedMs.push(performance.now() - started);
        if (expected !== undefined && !same(c, expected)) throw new Error(`distributed C differs from the local C at N = ${n}`);
      }
    }
  }
  const after = cluster.transferStats();
  const ingress = await cluster.machineIngress();
  const machineReceivedB = Object.fromEntries(Object.entries(ingress).map(([name, s]) => [name, s.sharedBytes - (ingressBefore[name]?.sharedBytes ?? 0)]));
  return {
    n,
    localMs,
    distributedMs,
    speedup: median(localMs) / median(distributedMs),
    bBytes: shared.bytes,
    masterSent: { sharedServed: after.sharedBytes - before.sharedBytes, uploaded: after.uploadedBytes - before.uploadedBytes, moduleAndShared: after.bytes - before.bytes },
    machineReceivedB,
  };
}

async function run(values: SuiteValues): Promise<void> {
  const sizes = String(values.sizes ?? '1024,2048').split(',').map(Number);
  if (!sizes.every((n) => Number.isInteger(n) && n > 0)) throw new UsageError('--sizes takes a comma-separated list of sizes');
  const rounds = intFlag(values, 'rounds');
  const machinesCount = intFlag(values, 'machines');
  const agents = intFlag(values, 'agents');
  const jobs = intFlag(values, 'jobs');
  const broadcastMachines = intFlag(values, 'broadcast-machines', 0);
  console.log(`suite ${SUITE}: C = A·B for N in ${sizes.join(', ')}, ${jobs} runDist jobs over ${machinesCount} machine process(es) x ${agents}, ${rounds} round(s), vs a local multiply`);

  let server: NatsServerHandle | undefined;
  let machines: MachineCluster | undefined;
  const local = startLocalThread(MATMUL_URL, 'multiplyRows');
  const results: SizeResult[] = [];
  let broadcast: { machines: number; bBytes: number; masterEgressForB: number; ratio: number; machineReceivedB: Record<string, number> } | undefined;
  try {
    server = await startNatsServer({ jetstream: true });
    machines = await startMachineCluster(server.url, { machines: machinesCount, agents, master: MASTER });
    const g = new Gluster(machines.cluster);
    await g.importFunctionFile(MATMUL_FILE);
    // Warm the machines' threads and the module once, untimed.
    await distributed(g, matrix(64, 3), await g.share(matrix(64, 4)), 64, machinesCount * agents);
    for (const n of sizes) {
      const result = await measureSize(machines.cluster, g, local, n, n >= 2048 ? Math.min(rounds, 2) : rounds, jobs);
      results.push(result);
      console.log(`N = ${n}: local ${formatFixed(median(result.localMs), 0)} ms, distributed ${formatFixed(median(result.distributedMs), 0)} ms, ${formatRatio(result.speedup)}`);
    }
    await machines.close();
    machines = undefined;

    if (broadcastMachines > 0) {
      machines = await startMachineCluster(server.url, { machines: broadcastMachines, agents: 1, master: MASTER, namePrefix: 'b' });
      const gb = new Gluster(machines.cluster);
      await gb.importFunctionFile(MATMUL_FILE);
      const n = 1024;
      const a = matrix(n, 5);
      // A new B (another seed), so no machine and no bucket holds it yet.
      const b = matrix(n, 6 + Date.now() % 1000);
      const shared = await gb.share(b);
      await distributed(gb, a, shared, n, broadcastMachines * 4);
      const stats = machines.cluster.transferStats();
      const ingress = await machines.cluster.machineIngress();
      const egressForB = stats.sharedBytes + stats.uploadedBytes;
      broadcast = {
        machines: broadcastMachines,
        bBytes: shared.bytes,
        masterEgressForB: egressForB,
        ratio: egressForB / shared.bytes,
        machineReceivedB: Object.fromEntries(Object.entries(ingress).map(([name, s]) => [name, s.sharedBytes])),
      };
    }
  } finally {
    await local.close();
    await machines?.close();
    await server?.stop();
  }

  console.log('');
  printTable(
    ['N', 'local ms', 'distributed ms', 'speedup', 'B bytes', 'master: B uploaded', 'master: B served', 'each machine received of B'],
    results.map((r) => [
      r.n,
      formatFixed(median(r.localMs), 0),
      formatFixed(median(r.distributedMs), 0),
      formatRatio(r.speedup),
      formatNumber(r.bBytes, 0),
      formatNumber(r.masterSent.uploaded, 0),
      formatNumber(r.masterSent.sharedServed, 0),
      Object.values(r.machineReceivedB).map((v) => formatNumber(v, 0)).join(' / '),
    ]),
  );
  if (broadcast !== undefined) {
    console.log(
      `\nB (N = 1024, ${formatNumber(broadcast.bBytes, 0)} bytes) shared to ${broadcast.machines} machines: master egress for B ${formatNumber(broadcast.masterEgressForB, 0)} bytes = ${formatRatio(broadcast.ratio)} its size; ` +
        `machines received ${Object.values(broadcast.machineReceivedB).map((v) => formatNumber(v, 0)).join(' / ')}`,
    );
  }
  const first = results.find((r) => r.n === 1024) ?? results[0]!;
  const headline = {
    name: `distributed matrix multiply speedup, N = ${first.n}, ${machinesCount} machine processes`,
    value: round(first.speedup, 3),
    unit: 'x',
    baseline: 1,
    ratio: round(first.speedup, 3),
    target: TARGET,
  };
  const path = await writeResults(SUITE, {
    params: { sizes, rounds, machines: machinesCount, agents, jobs, jetstream: true },
    sizes: results.map((r) => ({ ...r, localMs: r.localMs.map((v) => round(v)), distributedMs: r.distributedMs.map((v) => round(v)), speedup: round(r.speedup, 3) })),
    broadcast,
    headline,
  });
  console.log(`\n${headline.name}: ${formatRatio(first.speedup)} (target ${TARGET})`);
  console.log(`results: ${path}`);
}

export const w5MatmulSuite: Suite = {
  name: SUITE,
  description: 'W5 matrix multiply: runDist jobs over rows of A with B shared, N = 1024 and 2048, speedup over a local multiply, bytes sent',
  options: {
    sizes: { type: 'string', default: '1024,2048' },
    rounds: { type: 'string', default: '3' },
    machines: { type: 'string', default: '2' },
    agents: { type: 'string', default: '1' },
    jobs: { type: 'string', default: '16' },
    'broadcast-machines': { type: 'string', default: '4' },
  },
  usage: [
    '--sizes LIST             matrix sizes (default 1024,2048)',
    '--rounds N               rounds per size, at most 2 for N >= 2048 (default 3)',
    '--machines N             machine processes (default 2)',
    '--agents N               agents per machine (default 1)',
    '--jobs N                 runDist jobs per multiply (default 16)',
    '--broadcast-machines N   machine processes B is then shared to, 0 to skip (default 4)',
  ],
  run,
};
