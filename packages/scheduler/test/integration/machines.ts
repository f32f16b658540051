import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startNatsServer, type NatsServerHandle } from '@armada/transport-nats';
import { Cluster } from '../../src/index.js';

/** The test-only machine process, built next to this file's compiled copy. */
export const MACHINE_MAIN = fileURLToPath(new URL('./machine-process.js', import.meta.url));

const DEFAULTS = {
  agents: 2,
  readyTimeoutMs: 20_000,
  /** After SIGTERM, how long a machine may take to close before it is SIGKILLed. */
  stopGraceMs: 2_000,
  /** Characters of a child's stderr kept for error messages. */
  maxOutput: 16 * 1024,
} as const;

/** Options of {@link forkMachines}. */
export interface ForkOptions {
  /** Agents per machine (`--agents`). Default 2. */
  agents?: number;
  /** `--heartbeat-ms`; default the machine's own. */
  heartbeatMs?: number;
  /** Reject if a machine has not sent its ready message within this long. Default 20 s. */
  readyTimeoutMs?: number;
  /** `ARMADA_LOG_LEVEL` of the machines. Default `error`. */
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
}

/** One forked machine process, ready: it has connected and spawned its agents. */
export interface MachineProcess {
  /** The machine id (its node id), as the master's view shows it. */
  readonly id: string;
  readonly name: string;
  readonly child: ChildProcess;
  /** Resolves once the process has exited, with its exit code or the signal that ended it. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** What the process wrote to stderr so far (bounded). */
  stderr(): string;
}

let counter = 0;

/**
 * Forks `count` machine processes against `nats` and resolves once every one has sent its
 * `{ type: 'ready' }` IPC message. If any fails to get ready in time or exits first, all of them
 * are stopped and the promise rejects with the failing child's stderr.
 */
export async function forkMachines(nats: string, count: number, options: ForkOptions = {}): Promise<MachineProcess[]> {
  const starting = Array.from({ length: count }, () => forkOne(nats, options));
  const settled = await Promise.allSettled(starting.map((s) => s.ready));
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed !== undefined) {
    await Promise.all(starting.map((s) => stop(s.child, s.exited)));
    throw failed.reason;
  }
  return settled.map((s) => (s as PromiseFulfilledResult<MachineProcess>).value);
}

/** Stops every machine (SIGTERM, SIGKILL after a grace period) and resolves once all have exited. */
export async function stopMachines(machines: readonly MachineProcess[]): Promise<void> {
  await Promise.all(machines.map((m) => stop(m.child, m.exited)));
}

function forkOne(nats: string, options: ForkOptions): { child: ChildProcess; exited: MachineProcess['exited']; ready: Promise<MachineProcess> } {
  const name = `it-${process.pid}-${++counter}`;
  const args = [nats, name, String(options.agents ?? DEFAULTS.agents)];
  if (options.heartbeatMs !== undefined) args.push(String(options.heartbeatMs));
  const child = fork(MACHINE_MAIN, args, {
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    // Machines warn about dead peers and masters that left; the tests assert on outcomes instead.
    env: { ...process.env, ARMADA_LOG_LEVEL: options.logLevel ?? 'error' },
  });
  let output = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    if (output.length < DEFAULTS.maxOutput) output += chunk.toString('utf8');
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  const readyTimeoutMs = options.readyTimeoutMs ?? DEFAULTS.readyTimeoutMs;
  const ready = new Promise<MachineProcess>((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`machine ${name} was not ready within ${readyTimeoutMs} ms; stderr:\n${output}`)), readyTimeoutMs);
    const onMessage = (m: unknown) => {
      const msg = m as { type?: unknown; id?: unknown; name?: unknown };
      if (msg?.type === 'ready' && typeof msg.id === 'string' && typeof msg.name === 'string') {
        done(undefined, { id: msg.id, name: msg.name, child, exited, stderr: () => output });
      }
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null) =>
      done(new Error(`machine ${name} exited before it was ready (code ${code}, signal ${signal}); stderr:\n${output}`));
    const onError = (error: Error) => done(error);
    function done(error?: Error, machine?: MachineProcess) {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      child.off('error', onError);
      if (error !== undefined) reject(error);
      else resolve(machine!);
    }
    child.on('message', onMessage);
    child.once('exit', onExit);
    child.once('error', onError);
  });
  return { child, exited, ready };
}

async function stop(child: ChildProcess, exited: MachineProcess['exited']): Promise<void> {
  // No pid: the fork itself failed, so there is no process to stop and no exit to wait for.
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const killer = setTimeout(() => child.kill('SIGKILL'), DEFAULTS.stopGraceMs);
  child.kill('SIGTERM');
  await exited;
  clearTimeout(killer);
}

/** What {@link useMachineCluster} gives each test: the machines and a fresh master connected to them. */
export interface MachineClusterFixture {
  readonly machines: readonly MachineProcess[];
  readonly cluster: Cluster;
}

/**
 * Mocha hooks for a suite on `count` machine processes against one private nats-server: server and
 * machines for the whole suite, a new `Cluster` (master) per test that waits for all machines.
 */
export function useMachineCluster(count: number, options: ForkOptions = {}): MachineClusterFixture {
  let server: NatsServerHandle | undefined;
  let machines: MachineProcess[] = [];
  let cluster: Cluster | undefined;
  before(async () => {
    server = await startNatsServer();
    machines = await forkMachines(server.url, count, options);
  });
  after(async () => {
    await stopMachines(machines);
    await server?.stop();
  });
  beforeEach(async () => {
    cluster = await Cluster.start({ nats: server!.url });
    await cluster.waitForMachines(count);
  });
  afterEach(async () => {
    await cluster?.close();
    cluster = undefined;
  });
  return {
    get machines() {
      return machines;
    },
    get cluster() {
      return cluster!;
    },
  };
}
