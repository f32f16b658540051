/**
 * Suite `w2-rtt` (WORKLOADS.md W2): the round trip of one tiny distributed call. 2,000 sequential
 * one-packet calls of a no-op (`x => x`), one outstanding, against raw nats.js sequential
 * request/reply (responder in another process) on the same loopback nats-server, in the same
 * invocation.
 *
 * The workload names Gluster's `runDist`; Armada has no `runDist` facade yet, so each call is a
 * one-packet `Cluster.dmap(x => x, [i])` over machine processes (default 1 x 1 agent). That
 * includes what a facade would also pay: describing the function (cached by source), a job in
 * the master, placement, the assign message, the worker thread's run and the results message.
 *
 * Each round measures both sides, alternating which goes first; figures are medians over rounds
 * of each round's percentiles.
 */
import { startNatsServer, type NatsServerHandle } from '@armada/transport-nats';
import {
  childProfileArgv,
  formatFixed,
  formatNumber,
  formatRatio,
  intFlag,
  median,
  patternPayload,
  printTable,
  ratio,
  round,
  sequentialLatencies,
  sleep,
  startMachineCluster,
  startRawBaseline,
  summarize,
  withTimeout,
  writeResults,
  type MachineCluster,
  type RawBaseline,
  type Suite,
  type SuiteValues,
  type Summary,
} from '../lib/index.js';

const SUITE = 'w2-rtt';
const RAW_SUBJECT = 'bench.w2.echo';
const TARGET = 'p50 <= 1.3x raw NATS p50';
const FACADE_NOTE = 'the Gluster runDist facade does not exist yet: each call is a one-packet Cluster.dmap(x => x, [i])';

type Side = 'raw' | 'dmap';

interface Params {
  calls: number;
  warmup: number;
  rounds: number;
  machines: number;
  agents: number;
  payloadBytes: number;
  timeoutMs: number;
}

interface RoundResult {
  round: number;
  order: Side[];
  raw: Summary;
  dmap: Summary;
}

/** The no-op task, shipped to the worker as source. */
const identity = (x: number): number => x;

function readParams(values: SuiteValues): Params {
  return {
    calls: intFlag(values, 'calls'),
    warmup: intFlag(values, 'warmup', 0),
    rounds: intFlag(values, 'rounds'),
    machines: intFlag(values, 'machines'),
    agents: intFlag(values, 'agents'),
    payloadBytes: intFlag(values, 'payload'),
    timeoutMs: intFlag(values, 'timeout'),
  };
}

