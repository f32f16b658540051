/**
 * Suite `transport`: actor ask over NATS against raw nats.js request/reply, both against one
 * loopback nats-server and a peer in another OS process, in the same invocation.
 *
 * - raw: the peer subscribes to a subject and answers with `msg.respond(msg.data)`; this process
 *   publishes with `reply: <inbox>.<id>` and receives every answer on ONE `<inbox>.*`
 *   subscription, matching by id (what a transport would do; `nc.request()` would open a
 *   subscription per call).
 * - actor: the peer hosts an ActorSystem with an echo actor; this process asks it.
 *
 * Each round measures throughput (a closed loop with `--inflight` requests outstanding) and round
 * trip (one outstanding request, each timed) on both sides, alternating which side goes first.
 * Reported figures are medians over the rounds.
 */
import { mkdir } from 'node:fs/promises';
import { resolve as resolvePath } from 'node:path';
import { ActorSystem, type ActorRef } from '@armada/actors';
import { NatsTransport, startNatsServer, type NatsServerHandle } from '@armada/transport-nats';
import {
  checkEcho,
  choiceFlag,
  closedLoop,
  formatFixed,
  formatNumber,
  intFlag,
  median,
  patternPayload,
  printTable,
  ratio,
  round,
  sequentialLatencies,
  sleep,
  startChild,
  startRawBaseline,
  summarize,
  withTimeout,
  writeResults,
  type ChildHandle,
  type RawBaseline,
  type Summary,
  type Suite,
  type SuiteValues,
  type ThroughputResult,
} from '../lib/index.js';

const SUITE = 'transport';
const RAW_SUBJECT = 'bench.transport.echo';
const ACTOR_ECHO = new URL('../children/actor-echo.js', import.meta.url);

type Side = 'raw' | 'actor';
type Only = 'both' | Side;

interface Params {
  requests: number;
  inflight: number;
  rttRequests: number;
  rttWarmup: number;
  warmup: number;
  rounds: number;
  payloadBytes: number;
  timeoutMs: number;
  only: Only;
  childCpuProfDir: string | undefined;
}

interface SideRound {
  throughput: ThroughputResult;
  /** CPU time (user + system) per request during the throughput measurement, in µs. */
  cpu: { client: number; peer: number };
  /** Round trip in µs, one request outstanding. */
  rtt: Summary;
}

interface RoundResult {
  round: number;
  /** Which side was measured first in this round. */
  order: Side[];
  raw?: SideRound;
  actor?: SideRound;
}

interface SideMedians {
  throughput: number;
  p50: number;
  p99: number;
  clientCpu: number;
  peerCpu: number;
}

/** One way of sending the payload and waiting for the echo. */
interface Requester {
  readonly side: Side;
  /** The process answering. */
  readonly peer: ChildHandle<unknown>;
  request(): Promise<unknown>;
  /** Sends a few requests and checks the echo is byte-for-byte the payload. */
  verify(): Promise<void>;
}

/** Raw nats.js request/reply (see `lib/raw-nats.ts`). */
class RawRequester implements Requester {
  readonly side = 'raw' as const;
  readonly peer: ChildHandle<unknown>;

  constructor(private readonly baseline: RawBaseline) {
    this.peer = baseline.responder;
  }

  request(): Promise<Uint8Array> {
    return this.baseline.requester.request();
  }

  verify(): Promise<void> {
    return this.baseline.requester.verify();
  }
}

/** `ref.ask(payload)` to the echo actor in the other process. */
class ActorRequester implements Requester {
  readonly side = 'actor' as const;
  constructor(
    readonly peer: ChildHandle<unknown>,
    private readonly ref: ActorRef<Uint8Array>,
    private readonly payload: Uint8Array,
    private readonly timeoutMs: number,
  ) {}

  request(): Promise<unknown> {
    return this.ref.ask(this.payload, { timeoutMs: this.timeoutMs });
  }

  async verify(): Promise<void> {
    for (let i = 0; i < 3; i++) checkEcho('actor', await this.request(), this.payload);
  }
}

