/**
 * Suite `w9-latency` (WORKLOADS.md W9, DLisp's untested LowLatency case): the W3 job over 4
 * machines x 4 agents, two near the master (0.1 ms one way) and two far (20 ms one way). As in
 * W3, task i costs 1 + (i mod 40) ms (a timer) and a quarter of the workers are slow x2
 * (`--slow-fraction 0.25 --slow-factor 2`): one agent per machine, so near and far machines each
 * have one. `--slow-fraction 0` runs the uniform variant. Makespan per placement mode, stealing
 * on and off, twice:
 *
 * - simulation (`@armada/scheduler/testing`): every node has a distance to the hub (master 0,
 *   near `--near-ms`, far `--far-ms`) and a message between two nodes takes the sum of theirs;
 *   slow agents are the machines' own (`slow`); repeats vary the seed;
 * - real processes: each machine process starts its slow agents (`--slow-fraction`); far
 *   machines reach `nats-server` through a TCP proxy in this process that delays every chunk by
 *   `--far-ms` each way; near machines connect directly when `--near-ms` is below 1 ms (loopback
 *   is about 0.1 ms, and timers cannot wait less than 1 ms), else through a proxy of their own.
 *
 * The baseline is round-robin with stealing off; the headline is the best configuration's speedup
 * over it in real processes (target >= 1.3x). Where packets ran (far machines, slow agents) and
 * how many steals moved come from the master's activity view, alike in both.
 *
 * The lower bound is W3's, LB = max(Σc_i / (fast + slow / factor), max c_i): 1.464 s with the
 * defaults, 1.281 s with uniform workers. No mode can be more than baseline / LB faster than the
 * baseline; the table prints that bound.
 *
 * Which mode wins and why: with the slow workers, `low-latency`. On processes it was the best
 * mode in every run (medians of 3-6 on a shared host): with stealing 1.67-1.89x the baseline,
 * without stealing within noise of that (1.70x in the last run, where it came first). In the
 * simulation it wins with stealing (1.90x), level with round-robin with stealing (1.87x), and
 * without stealing trails (1.66x). Every mode with stealing clears 1.3x. The baseline loses to
 * the slow workers, not to the distance: round-robin gives every agent the same count, so the
 * four slow agents get 25 % of the packets at half speed and finish at about 2x LB (2.7-3.1 s).
 * `low-latency` places each packet on the agent with the fewest outstanding, and a slow agent
 * drains its share half as fast, so it gets about 15 % of the packets without any stealing
 * (speed-proportional is 1/7, 14 %) and stealing has little left to fix (30-55 packets moved on
 * processes, 50-70 in the simulation). Round-robin with stealing reaches the same split only by
 * stealing 2-3x as many packets, each move starting once a thief ran dry: level in the
 * simulation, 6-19 % behind on processes. Near and far do not decide it: every mode, the
 * baseline included, runs about half the packets on the far machines (the master lets
 * `ceil(rtt / packet time)` more packets per far agent be in flight, so 20 ms links are hidden),
 * and far slow agents get no more than near slow ones. `by-memory` is least-loaded among machines
 * of equal free memory too, but its passes wait for health rounds every machine answers, the far
 * ones included, so it trails slightly.
 *
 * This job's first results are its cheapest packets (1-2 ms against a mean of 20.5), so the
 * master's cost estimate matters: while a job's first measurement replaced the cost remembered
 * from earlier jobs, the master could size its window for ~1 ms packets (about 970 packets
 * instead of about 90) and place nearly the whole job at once, evenly, as round-robin would; one
 * `low-latency` run without stealing in five took 3.5 s with 25 % on the slow agents. Meeting the
 * remembered cost halfway in scale, as the master does now, keeps it off (repeated jobs in one
 * simulated cluster: 2.05 s then, 1.59-1.72 s now).
 *
 * With uniform workers (`--slow-fraction 0`) the bound is baseline / LB = 1.19x in the simulation
 * and about 1.24x on processes, so 1.3x is out of reach by construction there; the best modes
 * gain 1.12-1.13x (low-latency on processes, round-robin or low-latency with stealing simulated).
 */
