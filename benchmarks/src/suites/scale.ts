/**
 * Suite `scale` (WORKLOADS.md "scale"): one master and a growing fleet, on the simulated cluster
 * of `@armada/scheduler/testing` (the real Master, Machine, Agent and Worker actors in one
 * process, simulated time and network). For each fleet of `--fleets` machines x `--agents`
 * agents, a W3-like job runs `--rounds` times on one cluster (medians reported):
 * `--tasks-per-agent` packets per agent, packet i costing
 * 1 + (i mod 40) simulated ms, every network link delaying 0.1..0.5 simulated ms.
 *
 * Measured per fleet and stealing setting:
 * - master CPU per packet: the process's CPU time during the job times the share of V8 profiler
 *   samples with a frame of the scheduler's `master/` code on the stack, over the packets
 *   (decoding the master's input is not in it);
 * - protocol messages per packet, all of them and those to or from the master;
 * - efficiency = LB / makespan in simulated time, LB = max(Σc_i / agents, max c_i);
 * - master load = master CPU per simulated second: above 1 a real master could not keep up;
 * - master saturation = 1 / (master CPU per packet): packets per second one master can place
 *   and book at most, whatever the fleet;
 * - the rest of the process's CPU per packet: the machines, agents and workers of the fleet and
 *   the simulator itself, all in the same thread, reported apart from the master's.
 *
 * Stealing off means agents configured not to steal (`agent.stealing: false`) and a job nobody
 * may steal from; stealing on is the default configuration.
 *
 * Each point runs in its own process (a fresh heap; an untimed warm-up job first) under a
 * real-time limit, `--limit-s`: the simulation costs real time per message, so a fleet that
 * cannot even start in time is reported missing rather than waited for. The 1,000-machine point
 * takes about a minute of CPU in all; the limit leaves room for a machine shared with other work,
 * where the point gets a fraction of a core, and each point reports its CPU and real time. Idle agents of a large
 * fleet steal all the time, so stealing runs only on the fleets of `--steal-fleets`. The headline
 * is the flatness ratio: master CPU per packet of the largest fleet that finished over that of
 * the smallest, stealing off (1 is perfectly flat; the target is at most 2).
 */
import { Mode } from '@armada/scheduler';
import { formatFixed, formatNumber, intFlag, printTable, round, startChild, UsageError, writeResults, type Suite, type SuiteValues } from '../lib/index.js';
import { MASTER_CODE, type Point, type PointParams } from '../lib/scale-point.js';

const SUITE = 'scale';
const TARGET = 'master CPU per packet flat (within 2x) from 10 to 1,000 machines';
const SCALE_POINT = new URL('../children/scale-point.js', import.meta.url);

interface Params {
  fleets: number[];
  stealFleets: number[];
  agents: number;
  tasksPerAgent: number;
  seed: number;
  maxSimulatedMs: number;
  limitS: number;
  rounds: number;
}

/** A point that did not finish within the real-time limit (or failed), and why. */
interface Missing {
  machines: number;
  stealing: boolean;
  reason: string;
}

function list(values: SuiteValues, name: string): number[] {
  const raw = values[name];
  if (raw === 'none') return [];
  const items = typeof raw === 'string' ? raw.split(',').filter((s) => s.trim() !== '').map(Number) : [];
  if (items.some((n) => !Number.isInteger(n) || n < 1)) throw new UsageError(`--${name} must be a comma-separated list of positive integers, got ${String(raw)}`);
  return items;
}

function readParams(values: SuiteValues): Params {
  const fleets = list(values, 'fleets');
  if (fleets.length === 0) throw new UsageError('--fleets needs at least one fleet size');
  return {
    fleets,
    stealFleets: list(values, 'steal-fleets'),
    agents: intFlag(values, 'agents'),
    tasksPerAgent: intFlag(values, 'tasks-per-agent'),
    seed: intFlag(values, 'seed', 0),
    maxSimulatedMs: intFlag(values, 'max-simulated-ms'),
    limitS: intFlag(values, 'limit-s'),
    rounds: intFlag(values, 'rounds'),
  };
}

