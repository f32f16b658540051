/**
 * Suite `w1-tiny` (WORKLOADS.md W1): 100,000 packets of `x => x + 1` through `Cluster.dmap` over
 * machine processes (default 2 x 1 agent), end to end (submit → every result back), against raw
 * nats.js request/reply (shared reply inbox, 256 in flight, responder in another process) on the
 * same loopback nats-server in the same invocation. One packet per NATS message is the ceiling
 * of the raw side; `dmap` groups packets per agent and results per reply, so it can beat it.
 *
 * Each round measures both sides, alternating which goes first; figures are medians over rounds.
 */
import { startNatsServer, type NatsServerHandle } from '@armada/transport-nats';
import {
  childProfileArgv,
  closedLoop,
  formatFixed,
  formatNumber,
  formatRatio,
  intFlag,
  median,
  patternPayload,
  printTable,
  ratio,
  round,
  startMachineCluster,
  startRawBaseline,
  withTimeout,
  writeResults,
  type MachineCluster,
  type RawBaseline,
  type Suite,
  type SuiteValues,
} from '../lib/index.js';

const SUITE = 'w1-tiny';
const RAW_SUBJECT = 'bench.w1.echo';
const TARGET = '>= 1.0x raw NATS request/reply';

type Side = 'raw' | 'dmap';

interface Params {
  packets: number;
  inflight: number;
  rounds: number;
  machines: number;
  agents: number;
  payloadBytes: number;
  timeoutMs: number;
}

interface SideRound {
  elapsedMs: number;
  perSecond: number;
  /** CPU time (user + system) of this process per task or request, in µs. */
  benchCpuMicros: number;
}

interface RoundResult {
  round: number;
  order: Side[];
  raw: SideRound;
  dmap: SideRound;
}

/** The task: shipped to the workers as source, so it must be self-contained. */
const increment = (x: number): number => x + 1;

function readParams(values: SuiteValues): Params {
  return {
    packets: intFlag(values, 'packets'),
    inflight: intFlag(values, 'inflight'),
    rounds: intFlag(values, 'rounds'),
    machines: intFlag(values, 'machines'),
    agents: intFlag(values, 'agents'),
    payloadBytes: intFlag(values, 'payload'),
    timeoutMs: intFlag(values, 'timeout'),
  };
}

/** Times `work`, which completes `count` tasks, with this process's CPU time. */
async function measure(count: number, work: () => Promise<unknown>): Promise<SideRound> {
  const cpuBefore = process.cpuUsage();
  const start = performance.now();
  await work();
  const elapsedMs = performance.now() - start;
  const cpu = process.cpuUsage(cpuBefore);
  return { elapsedMs, perSecond: (count * 1000) / elapsedMs, benchCpuMicros: (cpu.user + cpu.system) / count };
}

function checkIncrements(out: readonly number[], inputs: readonly number[]): void {
  if (out.length !== inputs.length) throw new Error(`dmap returned ${out.length} results for ${inputs.length} inputs`);
  for (let i = 0; i < inputs.length; i++) {
    if (out[i] !== inputs[i]! + 1) throw new Error(`dmap result ${i} is ${String(out[i])}, expected ${inputs[i]! + 1}`);
  }
}