import { Mode, type ActivityView, type ModeName } from '@armada/scheduler';
import { Simulation } from '@armada/scheduler/testing';
import { startNatsServer, type NatsServerHandle } from '@armada/transport-nats';
import { Cluster } from '@armada/scheduler';
import {
  formatFixed,
  formatNumber,
  intFlag,
  median,
  printTable,
  round,
  startMachineProcesses,
  stopAll,
  UsageError,
  withTimeout,
  writeResults,
  type ChildHandle,
  type MachineReady,
  type Suite,
  type SuiteValues,
} from '../lib/index.js';
import { startDelayProxy, type DelayProxy } from '../lib/delay-proxy.js';
import { packetPlaces, type AgentKinds, type PacketPlaces } from '../lib/packet-places.js';

const SUITE = 'w9-latency';
const TARGET = 'best mode >= 1.3x faster than round-robin without stealing';
const MODES: readonly ModeName[] = [Mode.RoundRobin, Mode.LowLatency, Mode.ByMemory];

interface Params {
  tasks: number;
  near: number;
  far: number;
  agents: number;
  nearMs: number;
  farMs: number;
  /** Share of each machine's agents that are slow, and how many times as long they take (W3's 0.25 and 2). */
  slowFraction: number;
  slowFactor: number;
  repeats: number;
  timeoutMs: number;
  skipReal: boolean;
}

interface Config {
  mode: ModeName;
  stealing: boolean;
}

interface Run extends Config {
  where: 'simulation' | 'processes';
  repeat: number;
  makespanMs: number;
  /** Packets per kind of agent, from the master's counts. */
  places: PacketPlaces;
}

const cost = (i: number) => 1 + (i % 40);

/** The task of the real runs: sleeps 1 + (i mod 40) ms. Shipped as source, so the constants are literals. */
const skewed = async (i: number): Promise<number> => {
  await new Promise((r) => setTimeout(r, 1 + (i % 40)));
  return i;
};

function readParams(values: SuiteValues): Params {
  const nearMs = Number(values['near-ms']);
  const farMs = Number(values['far-ms']);
  const slowFraction = Number(values['slow-fraction']);
  const slowFactor = Number(values['slow-factor']);
  if (!(nearMs >= 0) || !(farMs >= 0)) throw new UsageError('--near-ms and --far-ms must be numbers >= 0');
  if (!(slowFraction >= 0 && slowFraction <= 1)) throw new UsageError(`--slow-fraction must be within 0..1, got ${String(values['slow-fraction'])}`);
  if (!(slowFactor >= 1 && Number.isFinite(slowFactor))) throw new UsageError(`--slow-factor must be a number >= 1, got ${String(values['slow-factor'])}`);
  return {
    tasks: intFlag(values, 'tasks'),
    near: intFlag(values, 'near'),
    far: intFlag(values, 'far'),
    agents: intFlag(values, 'agents'),
    nearMs,
    farMs,
    slowFraction,
    slowFactor,
    repeats: intFlag(values, 'repeats'),
    timeoutMs: intFlag(values, 'timeout'),
    skipReal: values['skip-real'] === true,
  };
}

/** Slow agents per machine, rounded as a machine rounds them. */
const slowPerMachine = (p: Params) => Math.round(p.slowFraction * p.agents);

/**
 * W3's lower bound on the makespan: LB = max(Σc_i / (fast + slow / factor), max c_i). With no
 * slow workers it is the work over the workers.
 */
function lowerBound(p: Params): { lbMs: number; workMs: number; maxMs: number; workers: number; slowWorkers: number; effectiveWorkers: number } {
  let workMs = 0;
  let maxMs = 0;
  for (let i = 0; i < p.tasks; i++) {
    workMs += cost(i);
    maxMs = Math.max(maxMs, cost(i));
  }
  const workers = (p.near + p.far) * p.agents;
  const slowWorkers = (p.near + p.far) * slowPerMachine(p);
  const effectiveWorkers = workers - slowWorkers + slowWorkers / p.slowFactor;
  return { lbMs: Math.max(workMs / effectiveWorkers, maxMs), workMs, maxMs, workers, slowWorkers, effectiveWorkers };
}

const label = (c: Config) => `${c.mode}, stealing ${c.stealing ? 'on' : 'off'}`;

function checkIdentity(out: readonly number[], tasks: number): void {
  if (out.length !== tasks || out.some((v, i) => v !== i)) throw new Error('dmap returned wrong results');
}

