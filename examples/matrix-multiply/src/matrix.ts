import { fileURLToPath } from 'node:url';
import type { Gluster } from '@armada/scheduler';
import { multiplyRows } from './functions.js';

/** The function file, next to this module once built. */
export const FUNCTIONS_FILE = fileURLToPath(new URL('./functions.js', import.meta.url));

/** An n x n matrix of small pseudo-random values (deterministic for a seed). */
export function randomMatrix(n: number, seed: number): Float64Array {
  let state = seed >>> 0 || 1;
  const m = new Float64Array(n * n);
  for (let i = 0; i < m.length; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    m[i] = ((state >>> 0) % 1000) / 100;
  }
  return m;
}

/** C = A·B in this thread: the reference, and the baseline of the benchmark. */
export function multiplyLocal(a: Float64Array, b: Float64Array, n: number): Float64Array {
  return multiplyRows(a, b, n, n);
}

/**
 * Gluster's Listing 1: split the rows of A into `jobs` blocks, start one `runDist` per block with
 * B shared (it reaches each machine once), poll `jobDone`, then assemble C from `getReturn`.
 */
export async function multiplyDistributed(g: Gluster, a: Float64Array, b: Float64Array, n: number, jobs: number): Promise<Float64Array> {
  await g.importFunctionFile(FUNCTIONS_FILE);
  const shared = await g.share(b);
  const per = Math.ceil(n / jobs);
  const blocks: Array<{ id: string; first: number }> = [];
  for (let first = 0; first < n; first += per) {
    const rows = Math.min(per, n - first);
    blocks.push({ id: g.runDist('functions.multiplyRows', a.subarray(first * n, (first + rows) * n), shared, n, rows), first });
  }
  // As in Gluster: poll until every job is done (or failed; getReturn then throws its error).
  while (!blocks.every((block) => g.jobDone(block.id))) await new Promise((resolve) => setTimeout(resolve, 2));
  const c = new Float64Array(n * n);
  for (const { id, first } of blocks) c.set(g.getReturn(id) as Float64Array, first * n);
  return c;
}

/** Largest absolute difference between two matrices. */
export function maxDifference(x: Float64Array, y: Float64Array): number {
  let max = 0;
  for (let i = 0; i < x.length; i++) max = Math.max(max, Math.abs(x[i]! - y[i]!));
  return max;
}