function readParams(values: SuiteValues): Params {
  const childCpuProfDir = values['child-cpu-prof'];
  return {
    requests: intFlag(values, 'requests'),
    inflight: intFlag(values, 'inflight'),
    rttRequests: intFlag(values, 'rtt-requests'),
    rttWarmup: intFlag(values, 'rtt-warmup', 0),
    warmup: intFlag(values, 'warmup', 0),
    rounds: intFlag(values, 'rounds'),
    payloadBytes: intFlag(values, 'payload'),
    timeoutMs: intFlag(values, 'timeout'),
    only: choiceFlag<Only>(values, 'only', ['both', 'raw', 'actor']),
    childCpuProfDir: typeof childCpuProfDir === 'string' ? resolvePath(childCpuProfDir) : undefined,
  };
}

async function measure(requester: Requester, params: Params): Promise<SideRound> {
  const label = `${requester.side} throughput`;
  const peerBefore = await requester.peer.cpuUsage();
  const clientBefore = process.cpuUsage();
  const throughput = await withTimeout(closedLoop(() => requester.request(), params.requests, params.inflight), params.timeoutMs, label);
  const clientCpu = process.cpuUsage(clientBefore);
  const peerAfter = await requester.peer.cpuUsage();
  const cpu = {
    client: (clientCpu.user + clientCpu.system) / params.requests,
    peer: (peerAfter.user - peerBefore.user + peerAfter.system - peerBefore.system) / params.requests,
  };
  await sleep(20);
  const rtt = await withTimeout(
    (async () => {
      await sequentialLatencies(() => requester.request(), params.rttWarmup);
      return sequentialLatencies(() => requester.request(), params.rttRequests);
    })(),
    params.timeoutMs,
    `${requester.side} round trip`,
  );
  await sleep(20);
  return { throughput, cpu, rtt: summarize(rtt) };
}

/** The median over rounds of each column, where `value` turns one round's column into a number. */
function mediansBy(rounds: RoundResult[], value: (round: RoundResult, pick: (r: SideRound) => number) => number): SideMedians {
  const of = (pick: (r: SideRound) => number) => median(rounds.map((round) => value(round, pick)));
  return {
    throughput: of((r) => r.throughput.perSecond),
    p50: of((r) => r.rtt.p50),
    p99: of((r) => r.rtt.p99),
    clientCpu: of((r) => r.cpu.client),
    peerCpu: of((r) => r.cpu.peer),
  };
}

function mediansOf(rounds: RoundResult[], side: Side): SideMedians {
  return mediansBy(rounds, (round, pick) => pick(round[side]!));
}

/** Per round actor / raw, then the median over rounds. */
function pairedRatios(rounds: RoundResult[]): SideMedians {
  return mediansBy(rounds, (round, pick) => pick(round.actor!) / pick(round.raw!));
}

function describe(side: SideRound): string {
  return `${formatNumber(Math.round(side.throughput.perSecond))} req/s, p50 ${formatFixed(side.rtt.p50)} µs, p99 ${formatFixed(side.rtt.p99)} µs, CPU/req ${formatFixed(side.cpu.client)} + ${formatFixed(side.cpu.peer)} µs`;
}

function sideMedians(m: SideMedians): Record<string, number> {
  return {
    throughputPerSecond: round(m.throughput, 0),
    p50Micros: round(m.p50),
    p99Micros: round(m.p99),
    clientCpuMicrosPerRequest: round(m.clientCpu, 2),
    peerCpuMicrosPerRequest: round(m.peerCpu, 2),
  };
}

const times = (r: number | null) => (r === null ? '-' : `${r.toFixed(2)}x`);

