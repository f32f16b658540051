/**
 * Suite `idle` (WORKLOADS.md "idle"): what an idle fleet says on NATS. `--machines` machine
 * processes x `--agents` agents and one master (a `Cluster` handle in this process) run one small
 * job, wait `--settle-ms`, then a wildcard subscriber on a separate connection counts every
 * message under the cluster's subject prefix for `--seconds`.
 *
 * Messages are broken down by destination (a machine, the master, replies, the announce subject)
 * and by what they carry (`<actor path> <message type>`, decoded from the envelope), so the
 * figure says who keeps talking. The baseline is the heartbeat floor: one heartbeat per machine
 * per `heartbeatMs`, what a quiet fleet would still send.
 */
import { CborSerializer, type RefResolver } from '@armada/actors';
import { MACHINE_DEFAULTS } from '@armada/scheduler';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { startNatsServer, type NatsServerHandle } from '@armada/transport-nats';
import {
  formatFixed,
  formatNumber,
  intFlag,
  printTable,
  round,
  sleep,
  startMachineCluster,
  withTimeout,
  writeResults,
  type MachineCluster,
  type Suite,
  type SuiteValues,
} from '../lib/index.js';

const SUITE = 'idle';
const TARGET = '<= 2 messages/s per machine (heartbeats only)';
/** The default subject prefix and cluster of `NatsTransport`, which the suite's nodes use. */
const SUBJECT_BASE = 'armada.default';

interface Params {
  machines: number;
  agents: number;
  tasks: number;
  settleMs: number;
  seconds: number;
  timeoutMs: number;
}

/** Message counts over the window, by destination and by content. */
interface Tally {
  total: number;
  bytes: number;
  byDestination: Map<string, number>;
  byContent: Map<string, number>;
}

/** The warm-up job: a few timer tasks on every agent, so stealing, placement and results all ran. */
const nap = async (i: number): Promise<number> => {
  await new Promise((r) => setTimeout(r, 1 + (i % 8)));
  return i;
};

function readParams(values: SuiteValues): Params {
  return {
    machines: intFlag(values, 'machines'),
    agents: intFlag(values, 'agents'),
    tasks: intFlag(values, 'tasks'),
    settleMs: intFlag(values, 'settle-ms', 0),
    seconds: intFlag(values, 'seconds'),
    timeoutMs: intFlag(values, 'timeout'),
  };
}

const bump = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);

/** `<path> <type>` of an envelope, `reply` for a reply, or `undecodable`. */
function contentOf(serializer: CborSerializer, kind: string, data: Uint8Array): string {
  if (kind === 'reply') return 'reply';
  try {
    // Refs inside are left as plain addresses: only the shape matters here.
    const envelope = serializer.decode(data, ((address: unknown) => address) as unknown as RefResolver) as unknown[];
    const message = envelope[2] as { type?: unknown } | undefined;
    const type = message !== null && typeof message === 'object' && typeof message.type === 'string' ? message.type : typeof message;
    return `${String(envelope[1])} ${type}`;
  } catch {
    return 'undecodable';
  }
}

/** Subscribes to everything under the prefix and counts until `stop()`. */
function startCounting(nc: NatsConnection, names: ReadonlyMap<string, string>): { tally: Tally; stop(): void } {
  const tally: Tally = { total: 0, bytes: 0, byDestination: new Map(), byContent: new Map() };
  const serializer = new CborSerializer();
  const sub = nc.subscribe(`${SUBJECT_BASE}.>`, {
    callback: (error, msg) => {
      if (error !== null) return;
      tally.total++;
      tally.bytes += msg.data.byteLength;
      // <prefix>.<cluster>.<kind>[.<node>[.<correlation>]]
      const [, , kind = '?', node] = msg.subject.split('.');
      const destination = node === undefined ? kind : `${kind} ${names.get(node) ?? node}`;
      bump(tally.byDestination, destination);
      bump(tally.byContent, contentOf(serializer, kind, msg.data));
    },
  });
  return { tally, stop: () => sub.unsubscribe() };
}

