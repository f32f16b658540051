/**
 * Suite `w2-rtt` (WORKLOADS.md W2): the round trip of one tiny distributed call. 2,000 sequential
 * one-packet calls of a no-op (`x => x`), one outstanding, against raw nats.js sequential
 * request/reply (responder in another process) on the same loopback nats-server, in the same
 * invocation.
 *
 * The workload names Gluster's `runDist`: each call is `await g.result(g.runDist('noop.identity', i))`
 * of an imported function file, over machine processes (default 1 x 1 agent). Beside it, the
 * one-packet `Cluster.dmap(x => x, [i])`. Both pay a job in the master, placement, the assign
 * message (the function by hash only, after the first call), the worker thread's run and the
 * results message.
 *
 * Each round measures both sides, alternating which goes first; figures are medians over rounds
 * of each round's percentiles.
 */
import { fileURLToPath } from 'node:url';
import { Gluster } from '@armada/scheduler';
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
const NOOP_FILE = fileURLToPath(new URL('../functions/noop.js', import.meta.url));

type Side = 'raw' | 'dmap' | 'runDist';
const SIDES: readonly Side[] = ['raw', 'dmap', 'runDist'];

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
  runDist: Summary;
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
      `runDist and one-packet dmap of x => x over ${params.machines} machine process(es) x ${params.agents} agent(s) vs raw nats.js request/reply`,
  );

  let server: NatsServerHandle | undefined;
  let raw: RawBaseline | undefined;
  let machines: MachineCluster | undefined;
  try {
    server = await startNatsServer();
    raw = await startRawBaseline(server.url, { subject: RAW_SUBJECT, payload: patternPayload(params.payloadBytes), execArgv });
    machines = await startMachineCluster(server.url, { machines: params.machines, agents: params.agents, execArgv });
    const { cluster } = machines;
    const g = new Gluster(cluster);
    await g.importFunctionFile(NOOP_FILE);
    const requester = raw.requester;
    const call: Record<Side, (i: number) => Promise<unknown>> = {
      raw: () => requester.request(),
      dmap: async (i) => {
        const [out] = await cluster.dmap(identity, [i]);
        if (out !== i) throw new Error(`dmap of x => x on ${i} returned ${String(out)}`);
      },
      runDist: async (i) => {
        const out = await g.result(g.runDist('noop.identity', i));
        if (out !== i) throw new Error(`runDist of noop.identity on ${i} returned ${String(out)}`);
      },
    };
    const latencies = async (side: Side, count: number) =>
      withTimeout(sequentialLatencies(call[side], count), params.timeoutMs, `${side} round trips`);

    for (const side of SIDES) await latencies(side, Math.max(params.warmup, 1));

    const rounds: RoundResult[] = [];
    for (let r = 0; r < params.rounds; r++) {
      const order: Side[] = r % 2 === 0 ? [...SIDES] : [...SIDES].reverse();
      const result: Partial<Record<Side, Summary>> = {};
      for (const side of order) {
        await latencies(side, params.warmup);
        result[side] = summarize(await latencies(side, params.calls));
        await sleep(20);
      }
      rounds.push({ round: r + 1, order, raw: result.raw!, dmap: result.dmap!, runDist: result.runDist! });
      console.log(
        `round ${r + 1}/${params.rounds}: ` + SIDES.map((s) => `${s} p50 ${formatFixed(result[s]!.p50)} µs p99 ${formatFixed(result[s]!.p99)} µs`).join(' | '),
      );
    }

    const med = (side: Side, pick: (s: Summary) => number) => median(rounds.map((r) => pick(r[side])));
    const percentiles = (side: Side) => ({ p50: med(side, (s) => s.p50), p90: med(side, (s) => s.p90), p99: med(side, (s) => s.p99) });
    const medians = { raw: percentiles('raw'), dmap: percentiles('dmap'), runDist: percentiles('runDist') };
    const pairedOf = (side: Side) => ({
      p50: median(rounds.map((r) => r[side].p50 / r.raw.p50)),
      p99: median(rounds.map((r) => r[side].p99 / r.raw.p99)),
    });
    const paired = pairedOf('dmap');
    const pairedRun = pairedOf('runDist');
    const p50Ratio = ratio(medians.runDist.p50, medians.raw.p50);

    console.log('');
    printTable(
      [`median of ${params.rounds} rounds`, 'p50 µs', 'p90 µs', 'p99 µs'],
      [
        ['raw nats.js request/reply', formatFixed(medians.raw.p50), formatFixed(medians.raw.p90), formatFixed(medians.raw.p99)],
        [`dmap, one packet (${params.machines} x ${params.agents})`, formatFixed(medians.dmap.p50), formatFixed(medians.dmap.p90), formatFixed(medians.dmap.p99)],
        [`runDist (${params.machines} x ${params.agents})`, formatFixed(medians.runDist.p50), formatFixed(medians.runDist.p90), formatFixed(medians.runDist.p99)],
        ['dmap / raw', formatRatio(ratio(medians.dmap.p50, medians.raw.p50)), formatRatio(ratio(medians.dmap.p90, medians.raw.p90)), formatRatio(ratio(medians.dmap.p99, medians.raw.p99))],
        ['dmap / raw, paired', formatRatio(paired.p50), '', formatRatio(paired.p99)],
        ['runDist / raw', formatRatio(p50Ratio), formatRatio(ratio(medians.runDist.p90, medians.raw.p90)), formatRatio(ratio(medians.runDist.p99, medians.raw.p99))],
        ['runDist / raw, paired', formatRatio(pairedRun.p50), '', formatRatio(pairedRun.p99)],
      ],
    );

    const headline = {
      name: 'sequential runDist p50 round trip vs raw NATS',
      value: round(medians.runDist.p50),
      unit: 'µs',
      baseline: round(medians.raw.p50),
      ratio: round(p50Ratio!, 3),
      target: TARGET,
    };
    const path = await writeResults(SUITE, {
      params: { ...params, task: 'x => x', rawSubject: RAW_SUBJECT, natsServer: server.url },
      rounds: rounds.map((r) => ({
        round: r.round,
        order: r.order,
        rawMicros: summaryJson(r.raw),
        dmapMicros: summaryJson(r.dmap),
        runDistMicros: summaryJson(r.runDist),
      })),
      medians: {
        rawMicros: { p50: round(medians.raw.p50), p90: round(medians.raw.p90), p99: round(medians.raw.p99) },
        dmapMicros: { p50: round(medians.dmap.p50), p90: round(medians.dmap.p90), p99: round(medians.dmap.p99) },
        runDistMicros: { p50: round(medians.runDist.p50), p90: round(medians.runDist.p90), p99: round(medians.runDist.p99) },
        /** Median over rounds of dmap / raw within the same round. */
        pairedRatios: { p50: round(paired.p50, 3), p99: round(paired.p99, 3) },
        /** Median over rounds of runDist / raw within the same round. */
        pairedRunDistRatios: { p50: round(pairedRun.p50, 3), p99: round(pairedRun.p99, 3) },
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
  description: 'W2 round trip: 2,000 sequential runDist (and one-packet dmap) calls of a no-op vs raw nats.js, p50/p99',
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
    '--rounds N          rounds; the order of raw, dmap and runDist alternates (default 5)',
    '--machines N        machine processes (default 1)',
    '--agents N          agents per machine (default 1)',
    '--payload N         raw request payload in bytes (default 16)',
    '--timeout MS        limit for each measurement (default 60000)',
    '--child-cpu-prof D  run the machine(s) and the raw responder with --cpu-prof, writing to folder D',
  ],
  run,
};
