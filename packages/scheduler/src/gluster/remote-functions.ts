import type { SharedHandle } from '../functions/shared-handle.js';

/** Each parameter may also be given as a handle of a shared value of its type. */
export type Shareable<A extends readonly unknown[]> = { [I in keyof A]: A[I] | SharedHandle<A[I]> };

/**
 * The typed remote form of a module's exports: every exported function `f(...args): R` becomes
 * `f(...args): Promise<Awaited<R>>` that runs as one job on the cluster. Each is also accepted by
 * `Cluster.dmap` (one input per call). Other exports are left out.
 */
export type RemoteFunctions<M> = {
  readonly [K in keyof M as M[K] extends (...args: never[]) => unknown ? K : never]: M[K] extends (...args: infer A) => infer R
    ? (...args: Shareable<A>) => Promise<Awaited<R>>
    : never;
};