async function run(values: SuiteValues): Promise<void> {
  const params = readParams(values);
  const execArgv = await childProfileArgv(values);
  const inputs = Array.from({ length: params.packets }, (_, i) => i);
  console.log(
    `suite ${SUITE}: ${params.rounds} rounds of ${formatNumber(params.packets)} packets of x => x + 1; ` +
      `dmap over ${params.machines} machine processes x ${params.agents} agent(s) vs raw nats.js request/reply with ${params.inflight} in flight`,
  );

  let server: NatsServerHandle | undefined;
  let raw: RawBaseline | undefined;
  let machines: MachineCluster | undefined;
  try {
    server = await startNatsServer();
    raw = await startRawBaseline(server.url, { subject: RAW_SUBJECT, payload: patternPayload(params.payloadBytes), execArgv });
    machines = await startMachineCluster(server.url, { machines: params.machines, agents: params.agents, execArgv });
    const { cluster } = machines;
    const requester = raw.requester;
    const sides: Record<Side, () => Promise<unknown>> = {
      raw: () => closedLoop(() => requester.request(), params.packets, params.inflight),
      dmap: async () => checkIncrements(await cluster.dmap(increment, inputs), inputs),
    };

    // Untimed: checks the results, ships the function, warms both paths up.
    await withTimeout(sides.dmap(), params.timeoutMs, 'dmap warm-up');
    await withTimeout(sides.raw(), params.timeoutMs, 'raw warm-up');

    const rounds: RoundResult[] = [];
    for (let r = 0; r < params.rounds; r++) {
      const order: Side[] = r % 2 === 0 ? ['raw', 'dmap'] : ['dmap', 'raw'];
      const result: Partial<Record<Side, SideRound>> = {};
      for (const side of order) {
        // dmap's check runs inside the timing: it is a plain loop over the results, ~1 ms.
        result[side] = await withTimeout(measure(params.packets, sides[side]), params.timeoutMs, `${side} round ${r + 1}`);
      }
      rounds.push({ round: r + 1, order, raw: result.raw!, dmap: result.dmap! });
      console.log(
        `round ${r + 1}/${params.rounds}: raw ${formatNumber(Math.round(result.raw!.perSecond))} req/s, ` +
          `dmap ${formatNumber(Math.round(result.dmap!.perSecond))} tasks/s (${formatFixed(result.dmap!.elapsedMs)} ms)`,
      );
    }

    const med = (side: Side, pick: (s: SideRound) => number) => median(rounds.map((r) => pick(r[side])));
    const medians = {
      raw: { perSecond: med('raw', (s) => s.perSecond), elapsedMs: med('raw', (s) => s.elapsedMs), benchCpu: med('raw', (s) => s.benchCpuMicros) },
      dmap: { perSecond: med('dmap', (s) => s.perSecond), elapsedMs: med('dmap', (s) => s.elapsedMs), benchCpu: med('dmap', (s) => s.benchCpuMicros) },
    };
    const paired = median(rounds.map((r) => r.dmap.perSecond / r.raw.perSecond));
    const headlineRatio = ratio(medians.dmap.perSecond, medians.raw.perSecond);

    console.log('');
    printTable(
      [`median of ${params.rounds} rounds`, 'tasks/s', 'elapsed ms', 'bench CPU µs/task'],
      [
        [`raw nats.js req/rep, ${params.inflight} in flight`, Math.round(medians.raw.perSecond), formatFixed(medians.raw.elapsedMs), formatFixed(medians.raw.benchCpu, 2)],
        [`dmap, ${params.machines} machines x ${params.agents} agent(s)`, Math.round(medians.dmap.perSecond), formatFixed(medians.dmap.elapsedMs), formatFixed(medians.dmap.benchCpu, 2)],
        ['dmap / raw', formatRatio(headlineRatio), formatRatio(ratio(medians.dmap.elapsedMs, medians.raw.elapsedMs)), formatRatio(ratio(medians.dmap.benchCpu, medians.raw.benchCpu))],
        ['dmap / raw, paired', formatRatio(paired), '', ''],
      ],
    );

    const headline = {
      name: 'dmap tiny tasks vs raw NATS request/reply',
      value: round(medians.dmap.perSecond, 0),
      unit: 'tasks/s',
      baseline: round(medians.raw.perSecond, 0),
      ratio: round(headlineRatio!, 3),
      target: TARGET,
    };
    const path = await writeResults(SUITE, {
      params: { ...params, task: 'x => x + 1', rawSubject: RAW_SUBJECT, natsServer: server.url },
      rounds: rounds.map((r) => ({
        round: r.round,
        order: r.order,
        raw: sideJson(r.raw),
        dmap: sideJson(r.dmap),
      })),
      medians: {
        raw: { perSecond: round(medians.raw.perSecond, 0), elapsedMs: round(medians.raw.elapsedMs, 2), benchCpuMicrosPerTask: round(medians.raw.benchCpu, 3) },
        dmap: { perSecond: round(medians.dmap.perSecond, 0), elapsedMs: round(medians.dmap.elapsedMs, 2), benchCpuMicrosPerTask: round(medians.dmap.benchCpu, 3) },
        /** Median over rounds of dmap / raw within the same round. */
        pairedRatio: round(paired, 3),
      },
      headline,
    });
    console.log(`\n${headline.name}: ${formatRatio(headlineRatio)} (target ${TARGET})`);
    console.log(`results: ${path}`);
  } finally {
    await machines?.close();
    await raw?.close();
    await server?.stop();
  }
}

function sideJson(s: SideRound): Record<string, number> {
  return { elapsedMs: round(s.elapsedMs, 2), perSecond: round(s.perSecond, 0), benchCpuMicrosPerTask: round(s.benchCpuMicros, 3) };
}

export const w1TinySuite: Suite = {
  name: SUITE,
  description: 'W1 tiny tasks: dmap of 100,000 x => x + 1 vs raw nats.js request/reply, tasks/s',
  options: {
    packets: { type: 'string', default: '100000' },
    inflight: { type: 'string', default: '256' },
    rounds: { type: 'string', default: '5' },
    machines: { type: 'string', default: '2' },
    agents: { type: 'string', default: '1' },
    payload: { type: 'string', default: '16' },
    timeout: { type: 'string', default: '60000' },
    'child-cpu-prof': { type: 'string' },
  },
  usage: [
    '--packets N         packets per dmap, requests per raw measurement (default 100000)',
    '--inflight N        raw requests outstanding (default 256)',
    '--rounds N          rounds; raw and dmap alternate which goes first (default 5)',
    '--machines N        machine processes (default 2)',
    '--agents N          agents per machine (default 1)',
    '--payload N         raw request payload in bytes (default 16)',
    '--timeout MS        limit for each measurement (default 60000)',
    '--child-cpu-prof D  run the machines and the raw responder with --cpu-prof, writing to folder D',
  ],
  run,
};
