export type { StealPeer, StealPolicy } from './steal-policy.js';
export { RandomHalfPolicy } from './random-half.js';
export { NearFirstPolicy } from './near-first.js';