async function simulate(params: Params, configs: readonly Config[]): Promise<Run[]> {
  const machines = params.near + params.far;
  // Machine i < near is near; the master and near machines sit by the hub.
  const distance = (node: string) => {
    if (!node.startsWith('machine-')) return 0;
    return Number(node.slice('machine-'.length)) < params.near ? params.nearMs : params.farMs;
  };
  const kinds: AgentKinds = { isFarMachine: (name) => Number(name.slice('machine-'.length)) >= params.near, slowPerMachine: slowPerMachine(params) };
  const inputs = Array.from({ length: params.tasks }, (_, i) => i);
  const runs: Run[] = [];
  for (let repeat = 1; repeat <= params.repeats; repeat++) {
    for (const config of configs) {
      const sim = await Simulation.start({
        machines,
        agentsPerMachine: params.agents,
        seed: repeat,
        cost: (arg) => cost(arg as number),
        linkDelayMs: (from, to) => distance(from) + distance(to),
        ...(params.slowFraction > 0 ? { slow: { fraction: params.slowFraction, factor: params.slowFactor } } : {}),
        maxSimulatedMs: 600_000,
      });
      try {
        const before = (await sim.run(sim.cluster.view())).activity;
        const start = sim.now;
        checkIdentity(await sim.run(sim.cluster.dmap((x: number) => x, inputs, { mode: config.mode, stealing: config.stealing })), params.tasks);
        const makespanMs = sim.now - start;
        const after = await sim.run(sim.cluster.view());
        runs.push({ ...config, where: 'simulation', repeat, makespanMs, places: packetPlaces(before, after.activity, after, kinds) });
      } finally {
        await sim.close();
      }
    }
  }
  return runs;
}

async function onProcesses(params: Params, configs: readonly Config[]): Promise<Run[]> {
  let server: NatsServerHandle | undefined;
  const proxies: DelayProxy[] = [];
  let machines: ChildHandle<MachineReady>[] = [];
  let cluster: Cluster | undefined;
  try {
    server = await startNatsServer();
    const nearProxy = params.nearMs >= 1 ? await startDelayProxy({ targetPort: server.port, oneWayMs: params.nearMs }) : undefined;
    const farProxy = await startDelayProxy({ targetPort: server.port, oneWayMs: params.farMs });
    proxies.push(...(nearProxy !== undefined ? [nearProxy] : []), farProxy);
    // Every machine has its share of slow agents, near and far alike, as each W3 machine has.
    const slow = params.slowFraction > 0 ? { slowFraction: params.slowFraction, slowFactor: params.slowFactor } : {};
    machines = [
      ...(await startMachineProcesses(nearProxy?.url ?? server.url, params.near, { agents: params.agents, namePrefix: 'near', ...slow })),
      ...(await startMachineProcesses(farProxy.url, params.far, { agents: params.agents, namePrefix: 'far', ...slow })),
    ];
    cluster = await Cluster.start({ nats: server.url });
    await cluster.waitForMachines(params.near + params.far, 30_000);
    const kinds: AgentKinds = { isFarMachine: (name) => name.startsWith('far'), slowPerMachine: slowPerMachine(params) };
    const inputs = Array.from({ length: params.tasks }, (_, i) => i);
    // Untimed: the whole job once, stealing on, so every worker thread is loaded, the function
    // shipped and the steal paths run before any timed run. After a 64-packet warm-up the first
    // timed run (round-robin with stealing, by the rotation) was the slowest of its configuration
    // in each of three runs with slow workers, once 3.0 s against 1.7-1.8 s.
    checkIdentity(await withTimeout(cluster.dmap(skewed, inputs, { mode: Mode.RoundRobin, stealing: true }), params.timeoutMs, 'warm-up'), params.tasks);
    const runs: Run[] = [];
    for (let repeat = 1; repeat <= params.repeats; repeat++) {
      const shift = (repeat - 1) % configs.length;
      for (const config of [...configs.slice(shift), ...configs.slice(0, shift)]) {
        const before: ActivityView = (await cluster.view()).activity;
        const start = performance.now();
        checkIdentity(await withTimeout(cluster.dmap(skewed, inputs, { mode: config.mode, stealing: config.stealing }), params.timeoutMs, label(config)), params.tasks);
        const makespanMs = performance.now() - start;
        const after = await cluster.view();
        const places = packetPlaces(before, after.activity, after, kinds);
        runs.push({ ...config, where: 'processes', repeat, makespanMs, places });
        console.log(`processes, repeat ${repeat}/${params.repeats}, ${label(config)}: ${formatFixed(makespanMs / 1000, 3)} s, ${placesText(places)}`);
      }
    }
    return runs;
  } finally {
    await cluster?.close().catch((error: unknown) => console.error('closing the cluster failed:', error));
    await stopAll(machines);
    for (const proxy of proxies) await proxy.close();
    await server?.stop();
  }
}

