/**
 * Scheduler machines in their own OS processes: `armada machine` (the CLI's `bin.js`), forked with an IPC channel so it reports `{ type: 'ready', id, name }`.
 * SIGTERM stops one cleanly (it drains: finishes its queued work, leaves, exits); SIGKILL is a crash.
 */
import { startChild, type ChildHandle } from './child.js';

/**
 * The `armada` entry point, next to the CLI package's main module. It is a script, not an
 * export, so it is found from where `@armada/cli` resolves rather than imported.
 */
const MACHINE_MAIN = new URL('./bin.js', import.meta.resolve('@armada/cli'));

/** What the machine sends once it serves. */
export interface MachineReady {
  type: 'ready';
  id: string;
  name: string;
}

/** Options of {@link startMachineProcesses}; every machine gets the same. */
export interface MachineProcessOptions {
  /** Agent+Worker pairs per machine. */
  agents: number;
  /** Share of each machine's agents that are slow (`--slow-fraction`). */
  slowFraction?: number;
  /** How many times as long the slow agents take (`--slow-factor`). */
  slowFactor?: number;
  /** Heartbeat period (`--heartbeat-ms`); the machine's default when absent. */
  heartbeatMs?: number;
  /** Node flags of the machine processes (e.g. `--cpu-prof`); their worker threads inherit them. */
  execArgv?: readonly string[];
  /** Names are `<prefix><i>`. Default `m`. */
  namePrefix?: string;
}

/** The command-line arguments of one machine, after `--nats <url>`. */
function machineArgs(name: string, options: MachineProcessOptions): string[] {
  const args = ['--name', name, '--agents', String(options.agents)];
  if (options.slowFraction !== undefined) args.push('--slow-fraction', String(options.slowFraction));
  if (options.slowFactor !== undefined) args.push('--slow-factor', String(options.slowFactor));
  if (options.heartbeatMs !== undefined) args.push('--heartbeat-ms', String(options.heartbeatMs));
  return args;
}

/**
 * Forks `count` machines against the NATS server at `url` and resolves once all are ready
 * (registration with a master is the caller's business: `cluster.waitForMachines`). If one fails
 * to start, the others are stopped before the error is thrown. `stop()` on a handle sends
 * SIGTERM and waits for the exit; `handle.process.kill('SIGKILL')` crashes it.
 */
export async function startMachineProcesses(url: string, count: number, options: MachineProcessOptions): Promise<ChildHandle<MachineReady>[]> {
  const prefix = options.namePrefix ?? 'm';
  const started = await Promise.allSettled(
    Array.from({ length: count }, (_, i) =>
      startChild<MachineReady>({
        name: `machine ${prefix}${i}`,
        script: MACHINE_MAIN,
        args: ['machine', '--nats', url, ...machineArgs(`${prefix}${i}`, options)],
        execArgv: options.execArgv ?? [],
        stdout: 'ignore',
        stopSignal: 'SIGTERM',
        readyTimeoutMs: 30_000,
      }),
    ),
  );
  const machines = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed !== undefined) {
    await stopAll(machines);
    throw failed.reason;
  }
  return machines;
}

/** Stops every child and waits for them to exit. Never rejects. */
export async function stopAll(children: readonly ChildHandle<unknown>[]): Promise<void> {
  await Promise.all(children.map((child) => child.stop()));
}