async function run(values: SuiteValues): Promise<void> {
  const params = readParams(values);
  const sides: Side[] = params.only === 'both' ? ['raw', 'actor'] : [params.only];
  const payload = patternPayload(params.payloadBytes);
  const childExecArgv: string[] = [];
  if (params.childCpuProfDir !== undefined) {
    await mkdir(params.childCpuProfDir, { recursive: true });
    childExecArgv.push('--cpu-prof', `--cpu-prof-dir=${params.childCpuProfDir}`);
  }

  console.log(
    `suite ${SUITE}: ${params.rounds} rounds of ${formatNumber(params.requests)} requests with ${params.inflight} in flight, ` +
      `then ${formatNumber(params.rttRequests)} sequential round trips; ${params.payloadBytes}-byte payload; sides: ${sides.join(', ')}`,
  );

  let server: NatsServerHandle | undefined;
  const children: ChildHandle<unknown>[] = [];
  let rawBaseline: RawBaseline | undefined;
  let client: ActorSystem | undefined;
  try {
    server = await startNatsServer();
    const requesters = new Map<Side, Requester>();

    if (sides.includes('raw')) {
      rawBaseline = await startRawBaseline(server.url, { subject: RAW_SUBJECT, payload, execArgv: childExecArgv });
      requesters.set('raw', new RawRequester(rawBaseline));
    }
    if (sides.includes('actor')) {
      const echo = await startChild<{ node: string; path: string }>({
        name: 'actor-echo',
        script: ACTOR_ECHO,
        args: ['--url', server.url],
        execArgv: childExecArgv,
      });
      children.push(echo);
      client = await ActorSystem.create({ name: 'bench-client', transport: new NatsTransport({ servers: server.url, name: 'bench-actor-client' }) });
      requesters.set('actor', new ActorRequester(echo, client.ref<Uint8Array>(echo.info.node, echo.info.path), payload, params.timeoutMs));
    }

    // Correctness first, then a warm-up so both sides are measured with optimised code.
    for (const requester of requesters.values()) {
      await withTimeout(requester.verify(), 10_000, `${requester.side} echo check`);
      if (params.warmup > 0) {
        await withTimeout(closedLoop(() => requester.request(), params.warmup, params.inflight), params.timeoutMs, `${requester.side} warm-up`);
        await withTimeout(sequentialLatencies(() => requester.request(), Math.min(params.warmup, 500)), params.timeoutMs, `${requester.side} warm-up`);
      }
    }

    const rounds: RoundResult[] = [];
    for (let r = 0; r < params.rounds; r++) {
      const order = r % 2 === 0 ? sides : [...sides].reverse();
      const result: RoundResult = { round: r + 1, order };
      for (const side of order) result[side] = await measure(requesters.get(side)!, params);
      rounds.push(result);
      console.log(`round ${r + 1}/${params.rounds}: ` + sides.map((side) => `${side} ${describe(result[side]!)}`).join(' | '));
    }

    const medians: Partial<Record<Side, SideMedians>> = {};
    for (const side of sides) medians[side] = mediansOf(rounds, side);

    console.log('');
    const labels: Record<Side, string> = { raw: 'raw nats.js', actor: 'actor ask' };
    const rows: (string | number)[][] = sides.map((side) => [
      labels[side],
      Math.round(medians[side]!.throughput),
      formatFixed(medians[side]!.p50),
      formatFixed(medians[side]!.p99),
      formatFixed(medians[side]!.clientCpu),
      formatFixed(medians[side]!.peerCpu),
    ]);
    const raw = medians.raw;
    const actor = medians.actor;
    const paired = raw !== undefined && actor !== undefined ? pairedRatios(rounds) : undefined;
    if (raw !== undefined && actor !== undefined && paired !== undefined) {
      rows.push(['actor / raw', times(ratio(actor.throughput, raw.throughput)), times(ratio(actor.p50, raw.p50)), times(ratio(actor.p99, raw.p99)),
        times(ratio(actor.clientCpu, raw.clientCpu)), times(ratio(actor.peerCpu, raw.peerCpu))]);
      rows.push(['actor / raw, paired', times(paired.throughput), times(paired.p50), times(paired.p99), times(paired.clientCpu), times(paired.peerCpu)]);
    }
    printTable(['median of ' + params.rounds + ' rounds', 'throughput req/s', 'p50 µs', 'p99 µs', 'client CPU µs/req', 'peer CPU µs/req'], rows);

    if (raw === undefined || actor === undefined || paired === undefined) {
      console.log(`\n--only ${params.only}: no baseline comparison, results file not written`);
      return;
    }
    const headline = {
      name: 'ask throughput vs raw NATS',
      value: round(actor.throughput, 0),
      unit: 'req/s',
      baseline: round(raw.throughput, 0),
      ratio: round(ratio(actor.throughput, raw.throughput)!, 3),
      target: '>= 0.7x raw NATS throughput',
    };
    const secondary = {
      name: 'ask p50 round trip vs raw NATS',
      value: round(actor.p50),
      unit: 'µs',
      baseline: round(raw.p50),
      ratio: round(ratio(actor.p50, raw.p50)!, 3),
      target: '<= 1.3x raw NATS p50',
    };
    const path = await writeResults(SUITE, {
      params: {
        requests: params.requests,
        inflight: params.inflight,
        rttRequests: params.rttRequests,
        rttWarmup: params.rttWarmup,
        warmup: params.warmup,
        rounds: params.rounds,
        payloadBytes: params.payloadBytes,
        rawSubject: RAW_SUBJECT,
        natsServer: server.url,
      },
      rounds: rounds.map((r) => ({
        round: r.round,
        order: r.order,
        ...Object.fromEntries(
          sides.map((side) => {
            const s = r[side]!;
            return [
              side,
              {
                throughput: { requests: s.throughput.requests, inflight: s.throughput.concurrency, elapsedMs: round(s.throughput.elapsedMs, 2), perSecond: round(s.throughput.perSecond, 0) },
                cpuMicrosPerRequest: { client: round(s.cpu.client, 2), peer: round(s.cpu.peer, 2) },
                rttMicros: Object.fromEntries(Object.entries(s.rtt).map(([k, v]) => [k, k === 'count' ? v : round(v)])),
              },
            ];
          }),
        ),
      })),
      medians: {
        raw: sideMedians(raw),
        actor: sideMedians(actor),
        /** Median over rounds of actor / raw within the same round: less sensitive to drift between rounds. */
        pairedRatios: {
          throughput: round(paired.throughput, 3),
          p50: round(paired.p50, 3),
          p99: round(paired.p99, 3),
          clientCpu: round(paired.clientCpu, 3),
          peerCpu: round(paired.peerCpu, 3),
        },
      },
      headline,
      secondary,
    });
    console.log(`\n${headline.name}: ${times(ratio(actor.throughput, raw.throughput))} (target ${headline.target})`);
    console.log(`${secondary.name}: ${times(ratio(actor.p50, raw.p50))} (target ${secondary.target})`);
    console.log(`results: ${path}`);
  } finally {
    await client?.terminate().catch((error: unknown) => console.error('closing the client actor system failed:', error));
    await rawBaseline?.close();
    await Promise.all(children.map((child) => child.stop()));
    await server?.stop();
  }
}

