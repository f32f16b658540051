import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { RecordingLogger } from '@armada/actors/testkit';
import fc from 'fast-check';
import { ActorSystem, nodeId, type NodeId, type Transport, type TransportHandlers } from '@armada/actors';
import { NatsTransport, startNatsServer, type NatsServerHandle } from '@armada/transport-nats';
import { Cluster } from '../../src/index.js';
import { progressLog, range } from '../testing/scenarios.js';
import { forkMachines, stopMachines, type MachineProcess } from './machines.js';

const N = 4000;
/** The workload: 4,000 tasks of about 3 ms each, over 3 machines × 2 agents. */
const task = async (x: number) => {
  await new Promise((resolve) => setTimeout(resolve, 3));
  return x * 2;
};

interface Fleet {
  server: NatsServerHandle;
  machines: MachineProcess[];
  cluster: Cluster;
  logger: RecordingLogger;
}

/** What a fault run measured, for the record (printed with ARMADA_FAULT_REPORT=1). */
function report(name: string, fields: Record<string, unknown>): void {
  if (process.env.ARMADA_FAULT_REPORT === '1') console.log(`      [${name}] ${JSON.stringify(fields)}`);
}

const lines = (text: string) => text.split('\n').filter((l) => l.trim().length > 0);

/** Keeps the bytes of every send instead of sending them: real protocol messages to mutate. */
class CapturingTransport implements Transport {
  readonly captured: Uint8Array[] = [];
  readonly maxMessageBytes = 1 << 20;
  async start(_node: NodeId, _handlers: TransportHandlers): Promise<void> {}
  send(_to: NodeId, data: Uint8Array): void {
    this.captured.push(data);
  }
  reply(_to: NodeId, _correlationId: string, data: Uint8Array): void {
    this.captured.push(data);
  }
  broadcast(data: Uint8Array): void {
    this.captured.push(data);
  }
  async close(): Promise<void> {}
}

/**
 * Real envelopes of every protocol message that a stranger could send without joining: jobs,
 * masters and machines that do not exist. The destination node is not in the bytes, so any ids do.
 */
async function realMessages(master: string, machines: readonly string[]): Promise<Uint8Array[]> {
  const capture = new CapturingTransport();
  const system = await ActorSystem.create({ transport: capture, nodeId: 'storm-source' });
  const fakeMaster = system.ref('nobody', '/user/armada-master');
  const agent = system.ref('nobody', '/user/armada-machine/agent-0');
  const job = 'nobody-1';
  const header = { id: job, master: fakeMaster, fn: 'f'.repeat(64), maxRetries: 3, retryErrors: false, stealable: true };
  const stats = { cores: 2, totalMemory: 1e9, freeMemory: 5e8, load: 0 };
  const m = system.ref(master, '/user/armada-master');
  m.tell({ type: 'results', job, machine: 'nobody', agent, seq: 1, indices: [0, 1, 2], values: [0, 2, 4], ms: 3 });
  m.tell({ type: 'heartbeat', id: 'nobody', stats, queued: [1, 2], seq: 9, peersVersion: 1, held: [{ job, ranges: [0, 3] }] });
  m.tell({ type: 'moved', job, indices: [1], from: 'nobody', to: 'nobody-else', thief: agent, victim: agent });
  m.tell({ type: 'need-def', job, agent });
  for (const id of machines) {
    const machine = system.ref(id, '/user/armada-machine');
    machine.tell({ type: 'peers', master: 'nobody', agents: [{ agent, machine: 'nobody' }], version: 3 });
    machine.tell({ type: 'cancel', job });
    machine.tell({ type: 'machine-down', master: 'nobody', machine: 'nobody' });
    const a = system.ref(id, '/user/armada-machine/agent-0');
    a.tell({ type: 'assign', defs: [], batches: [{ job: header, indices: [7, 8], args: [7, 8] }] });
    a.tell({ type: 'steal', id: 1, thief: agent, machine: 'nobody', masters: [] });
    a.tell({ type: 'release', job, indices: [7] });
    a.tell({ type: 'results-ack', job, seq: 1, known: false });
    a.tell({ type: 'results-acks', seqs: [1, 2] });
  }
  await system.terminate();
  return capture.captured;
}