async function run(values: SuiteValues): Promise<void> {
  const params = readParams(values);
  const execArgv = await childProfileArgv(values);
  console.log(
    `suite ${SUITE}: ${params.rounds} rounds of ${formatNumber(params.calls)} sequential calls (after ${params.warmup} untimed); ` +
      `one-packet dmap of x => x over ${params.machines} machine process(es) x ${params.agents} agent(s) vs raw nats.js request/reply`,
  );
  console.log(`note: ${FACADE_NOTE}`);

  let server: NatsServerHandle | undefined;
  let raw: RawBaseline | undefined;
  let machines: MachineCluster | undefined;
  try {
    server = await startNatsServer();
    raw = await startRawBaseline(server.url, { subject: RAW_SUBJECT, payload: patternPayload(params.payloadBytes), execArgv });
    machines = await startMachineCluster(server.url, { machines: params.machines, agents: params.agents, execArgv });
    const { cluster } = machines;
    const requester = raw.requester;
    const call: Record<Side, (i: number) => Promise<unknown>> = {
      raw: () => requester.request(),
      dmap: async (i) => {
        const [out] = await cluster.dmap(identity, [i]);
        if (out !== i) throw new Error(`dmap of x => x on ${i} returned ${String(out)}`);
      },
    };
    const latencies = async (side: Side, count: number) =>
      withTimeout(sequentialLatencies(call[side], count), params.timeoutMs, `${side} round trips`);

    await latencies('dmap', Math.max(params.warmup, 1));
    await latencies('raw', Math.max(params.warmup, 1));

    const rounds: RoundResult[] = [];
    for (let r = 0; r < params.rounds; r++) {
      const order: Side[] = r % 2 === 0 ? ['raw', 'dmap'] : ['dmap', 'raw'];
      const result: Partial<Record<Side, Summary>> = {};
      for (const side of order) {
        await latencies(side, params.warmup);
        result[side] = summarize(await latencies(side, params.calls));
        await sleep(20);
      }
      rounds.push({ round: r + 1, order, raw: result.raw!, dmap: result.dmap! });
      console.log(
        `round ${r + 1}/${params.rounds}: raw p50 ${formatFixed(result.raw!.p50)} µs p99 ${formatFixed(result.raw!.p99)} µs | ` +
          `dmap p50 ${formatFixed(result.dmap!.p50)} µs p99 ${formatFixed(result.dmap!.p99)} µs`,
      );
    }

    const med = (side: Side, pick: (s: Summary) => number) => median(rounds.map((r) => pick(r[side])));
    const medians = {
      raw: { p50: med('raw', (s) => s.p50), p90: med('raw', (s) => s.p90), p99: med('raw', (s) => s.p99) },
      dmap: { p50: med('dmap', (s) => s.p50), p90: med('dmap', (s) => s.p90), p99: med('dmap', (s) => s.p99) },
    };
    const paired = {
      p50: median(rounds.map((r) => r.dmap.p50 / r.raw.p50)),
      p99: median(rounds.map((r) => r.dmap.p99 / r.raw.p99)),
    };
    const p50Ratio = ratio(medians.dmap.p50, medians.raw.p50);

    console.log('');
    printTable(
      [`median of ${params.rounds} rounds`, 'p50 µs', 'p90 µs', 'p99 µs'],
      [
        ['raw nats.js request/reply', formatFixed(medians.raw.p50), formatFixed(medians.raw.p90), formatFixed(medians.raw.p99)],
        [`dmap, one packet (${params.machines} x ${params.agents})`, formatFixed(medians.dmap.p50), formatFixed(medians.dmap.p90), formatFixed(medians.dmap.p99)],
        ['dmap / raw', formatRatio(p50Ratio), formatRatio(ratio(medians.dmap.p90, medians.raw.p90)), formatRatio(ratio(medians.dmap.p99, medians.raw.p99))],
        ['dmap / raw, paired', formatRatio(paired.p50), '', formatRatio(paired.p99)],
      ],
    );

    const headline = {
      name: 'one-packet dmap p50 round trip vs raw NATS',
      value: round(medians.dmap.p50),
      unit: 'µs',
      baseline: round(medians.raw.p50),
      ratio: round(p50Ratio!, 3),
      target: TARGET,
    };
    const path = await writeResults(SUITE, {
      facade: FACADE_NOTE,
      params: { ...params, task: 'x => x', rawSubject: RAW_SUBJECT, natsServer: server.url },
      rounds: rounds.map((r) => ({ round: r.round, order: r.order, rawMicros: summaryJson(r.raw), dmapMicros: summaryJson(r.dmap) })),
      medians: {
        rawMicros: { p50: round(medians.raw.p50), p90: round(medians.raw.p90), p99: round(medians.raw.p99) },
        dmapMicros: { p50: round(medians.dmap.p50), p90: round(medians.dmap.p90), p99: round(medians.dmap.p99) },
        /** Median over rounds of dmap / raw within the same round. */
        pairedRatios: { p50: round(paired.p50, 3), p99: round(paired.p99, 3) },
      },
      headline,
    });
    console.log(`\n${headline.name}: ${formatRatio(p50Ratio)} (target ${TARGET})`);
    console.log(`results: ${path}`);
  } finally {
    await machines?.close();
    await raw?.close();
    await server?.stop();
  }
}

function summaryJson(s: Summary): Record<string, number> {
  return Object.fromEntries(Object.entries(s).map(([k, v]) => [k, k === 'count' ? v : round(v)]));
}

export const w2RttSuite: Suite = {
  name: SUITE,
  description: 'W2 round trip: 2,000 sequential one-packet dmap calls of a no-op vs raw nats.js, p50/p99',
  options: {
    calls: { type: 'string', default: '2000' },
    warmup: { type: 'string', default: '200' },
    rounds: { type: 'string', default: '5' },
    machines: { type: 'string', default: '1' },
    agents: { type: 'string', default: '1' },
    payload: { type: 'string', default: '16' },
    timeout: { type: 'string', default: '60000' },
    'child-cpu-prof': { type: 'string' },
  },
  usage: [
    '--calls N           timed sequential calls per side and round (default 2000)',
    '--warmup N          untimed calls before each of those (default 200)',
    '--rounds N          rounds; raw and dmap alternate which goes first (default 5)',
    '--machines N        machine processes (default 1)',
    '--agents N          agents per machine (default 1)',
    '--payload N         raw request payload in bytes (default 16)',
    '--timeout MS        limit for each measurement (default 60000)',
    '--child-cpu-prof D  run the machine(s) and the raw responder with --cpu-prof, writing to folder D',
  ],
  run,
};
