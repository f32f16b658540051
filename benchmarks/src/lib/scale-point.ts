/**
 * One point of the `scale` suite's curve: a simulated cluster of `machines` x `agents` runs a
 * W3-like job once (after an untimed warm-up job, so the master's code is compiled), and what
 * the master spent on it is measured. Runs in its own process (`children/scale-point.js`), so a
 * fleet too large to start in time can be stopped and each point starts with a fresh heap.
 */
import { Mode } from '@armada/scheduler';
import { Simulation } from '@armada/scheduler/testing';
import { startCpuAttribution } from './cpu-attribution.js';

/** Frames of the master's code: their inclusive CPU is the master's. */
export const MASTER_CODE = '/scheduler/dist/src/master/';
/** The simulation's fixed node id of the master. */
const MASTER_NODE = 'master';

/** What a point runs. */
export interface PointParams {
  machines: number;
  agents: number;
  tasksPerAgent: number;
  stealing: boolean;
  seed: number;
  maxSimulatedMs: number;
  /** Timed jobs on the same cluster; each figure is the median over them. */
  rounds: number;
}

/** What a point measured. */
export interface Point {
  machines: number;
  agents: number;
  stealing: boolean;
  packets: number;
  rounds: number;
  startRealMs: number;
  /** CPU the process spent starting the simulated cluster (machines registering: simulator and fleet, hardly the master). */
  startCpuMs: number;
  runRealMs: number;
  /** CPU and real time of the whole point: start-up, warm-up and every round. */
  totalCpuMs: number;
  totalRealMs: number;
  makespanMs: number;
  lbMs: number;
  efficiency: number;
  messages: number;
  masterMessages: number;
  processCpuMs: number;
  masterCpuMs: number;
  masterCpuMicrosPerPacket: number;
  /** The per-round figures the median was taken from. */
  masterCpuMicrosPerPacketByRound: number[];
  messagesPerPacket: number;
  masterMessagesPerPacket: number;
  /** Master CPU seconds per simulated second of the job. */
  masterLoad: number;
}

/** Simulated cost of packet i, in milliseconds: W3's skew. */
export const cost = (i: number): number => 1 + (i % 40);

/** The simulated wire counts what goes through it; the master's share is counted here. */
function countMasterMessages(sim: Simulation): { readonly count: number } {
  const counter = { count: 0 };
  const network = sim.network as unknown as { post(from: string, to: string, ...rest: unknown[]): void };
  const post = network.post.bind(network);
  network.post = (from, to, ...rest) => {
    if (from === MASTER_NODE || to === MASTER_NODE) counter.count++;
    post(from, to, ...rest);
  };
  return counter;
}

/** Starts the simulation, warms it up, runs the job and tears the simulation down. */
export async function measurePoint(params: PointParams): Promise<Point> {
  const { machines, stealing } = params;
  const startedAt = performance.now();
  const startCpu = process.cpuUsage();
  const sim = await Simulation.start({
    machines,
    agentsPerMachine: params.agents,
    seed: params.seed,
    minDelayMs: 0.1,
    maxDelayMs: 0.5,
    cost: (arg) => cost(arg as number),
    maxSimulatedMs: params.maxSimulatedMs,
    // Stealing off means agents that never ask peers for work, not only a job nobody may steal
    // from: idle agents polling thousands of peers would otherwise be most of the traffic.
    ...(stealing ? {} : { machine: { agent: { stealing: false } } }),
  });
  const startRealMs = performance.now() - startedAt;
  const startCpuUsed = process.cpuUsage(startCpu);
  const startCpuMs = (startCpuUsed.user + startCpuUsed.system) / 1000;
  try {
    const agents = machines * params.agents;
    const packets = agents * params.tasksPerAgent;
    const inputs = Array.from({ length: packets }, (_, i) => i);
    let work = 0;
    let maxTask = 0;
    for (const i of inputs) {
      work += cost(i);
      maxTask = Math.max(maxTask, cost(i));
    }
    const lbMs = Math.max(work / agents, maxTask);
    // Untimed: compiles the code paths and ships the function to every machine.
    await sim.run(sim.cluster.dmap((x: number) => x, inputs.slice(0, agents), { mode: Mode.RoundRobin, stealing }));
    const master = countMasterMessages(sim);
    const rounds: Point[] = [];
    for (let round = 0; round < params.rounds; round++) {
      const masterBefore = master.count;
      const sentBefore = sim.network.stats.sent;
      const simBefore = sim.now;
      const runStart = performance.now();
      const cpuBefore = process.cpuUsage();
      const profile = await startCpuAttribution([MASTER_CODE]);
      const out = await sim.run(sim.cluster.dmap((x: number) => x, inputs, { mode: Mode.RoundRobin, stealing }));
      const attributed = await profile.stop();
      const cpu = process.cpuUsage(cpuBefore);
      const runRealMs = performance.now() - runStart;
      if (out.length !== packets || out.some((v, i) => v !== i)) throw new Error(`wrong results on ${machines} machines`);
      const makespanMs = sim.now - simBefore;
      const messages = sim.network.stats.sent - sentBefore;
      const masterMessages = master.count - masterBefore;
      // The profiler samples wall time, which on a busy machine includes time the thread was not
      // running: take the master's share of the samples, of the CPU time the process really used.
      const processCpuMs = (cpu.user + cpu.system) / 1000;
      const masterCpuMs = attributed.totalMs > 0 ? (processCpuMs * (attributed.byMarker[MASTER_CODE] ?? 0)) / attributed.totalMs : 0;
      rounds.push({
        machines,
        agents,
        stealing,
        packets,
        rounds: params.rounds,
        startRealMs,
        startCpuMs,
        runRealMs,
        totalCpuMs: 0,
        totalRealMs: 0,
        makespanMs,
        lbMs,
        efficiency: lbMs / makespanMs,
        messages,
        masterMessages,
        processCpuMs,
        masterCpuMs,
        masterCpuMicrosPerPacket: (masterCpuMs * 1000) / packets,
        masterCpuMicrosPerPacketByRound: [],
        messagesPerPacket: messages / packets,
        masterMessagesPerPacket: masterMessages / packets,
        masterLoad: masterCpuMs / makespanMs,
      });
    }
    const total = process.cpuUsage(startCpu);
    return { ...medianPoint(rounds), totalCpuMs: (total.user + total.system) / 1000, totalRealMs: performance.now() - startedAt };
  } finally {
    await sim.close();
  }
}


/** Each numeric figure as its median over the rounds (the rounds share everything else). */
function medianPoint(rounds: readonly Point[]): Point {
  const first = rounds[0]!;
  const mid = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    const half = sorted.length >> 1;
    return sorted.length % 2 === 1 ? sorted[half]! : (sorted[half - 1]! + sorted[half]!) / 2;
  };
  const pick = (key: keyof Point) => mid(rounds.map((r) => r[key] as number));
  return {
    ...first,
    runRealMs: pick('runRealMs'),
    makespanMs: pick('makespanMs'),
    efficiency: pick('efficiency'),
    messages: pick('messages'),
    masterMessages: pick('masterMessages'),
    processCpuMs: pick('processCpuMs'),
    masterCpuMs: pick('masterCpuMs'),
    masterCpuMicrosPerPacket: pick('masterCpuMicrosPerPacket'),
    masterCpuMicrosPerPacketByRound: rounds.map((r) => r.masterCpuMicrosPerPacket),
    messagesPerPacket: pick('messagesPerPacket'),
    masterMessagesPerPacket: pick('masterMessagesPerPacket'),
    masterLoad: pick('masterLoad'),
  };
}