export const transportSuite: Suite = {
  name: SUITE,
  description: 'actor ask over NATS vs raw nats.js request/reply: throughput and round trip',
  options: {
    requests: { type: 'string', default: '50000' },
    inflight: { type: 'string', default: '256' },
    'rtt-requests': { type: 'string', default: '2000' },
    'rtt-warmup': { type: 'string', default: '200' },
    warmup: { type: 'string', default: '10000' },
    rounds: { type: 'string', default: '5' },
    payload: { type: 'string', default: '16' },
    timeout: { type: 'string', default: '120000' },
    only: { type: 'string', default: 'both' },
    'child-cpu-prof': { type: 'string' },
  },
  usage: [
    '--requests N        requests per throughput measurement (default 50000)',
    '--inflight N        requests outstanding during throughput (default 256)',
    '--rtt-requests N    sequential round trips per measurement (default 2000)',
    '--rtt-warmup N      untimed round trips before each of those (default 200)',
    '--warmup N          untimed throughput requests per side before round 1 (default 10000)',
    '--rounds N          rounds; raw and actor alternate which goes first (default 5)',
    '--payload N         payload size in bytes (default 16)',
    '--timeout MS        limit for each measurement and each ask (default 120000)',
    '--only SIDE         both | raw | actor; one side only writes no results file (default both)',
    '--child-cpu-prof D  run the peer processes with --cpu-prof, writing profiles to folder D',
  ],
  run,
};
