// Tests reach into the package through its public entry, plus the few internals they exercise.
export * from '../src/index.js';
export type { RefOwner } from '../src/actor-ref.js';
export { wideBigInt } from '../src/internal.js';
