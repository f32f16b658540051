import os from 'node:os';
import { Cluster } from './cluster.js';
import type { DmapOptions } from './dmap-options.js';

/** Options of {@link pmap}. */
export interface PmapOptions extends DmapOptions {
  /** Worker threads; default `os.availableParallelism()`. */
  threads?: number;
}

/**
 * Runs `fn` on every input on local worker threads and resolves with the results in input order.
 * Starts an embedded one-machine cluster for the call and stops it after, so thread start-up is
 * part of the cost; to run many calls, keep a `Cluster.start()` and call its `dmap`. Same rules
 * for `fn` and the same errors as `Cluster.dmap`.
 */
export async function pmap<T, R>(fn: (input: T) => R | Promise<R>, inputs: Iterable<T>, options: PmapOptions = {}): Promise<Awaited<R>[]> {
  const { threads, ...dmapOptions } = options;
  const cluster = await Cluster.start({ machines: 1, agentsPerMachine: threads ?? os.availableParallelism() });
  try {
    return await cluster.dmap(fn, inputs, dmapOptions);
  } finally {
    await cluster.close();
  }
}