async function run(values: SuiteValues): Promise<void> {
  const params = readParams(values);
  const configs = params.fleets.flatMap((machines) => [false, ...(params.stealFleets.includes(machines) ? [true] : [])].map((stealing) => ({ machines, stealing })));
  console.log(
    `suite ${SUITE}: simulated cluster, fleets of ${params.fleets.join(', ')} machines x ${params.agents} agents, ${params.tasksPerAgent} packets per agent ` +
      `of 1 + (i mod 40) simulated ms, links 0.1..0.5 ms; stealing on for ${params.stealFleets.join(', ') || 'none'}; seed ${params.seed}`,
  );
  const points: Point[] = [];
  const missing: Missing[] = [];
  for (const { machines, stealing } of configs) {
    const pointParams: PointParams = { machines, agents: params.agents, tasksPerAgent: params.tasksPerAgent, stealing, seed: params.seed, maxSimulatedMs: params.maxSimulatedMs, rounds: params.rounds };
    let point: Point;
    try {
      const child = await startChild<Point>({
        name: `scale point ${machines} machines`,
        script: SCALE_POINT,
        args: [JSON.stringify(pointParams)],
        readyTimeoutMs: params.limitS * 1000,
        stopSignal: 'SIGTERM',
      });
      point = child.info;
      await child.stop();
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      missing.push({ machines, stealing, reason });
      console.log(`${machines} machines, stealing ${stealing ? 'on' : 'off'}: no result (${reason})`);
      continue;
    }
    points.push(point);
    console.log(
      `${machines} machines, stealing ${stealing ? 'on' : 'off'}: ${formatNumber(point.packets)} packets, makespan ${formatFixed(point.makespanMs)} ms (sim), ` +
        `efficiency ${point.efficiency.toFixed(3)}, master ${formatFixed(point.masterCpuMicrosPerPacket)} µs CPU/packet, ${formatFixed(point.messagesPerPacket)} msgs/packet; ` +
        `start ${formatFixed(point.startRealMs / 1000)} s real (${formatFixed(point.startCpuMs / 1000)} s CPU) + run ${formatFixed(point.runRealMs / 1000)} s real; ` +
        `whole point ${formatFixed(point.totalRealMs / 1000)} s real, ${formatFixed(point.totalCpuMs / 1000)} s CPU`,
    );
  }
  if (points.every((p) => p.stealing)) throw new Error('no point with stealing off finished: nothing to compare');

  console.log('');
  printTable(
    ['machines x agents', 'stealing', 'packets', 'efficiency', 'master CPU µs/packet', 'master saturates at packets/s', 'rest of process CPU µs/packet', 'msgs/packet', 'master msgs/packet', 'master load (CPU s / sim s)', 'process CPU s'],
    points.map((p) => [
      `${p.machines} x ${params.agents}`,
      p.stealing ? 'on' : 'off',
      p.packets,
      p.efficiency.toFixed(3),
      formatFixed(p.masterCpuMicrosPerPacket),
      formatNumber(Math.round(saturation(p))),
      formatFixed(restMicrosPerPacket(p)),
      formatFixed(p.messagesPerPacket),
      formatFixed(p.masterMessagesPerPacket),
      formatFixed(p.masterLoad, 2),
      formatFixed(p.processCpuMs / 1000),
    ]),
  );

  const off = points.filter((p) => !p.stealing);
  const smallest = off[0]!;
  const largest = off[off.length - 1]!;
  const saturated = points.filter((p) => p.masterLoad >= 1).map((p) => `${p.machines} machines, stealing ${p.stealing ? 'on' : 'off'}`);
  const flatness = largest.masterCpuMicrosPerPacket / smallest.masterCpuMicrosPerPacket;
  const headline = {
    name: `flatness: master CPU per packet at ${largest.machines} machines / at ${smallest.machines} machines (x ${params.agents} agents, stealing off)`,
    value: round(largest.masterCpuMicrosPerPacket, 2),
    unit: 'µs CPU per packet',
    baseline: round(smallest.masterCpuMicrosPerPacket, 2),
    ratio: round(flatness, 2),
    met: flatness <= 2,
    target: TARGET,
  };
  const path = await writeResults(SUITE, {
    params: { ...params, links: '0.1..0.5 simulated ms', cost: '1 + (i mod 40) simulated ms', mode: Mode.RoundRobin, masterCode: MASTER_CODE },
    curve: points.map((p) => ({
      machines: p.machines,
      agents: p.agents,
      stealing: p.stealing,
      packets: p.packets,
      makespanMs: round(p.makespanMs, 2),
      lbMs: round(p.lbMs, 2),
      efficiency: round(p.efficiency, 3),
      masterCpuMicrosPerPacket: round(p.masterCpuMicrosPerPacket, 2),
      masterCpuMicrosPerPacketByRound: p.masterCpuMicrosPerPacketByRound.map((v) => round(v, 2)),
      messagesPerPacket: round(p.messagesPerPacket, 2),
      masterMessagesPerPacket: round(p.masterMessagesPerPacket, 2),
      masterLoad: round(p.masterLoad, 3),
      masterSaturationPacketsPerS: Math.round(saturation(p)),
      restCpuMicrosPerPacket: round(restMicrosPerPacket(p), 2),
      messages: p.messages,
      masterMessages: p.masterMessages,
      masterCpuMs: round(p.masterCpuMs, 1),
      processCpuMs: round(p.processCpuMs, 1),
      realMs: { start: round(p.startRealMs, 0), run: round(p.runRealMs, 0) },
      startCpuMs: round(p.startCpuMs, 0),
      totalMs: { cpu: round(p.totalCpuMs, 0), real: round(p.totalRealMs, 0) },
    })),
    saturatedAt: saturated,
    missing,
    headline,
  });
  console.log(`\nflatness, master CPU per packet at ${largest.machines} / at ${smallest.machines} machines: ${headline.ratio}x (target ${TARGET}: ${headline.met ? 'met' : 'missed'})`);
  console.log(`master saturated (load >= 1): ${saturated.length === 0 ? 'nowhere measured' : saturated.join('; ')}`);
  for (const m of missing) console.log(`missing: ${m.machines} machines, stealing ${m.stealing ? 'on' : 'off'}: ${m.reason}`);
  console.log(`results: ${path}`);
}

