import { map, pmap, type Cluster } from '@armada/scheduler';

/** n! with BigInt: DLisp's benchmark function. Self-contained, so it can be shipped. */
export const fac = (n: bigint): bigint => {
  let r = 1n;
  for (let i = 2n; i <= n; i++) r *= i;
  return r;
};

/** Wall times of one comparison, in milliseconds. */
export interface FactorialTimes {
  readonly map: number;
  readonly pmap: number;
  readonly dmap: number;
}

/**
 * Computes fac(0..upTo-1) three ways — in this thread, on local worker threads, on the cluster —
 * checks that all three agree, and returns how long each took.
 */
export async function compareFactorials(cluster: Cluster, upTo: number, onProgress?: (done: number, total: number) => void): Promise<FactorialTimes> {
  const xs = Array.from({ length: upTo }, (_, i) => BigInt(i));
  const time = async <T>(run: () => Promise<T>): Promise<[T, number]> => {
    const started = performance.now();
    const value = await run();
    return [value, performance.now() - started];
  };
  const [expected, mapMs] = await time(() => map(fac, xs));
  // pmap starts its threads for the call, so its time includes their start-up.
  const [local, pmapMs] = await time(() => pmap(fac, xs, { threads: 2 }));
  // Packets are grouped and sized to the measured task time, so tiny factorials are not one message each.
  const [remote, dmapMs] = await time(() => cluster.dmap(fac, xs, { progress: (done) => onProgress?.(done, upTo) }));
  for (let i = 0; i < upTo; i++) {
    if (local[i] !== expected[i] || remote[i] !== expected[i]) throw new Error(`results differ at ${i}`);
  }
  return { map: mapMs, pmap: pmapMs, dmap: dmapMs };
}
