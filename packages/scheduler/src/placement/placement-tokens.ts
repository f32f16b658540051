/**
 * Injection tokens for placement. A system's tsyringe container resolves
 * `@inject(PlacementTokens.Registry)` to the `PlacementRegistry` masters create their strategies
 * from; register your own instance under it to add or replace strategies for that system only.
 */
export const PlacementTokens = {
  /** The `PlacementRegistry` of the system. */
  Registry: Symbol.for('armada.scheduler.PlacementRegistry'),
} as const;