/** Packets per second one master could place at this point's CPU per packet. */
function saturation(p: Point): number {
  return p.masterCpuMicrosPerPacket > 0 ? 1e6 / p.masterCpuMicrosPerPacket : Infinity;
}

/** CPU per packet of everything else in the process: the simulated fleet and the simulator. */
function restMicrosPerPacket(p: Point): number {
  return ((p.processCpuMs - p.masterCpuMs) * 1000) / p.packets;
}

export const scaleSuite: Suite = {
  name: SUITE,
  description: 'one master, a growing simulated fleet: master CPU and messages per packet, efficiency',
  options: {
    fleets: { type: 'string', default: '10,100,1000' },
    'steal-fleets': { type: 'string', default: '10' },
    agents: { type: 'string', default: '16' },
    'tasks-per-agent': { type: 'string', default: '2' },
    seed: { type: 'string', default: '7' },
    'max-simulated-ms': { type: 'string', default: '120000' },
    'limit-s': { type: 'string', default: '300' },
    rounds: { type: 'string', default: '3' },
  },
  usage: [
    '--fleets LIST          machine counts, comma-separated (default 10,100,1000)',
    '--steal-fleets LIST    fleets also run with stealing on, or none (default 10; large fleets steal for minutes of real time)',
    '--agents N             agents per machine (default 16)',
    '--tasks-per-agent N    packets per agent; packet i costs 1 + (i mod 40) simulated ms (default 2)',
    '--seed N               simulation seed (default 7)',
    '--max-simulated-ms MS  limit of each simulated job (default 120000)',
    '--rounds N             timed jobs per point on the same cluster; medians are reported (default 3)',
    '--limit-s S            real-time limit of each point, start-up included; a point past it is reported missing (default 300)',
  ],
  run,
};