/** `far 50 %, slow 15 % (near slow 7 %, far slow 8 %), stolen 33`: where one run's packets ran, and how many steals moved. */
function placesText(p: PacketPlaces): string {
  const total = p.nearFast + p.nearSlow + p.farFast + p.farSlow;
  const pct = (n: number) => `${total === 0 ? 0 : Math.round((100 * n) / total)} %`;
  return `far ${pct(p.farFast + p.farSlow)}, slow ${pct(p.nearSlow + p.farSlow)} (near slow ${pct(p.nearSlow)}, far slow ${pct(p.farSlow)}), stolen ${p.stolen}`;
}

async function run(values: SuiteValues): Promise<void> {
  const params = readParams(values);
  const configs: Config[] = MODES.flatMap((mode) => [true, false].map((stealing) => ({ mode, stealing })));
  const bound = lowerBound(params);
  const lbMs = bound.lbMs;
  console.log(
    `suite ${SUITE}: ${formatNumber(params.tasks)} tasks of 1 + (i mod 40) ms on ${params.near} near (${params.nearMs} ms) + ${params.far} far (${params.farMs} ms) ` +
      `machines x ${params.agents} agents, ${slowPerMachine(params)} per machine slow x${params.slowFactor} (${bound.slowWorkers} of ${bound.workers}); ` +
      `${configs.length} configurations x ${params.repeats} repeats`,
  );
  console.log(`lower bound LB = max(${formatNumber(bound.workMs)} ms / ${formatFixed(bound.effectiveWorkers)} workers, ${bound.maxMs} ms) = ${formatFixed(lbMs / 1000, 3)} s`);

  const simRuns = await simulate(params, configs);
  const realRuns = params.skipReal ? [] : await onProcesses(params, configs);
  const wheres = params.skipReal ? (['simulation'] as const) : (['simulation', 'processes'] as const);

  const runsOf = (where: Run['where'], c: Config) => [...simRuns, ...realRuns].filter((r) => r.where === where && r.mode === c.mode && r.stealing === c.stealing);
  const medianOf = (where: Run['where'], c: Config) => median(runsOf(where, c).map((r) => r.makespanMs));
  const table = wheres.flatMap((where) => {
    const baseline = medianOf(where, { mode: Mode.RoundRobin, stealing: false });
    return configs.map((c) => {
      const runs = runsOf(where, c);
      const makespanMs = medianOf(where, c);
      const share = (pick: (p: PacketPlaces) => number) => median(runs.map((r) => pick(r.places) / params.tasks));
      return {
        where,
        ...c,
        makespanMs,
        speedup: baseline / makespanMs,
        efficiency: lbMs / makespanMs,
        farShare: share((p) => p.farFast + p.farSlow),
        slowShare: share((p) => p.nearSlow + p.farSlow),
        farSlowShare: share((p) => p.farSlow),
        stolen: median(runs.map((r) => r.places.stolen)),
      };
    });
  });

  console.log('');
  for (const where of wheres) {
    const baseline = table.find((r) => r.where === where && r.mode === Mode.RoundRobin && !r.stealing)!;
    console.log(`${where}: no mode can be more than ${(baseline.makespanMs / lbMs).toFixed(2)}x faster than round-robin without stealing (its makespan / LB)`);
  }
  const fairSlow = bound.slowWorkers / params.slowFactor / bound.effectiveWorkers;
  console.log(`packets on slow agents if each agent got work in proportion to its speed: ${(100 * fairSlow).toFixed(0)} %; on far machines: ${((100 * params.far) / (params.near + params.far)).toFixed(0)} %`);
  const pct = (x: number) => `${(100 * x).toFixed(0)} %`;
  printTable(
    [`median of ${params.repeats}`, 'mode', 'stealing', 'makespan s', 'vs round-robin, no stealing', 'efficiency (LB / makespan)', 'packets far', 'on slow agents', 'on far slow agents', 'packets stolen'],
    table.map((r) => [r.where, r.mode, r.stealing ? 'on' : 'off', formatFixed(r.makespanMs / 1000, 3), `${r.speedup.toFixed(2)}x`, r.efficiency.toFixed(3), pct(r.farShare), pct(r.slowShare), pct(r.farSlowShare), formatNumber(r.stolen)]),
  );

  const headlineWhere = params.skipReal ? 'simulation' : 'processes';
  const candidates = table.filter((r) => r.where === headlineWhere);
  const best = candidates.reduce((a, b) => (b.makespanMs < a.makespanMs ? b : a));
  const baseline = candidates.find((r) => r.mode === Mode.RoundRobin && !r.stealing)!;
  const headline = {
    name: `best configuration (${best.mode}, stealing ${best.stealing ? 'on' : 'off'}) vs round-robin without stealing, ${headlineWhere}, ${bound.slowWorkers === 0 ? 'uniform workers' : `${bound.slowWorkers} of ${bound.workers} workers slow x${params.slowFactor}`}: makespan`,
    value: round(best.makespanMs, 1),
    unit: 'ms',
    baseline: round(baseline.makespanMs, 1),
    ratio: round(baseline.makespanMs / best.makespanMs, 3),
    target: TARGET,
  };
  const path = await writeResults(SUITE, {
    params: { ...params, task: 'async (i) => { await new Promise((r) => setTimeout(r, 1 + (i % 40))); return i; }', links: 'a message between two nodes takes the sum of their distances to the hub' },
    lowerBound: {
      lbMs: round(lbMs, 1),
      formula: 'max(sum of c_i / (fast workers + slow workers / slow factor), max c_i)',
      totalWorkMs: bound.workMs,
      maxTaskMs: bound.maxMs,
      workers: bound.workers,
      slowWorkers: bound.slowWorkers,
      effectiveWorkers: bound.effectiveWorkers,
    },
    runs: [...simRuns, ...realRuns].map((r) => ({ ...r, makespanMs: round(r.makespanMs, 1) })),
    boundOverBaseline: Object.fromEntries(wheres.map((where) => [where, round(table.find((r) => r.where === where && r.mode === Mode.RoundRobin && !r.stealing)!.makespanMs / lbMs, 3)])),
    medians: table.map((r) => ({
      where: r.where,
      mode: r.mode,
      stealing: r.stealing,
      makespanMs: round(r.makespanMs, 1),
      speedupOverRoundRobinNoStealing: round(r.speedup, 3),
      efficiency: round(r.efficiency, 3),
      farShare: round(r.farShare, 3),
      slowShare: round(r.slowShare, 3),
      farSlowShare: round(r.farSlowShare, 3),
      stolenPackets: r.stolen,
    })),
    headline,
  });
  console.log(`\n${headline.name}: ${headline.ratio}x (target ${TARGET}); the most any mode can gain here, baseline / LB: ${(baseline.makespanMs / lbMs).toFixed(2)}x`);
  console.log(`results: ${path}`);
}