async function run(values: SuiteValues): Promise<void> {
  const params = readParams(values);
  const heartbeatMs = MACHINE_DEFAULTS.heartbeatMs;
  console.log(
    `suite ${SUITE}: ${params.machines} machine processes x ${params.agents} agents + 1 master; one job of ${formatNumber(params.tasks)} timer tasks, ` +
      `then ${params.settleMs} ms to settle and ${params.seconds} s of counting every message under ${SUBJECT_BASE}.>`,
  );

  let server: NatsServerHandle | undefined;
  let machines: MachineCluster | undefined;
  let observer: NatsConnection | undefined;
  try {
    server = await startNatsServer();
    machines = await startMachineCluster(server.url, { machines: params.machines, agents: params.agents });
    const { cluster } = machines;
    const inputs = Array.from({ length: params.tasks }, (_, i) => i);
    const out = await withTimeout(cluster.dmap(nap, inputs), params.timeoutMs, 'the job');
    if (out.length !== params.tasks || out.some((v, i) => v !== i)) throw new Error('the job returned wrong results');

    const names = new Map<string, string>(machines.machines.map((m) => [m.info.id, m.info.name]));
    names.set(cluster.system.node, 'master');
    observer = await connect({ servers: server.url, name: 'bench-idle-observer' });
    await sleep(params.settleMs);
    const counting = startCounting(observer, names);
    await observer.flush();
    const start = performance.now();
    await sleep(params.seconds * 1000);
    counting.stop();
    const elapsedS = (performance.now() - start) / 1000;
    const { tally } = counting;

    const perSecond = tally.total / elapsedS;
    const perMachine = perSecond / params.machines;
    const floorPerMachine = 1000 / heartbeatMs;
    const share = (n: number) => `${((100 * n) / Math.max(1, tally.total)).toFixed(1)} %`;
    const sortedEntries = (map: Map<string, number>) => [...map.entries()].sort((a, b) => b[1] - a[1]);

    console.log('');
    printTable(
      ['destination', 'messages', 'per second', 'share'],
      sortedEntries(tally.byDestination).map(([k, n]) => [k, n, formatFixed(n / elapsedS, 1), share(n)]),
    );
    console.log('');
    printTable(
      ['content (path, message type)', 'messages', 'per second', 'share'],
      sortedEntries(tally.byContent).map(([k, n]) => [k, n, formatFixed(n / elapsedS, 1), share(n)]),
    );
    console.log('');
    printTable(
      ['idle fleet', 'messages/s', 'per machine', 'per agent', 'heartbeat floor per machine'],
      [[`${params.machines} x ${params.agents}`, formatFixed(perSecond, 1), formatFixed(perMachine, 2), formatFixed(perSecond / (params.machines * params.agents), 2), formatFixed(floorPerMachine, 2)]],
    );

    const headline = {
      name: 'idle NATS messages/s per machine after one job; baseline: the heartbeat floor (one per machine per heartbeat)',
      value: round(perMachine, 2),
      unit: 'messages/s per machine',
      baseline: round(floorPerMachine, 2),
      ratio: round(perMachine / floorPerMachine, 2),
      target: TARGET,
    };
    const path = await writeResults(SUITE, {
      params: { ...params, heartbeatMs, subjects: `${SUBJECT_BASE}.>`, natsServer: server.url },
      window: { seconds: round(elapsedS, 3), messages: tally.total, bytes: tally.bytes, messagesPerSecond: round(perSecond, 1) },
      byDestination: Object.fromEntries(sortedEntries(tally.byDestination).map(([k, n]) => [k, { messages: n, perSecond: round(n / elapsedS, 2) }])),
      byContent: Object.fromEntries(sortedEntries(tally.byContent).map(([k, n]) => [k, { messages: n, perSecond: round(n / elapsedS, 2) }])),
      headline,
    });
    console.log(`\nidle messages/s per machine: ${perMachine.toFixed(2)} (target ${TARGET}; heartbeat floor ${floorPerMachine})`);
    console.log(`results: ${path}`);
  } finally {
    if (observer !== undefined && !observer.isClosed()) await observer.close().catch(() => undefined);
    await machines?.close();
    await server?.stop();
  }
}

export const idleSuite: Suite = {
  name: SUITE,
  description: 'an idle fleet after one job: NATS messages/s per machine, by destination and content',
  options: {
    machines: { type: 'string', default: '4' },
    agents: { type: 'string', default: '8' },
    tasks: { type: 'string', default: '320' },
    'settle-ms': { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '10' },
    timeout: { type: 'string', default: '60000' },
  },
  usage: [
    '--machines N        machine processes (default 4)',
    '--agents N          agents per machine (default 8)',
    '--tasks N           timer tasks of the one job before counting (default 320)',
    '--settle-ms MS      wait after the job before counting (default 1000)',
    '--seconds S         counting window (default 10)',
    '--timeout MS        limit for the job (default 60000)',
  ],
  run,
};