/** Random bytes, and real messages cut short or with a few bits flipped. */
function garbage(real: readonly Uint8Array[], count: number): Uint8Array[] {
  const pick = fc.nat(real.length - 1).map((i) => real[i]!);
  const truncated = fc.tuple(pick, fc.nat()).map(([m, k]) => m.slice(0, k % m.length));
  const flipped = fc.tuple(pick, fc.array(fc.nat(), { minLength: 1, maxLength: 8 })).map(([m, bits]) => {
    const copy = Uint8Array.from(m);
    for (const b of bits) copy[(b >>> 3) % copy.length]! ^= 1 << (b & 7);
    return copy;
  });
  return fc.sample(fc.oneof(fc.uint8Array({ maxLength: 512 }), truncated, flipped), { numRuns: count, seed: 10 });
}

describe('dmap across NATS faults (real nats-server, 3 machine processes)', function () {
  this.timeout(120_000);
  let fleet: Fleet | undefined;
  let configDir: string | undefined;

  async function start(serverArgs: string[] = []): Promise<Fleet> {
    const server = await startNatsServer({ args: serverArgs });
    const machines = await forkMachines(server.url, 3, { agents: 2, logLevel: 'info' });
    const logger = new RecordingLogger();
    const cluster = await Cluster.start({ nats: server.url, logger });
    await cluster.waitForMachines(3);
    fleet = { server, machines, cluster, logger };
    return fleet;
  }

  afterEach(async () => {
    if (fleet !== undefined) {
      await fleet.cluster.close();
      await stopMachines(fleet.machines);
      fleet.server.signal('SIGCONT');
      await fleet.server.stop();
      fleet = undefined;
    }
    if (configDir !== undefined) await rm(configDir, { recursive: true, force: true });
    configDir = undefined;
  });

  /**
   * Starts the dmap, runs `fault` once a fifth of the results are in, and checks every result
   * arrived once, in order. Returns the milliseconds from the end of the fault to completion.
   */
  async function runThrough(f: Fleet, fault: () => Promise<void>): Promise<{ healToDoneMs: number; totalMs: number }> {
    const log = progressLog(N);
    let triggered!: () => void;
    const fifth = new Promise<void>((resolve) => (triggered = resolve));
    const started = Date.now();
    const run = f.cluster.dmap(task, range(N), {
      timeoutMs: 60_000,
      progress: (done) => {
        log.progress(done);
        if (done >= N / 5) triggered();
      },
    });
    await Promise.race([fifth, run]);
    await fault();
    const healed = Date.now();
    const out = await run;
    const done = Date.now();
    expect(out).to.deep.equal(range(N).map((x) => x * 2));
    log.check();
    return { healToDoneMs: done - healed, totalMs: done - started };
  }

  function logFigures(f: Fleet) {
    const machineLines = f.machines.map((m) => lines(m.stderr()));
    return {
      masterWarnings: f.logger.at('warn').length,
      masterReconnectLines: f.logger.count('info', 'reconnected to NATS'),
      machineLines: machineLines.map((l) => l.length),
      machineReconnectLines: machineLines.map((l) => l.filter((x) => x.includes('reconnected to NATS')).length),
    };
  }

  it('completes with every result once when nats-server is killed and restarted on the same port 1.5 s later', async () => {
    const f = await start();
    const t = await runThrough(f, () => f.server.restart(1500));
    const logs = logFigures(f);
    report('restart', { ...t, ...logs });
    expect(logs.masterReconnectLines).to.equal(1);
    for (const n of logs.machineReconnectLines) expect(n).to.equal(1);
    expect(t.healToDoneMs).to.be.below(20_000);
  });

  it('completes with every result once when nats-server is paused for 3 s (SIGSTOP, SIGCONT)', async () => {
    const f = await start();
    const t = await runThrough(f, async () => {
      expect(f.server.signal('SIGSTOP')).to.equal(true);
      await new Promise((resolve) => setTimeout(resolve, 3000)); // the length of the pause is the fault itself
      expect(f.server.signal('SIGCONT')).to.equal(true);
    });
    const logs = logFigures(f);
    report('pause', { ...t, ...logs });
    expect(t.healToDoneMs).to.be.below(20_000);
  });

  it('completes with every result once through a storm of 10,000 garbage payloads on every subject, in few log lines', async () => {
    // Made before the fleet starts: generating them blocks this process (the master's) for seconds.
    const payloads = garbage(await realMessages('master', ['machine-a', 'machine-b']), 10_000);
    const f = await start();
    const storm = new NatsTransport({ servers: f.server.url, logger: new RecordingLogger() });
    await storm.start(nodeId('storm'), { onMessage: () => undefined, onReply: () => undefined, onUndeliverable: () => undefined });
    const nodes = [f.cluster.system.node as string, ...f.machines.map((m) => m.id)];
    const t = await runThrough(f, async () => {
      payloads.forEach((bytes, i) => {
        const lane = i % (nodes.length + 2);
        if (lane < nodes.length) storm.send(nodeId(nodes[lane]!), bytes);
        else if (lane === nodes.length) storm.broadcast(bytes);
        else storm.reply(nodeId(nodes[i % nodes.length]!), `c${i}`, bytes);
      });
    });
    await storm.close();
    const logs = logFigures(f);
    const masterLines = f.logger.records.filter((r) => r.level !== 'debug').length;
    report('storm', { ...t, ...logs, masterLines });
    for (const m of f.machines) expect(m.child.exitCode).to.equal(null);
    expect(masterLines).to.be.below(100);
    for (const n of logs.machineLines) expect(n).to.be.below(100);
  });

  it('completes with every result once when a machine becomes a slow consumer the server cuts off', async () => {
    configDir = await mkdtemp(join(tmpdir(), 'armada-slow-'));
    const config = join(configDir, 'nats-server.conf');
    // Tiny pending limits: a client that stops reading is cut off after 64 KiB instead of 64 MiB.
    await writeFile(config, 'max_payload: 32768\nmax_pending: 65536\nwrite_deadline: "500ms"\n');
    const f = await start(['-c', config]);
    const slow = f.machines[0]!;
    const flooder = new NatsTransport({ servers: f.server.url, logger: new RecordingLogger() });
    await flooder.start(nodeId('flooder'), { onMessage: () => undefined, onReply: () => undefined, onUndeliverable: () => undefined });
    const t = await runThrough(f, async () => {
      slow.child.kill('SIGSTOP');
      // While it does not read, 16 MiB of junk pile up for it at the server, far past its pending limit.
      const junk = new Uint8Array(16 * 1024).fill(0xff);
      for (let i = 0; i < 1024; i++) flooder.send(nodeId(slow.id), junk);
      await new Promise((resolve) => setTimeout(resolve, 2500));
      slow.child.kill('SIGCONT');
    });
    await flooder.close();
    const logs = logFigures(f);
    const slowLines = lines(slow.stderr());
    report('slow-consumer', { ...t, ...logs, slowMachineDisconnects: slowLines.filter((l) => l.includes('disconnected from NATS')).length });
    // The server did cut it off (else this tested nothing), and it came back.
    expect(slowLines.filter((l) => l.includes('disconnected from NATS'))).to.have.length.at.least(1);
    expect(slowLines.filter((l) => l.includes('reconnected to NATS'))).to.have.length.at.least(1);
    expect(t.healToDoneMs).to.be.below(20_000);
  });
});