export const w9LatencySuite: Suite = {
  name: SUITE,
  description: 'W9 the W3 job (slow workers) on near and far machines (simulated links and a delaying TCP proxy): makespan per mode, stealing on and off',
  options: {
    tasks: { type: 'string', default: '1000' },
    near: { type: 'string', default: '2' },
    far: { type: 'string', default: '2' },
    agents: { type: 'string', default: '4' },
    'near-ms': { type: 'string', default: '0.1' },
    'far-ms': { type: 'string', default: '20' },
    'slow-fraction': { type: 'string', default: '0.25' },
    'slow-factor': { type: 'string', default: '2' },
    repeats: { type: 'string', default: '3' },
    timeout: { type: 'string', default: '60000' },
    'skip-real': { type: 'boolean', default: false },
  },
  usage: [
    '--tasks N           tasks; task i costs 1 + (i mod 40) ms (default 1000)',
    '--near N            near machines (default 2)',
    '--far N             far machines (default 2)',
    '--agents N          agents per machine (default 4)',
    '--near-ms MS        one-way delay of a near machine (default 0.1)',
    '--far-ms MS         one-way delay of a far machine (default 20)',
    '--slow-fraction F   share of each machine\'s agents that are slow (default 0.25, as W3; 0: uniform workers)',
    '--slow-factor K     how many times as long a slow agent takes (default 2)',
    '--repeats N         runs of each configuration; medians are reported (default 3)',
    '--timeout MS        limit for each real run (default 60000)',
    '--skip-real         the simulation only, no processes',
  ],
  run,
};
