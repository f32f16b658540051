/**
 * A scheduler cluster for a suite: machine processes on a NATS server and a master (a `Cluster`
 * handle) in the bench process, ready to `dmap` once every machine has registered.
 */
import type { Logger } from '@armada/actors';
import { Cluster, type MasterSettings } from '@armada/scheduler';
import type { ChildHandle } from './child.js';
import { startMachineProcesses, stopAll, type MachineProcessOptions, type MachineReady } from './machine-processes.js';

/** Options of {@link startMachineCluster}. */
export interface MachineClusterOptions extends MachineProcessOptions {
  /** Machine processes. */
  machines: number;
  /** Master tunables (failure detection, group sizes). */
  master?: Partial<MasterSettings>;
  /** The master's logger; default the actors' console logger. */
  logger?: Logger;
}

/** The running cluster. */
export interface MachineCluster {
  readonly cluster: Cluster;
  readonly machines: readonly ChildHandle<MachineReady>[];
  /** Closes the master, then stops every machine still running (SIGTERM). Never rejects. */
  close(): Promise<void>;
}

/**
 * Forks the machines, starts the master and resolves once every machine has registered with it.
 * On failure whatever was started is stopped before the error is thrown.
 */
export async function startMachineCluster(url: string, options: MachineClusterOptions): Promise<MachineCluster> {
  const machines = await startMachineProcesses(url, options.machines, options);
  let cluster: Cluster | undefined;
  // The master goes first, so machines do not log its connection dropping.
  const close = async () => {
    await cluster?.close().catch((error: unknown) => console.error('closing the cluster failed:', error));
    await stopAll(machines);
  };
  try {
    cluster = await Cluster.start({
      nats: url,
      ...(options.master !== undefined ? { master: options.master } : {}),
      ...(options.logger !== undefined ? { logger: options.logger } : {}),
    });
    await cluster.waitForMachines(options.machines, 30_000);
    return { cluster, machines, close };
  } catch (error) {
    await close();
    throw error;
  }
}
